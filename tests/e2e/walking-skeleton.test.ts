import path from 'node:path';
import { authenticator } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../../services/platform/src/config.js';
import { codeFrom, readSmsOutbox } from '../../services/tenant/src/test-support/sign-in.js';
import { startTestPlatform, waitForMail, type TestPlatform } from '../support/platform.js';
import { nextTotpCode, PASSWORD } from '../support/tenant-flow.js';
import { launchChromium, saveScreenshot } from './browser.js';
import { chooseFactor, enterPassword } from './flows.js';

const ARCHISURANCE = path.resolve(PROJECT_DIR, '../shared/fixtures/archimate/archisurance-exchange.xml');
const CONTACT = 'it-security@demo-kommun.example';
const MOBILE = '+46 70 123 45 67';

/**
 * The whole path a new customer walks, in Chromium through the gateway:
 * register, deploy, accept the invitation, enrol TOTP, save the recovery
 * codes, sign in with a TOTP code and import the Archisurance model. Then
 * sign in again with an SMS code sent to the registered mobile number.
 */
describe('new customer in the browser', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let page: Page;
  let origin: (name: string) => string;
  let usedDeployLink: string;

  /** Returns the outbox folder that the test platform writes each SMS to, as a file of its own. */
  const smsOutbox = (): string => {
    const { sms } = platform.config;
    if (sms.provider !== 'outbox') throw new Error('the test platform sends SMS to its outbox');
    return sms.outboxDir;
  };
  const smsFiles = async (): Promise<Set<string>> => new Set((await readSmsOutbox(smsOutbox())).map((sms) => sms.file));

  /** Waits for an SMS to MOBILE that is not among `before` and returns its six-digit code. */
  const waitForSmsCode = async (before: Set<string>): Promise<string> => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const sms = (await readSmsOutbox(smsOutbox())).find((message) => !before.has(message.file) && message.to === MOBILE);
      if (sms !== undefined) return codeFrom(sms.text);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`no SMS to ${MOBILE} within 30 s`);
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = await launchChromium();
    // The gateway's certificate comes from the platform's own CA, which this
    // throwaway browser profile does not trust; Node-side tests verify it.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
    page = await context.newPage();
    origin = (name) => `https://${name}.${platform.config.baseDomain}:${platform.config.ports.https}`;
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('registers, deploys, signs in with TOTP and imports Archisurance', async () => {
    await page.goto(`${origin('register')}/?lang=en`);
    await page.getByLabel('Organisation').fill('Demo kommun');
    await page.getByLabel('Workspace name').fill('demo');
    await page.getByLabel('Contact e-mail address').fill(CONTACT);
    await page.getByLabel('Mobile number').fill(MOBILE);
    await saveScreenshot(page, 'registration-form');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor();

    const [deployLink] = await waitForMail(platform, CONTACT, /https:\/\/register\.\S+\/deploy\?token=[A-Za-z0-9_-]+\S*/);
    await page.goto(deployLink);
    await page.getByRole('button', { name: 'Deploy' }).click();
    await page.getByRole('heading', { name: 'demo is ready' }).waitFor({ timeout: 90_000 });
    await saveScreenshot(page, 'deployment-finished');
    usedDeployLink = deployLink;

    const [, invitation] = await waitForMail(platform, CONTACT, /\/invite\/([A-Za-z0-9_-]+)/);
    await page.goto(`${origin('demo')}/invite/${invitation}`);
    await page.getByTestId('invite-password').fill(PASSWORD);
    await page.getByTestId('invite-password-confirm').fill(PASSWORD);
    await page.getByTestId('invite-password-submit').click();
    const totpSecret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
    await saveScreenshot(page, 'totp-enrolment');
    await page.getByTestId('invite-totp-code').fill(authenticator.generate(totpSecret));
    await page.getByTestId('invite-totp-submit').click();

    await page.getByTestId('recovery-codes').waitFor();
    const recoveryCodes = await page.getByTestId('recovery-code').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    await saveScreenshot(page, 'recovery-codes');
    // Continuing without the confirmation keeps the codes on screen.
    await page.getByTestId('recovery-codes-continue').click();
    await page.getByTestId('recovery-codes-error').waitFor();
    await page.getByTestId('recovery-codes-saved').check();
    await page.getByTestId('recovery-codes-continue').click();
    await page.getByTestId('invite-success').waitFor();

    await enterPassword(page, origin('demo'), CONTACT);
    await chooseFactor(page, 'totp');
    await saveScreenshot(page, 'sign-in-second-factor');
    await page.getByTestId('sign-in-code').fill(nextTotpCode(totpSecret));
    await page.getByTestId('sign-in-code-submit').click();
    await page.getByTestId('nav-import').waitFor();

    await page.getByTestId('nav-import').click();
    await page.getByTestId('import-file').setInputFiles(ARCHISURANCE);
    await page.getByTestId('import-submit').click();
    const result = page.getByTestId('import-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-objects')).toBe('120');
    expect(await result.getAttribute('data-relations')).toBe('178');
    await saveScreenshot(page, 'import-finished');

    await page.getByTestId('nav-home').click();
    await expect.poll(() => page.getByTestId('stats-objects').getAttribute('data-count')).toBe('120');
    await expect.poll(() => page.getByTestId('stats-relations').getAttribute('data-count')).toBe('178');
    await expect.poll(() => page.getByTestId('type-organisation_unit').getAttribute('data-count')).toBe('17');
    await saveScreenshot(page, 'overview');

    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-row').first().waitFor();
    expect(await page.locator('[data-testid="audit-row"][data-action="import.archimate"]').count()).toBe(1);
    await saveScreenshot(page, 'audit-log');
  });

  it('signs in by SMS to the registered number', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
    const smsPage = await context.newPage();
    await enterPassword(smsPage, origin('demo'), CONTACT);
    await chooseFactor(smsPage, 'sms');
    const before = await smsFiles();
    await smsPage.getByTestId('sign-in-send-code').click();
    await smsPage.getByTestId('sign-in-code-sent').filter({ hasText: /\S/ }).waitFor();
    await smsPage.getByTestId('sign-in-code').fill(await waitForSmsCode(before));
    await smsPage.getByTestId('sign-in-code-submit').click();
    await smsPage.getByTestId('nav-user').filter({ hasText: CONTACT }).waitFor();
    await context.close();
  });

  it('shows each refused name next to the field in Swedish', async () => {
    const cases = [
      { name: 'Bad_Name', message: 'Använd 3–40 gemener (a–z), siffror och bindestreck' },
      { name: 'admin', message: 'Namnet är reserverat av plattformen.' },
      { name: 'demo', message: 'Namnet används redan.' },
    ];
    for (const { name, message } of cases) {
      await page.goto(`${origin('register')}/?lang=sv`);
      await page.getByLabel('Organisation').fill('Annan kommun');
      await page.getByLabel('Arbetsytans namn').fill(name);
      await page.getByLabel('Kontaktpersonens e-postadress').fill('kontakt@annan-kommun.example');
      await page.getByLabel('Mobilnummer').fill('070-123 45 67');
      const response = page.waitForResponse((r) => r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Registrera' }).click();

      expect((await response).status(), name).toBe(422);
      expect(await page.locator('#tenantName-error').textContent(), name).toContain(message);
      expect(await page.getByLabel('Arbetsytans namn').getAttribute('aria-invalid'), name).toBe('true');
    }
    await saveScreenshot(page, 'registration-refused-sv');
  });

  it('refuses a deployment link that was already used', async () => {
    await page.goto(usedDeployLink);
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Deploy' }).click();

    expect((await response).status()).toBe(410);
    expect(await page.locator('main').textContent()).toContain('This deployment link has already been used');
  });
});
