import { authenticator } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, waitForMail, type TestPlatform } from '../support/platform.js';
import { deployTenant, nextTotpCode, registerTenant } from '../support/tenant-flow.js';
import { launchChromium, saveScreenshot } from './browser.js';
import { acceptInvitation, chooseFactor, enterPassword, findAccessibilityViolations, outboxFiles, waitForNewMail, type EnrolledUser } from './flows.js';

const TENANT = 'acme';
const ADMINISTRATOR = 'owner@acme.example';
const READER = 'reader@acme.example';
const NEW_PASSWORD = 'a new and longer passphrase';
const INVITATION_LINK = /https:\/\/\S+\/invite\/[A-Za-z0-9_-]+/;

/**
 * Users and sessions in Chromium through the gateway. An administrator
 * invites a read user from the users page, who signs in with an e-mail code
 * and later enrols again after a factor reset. Signing out everywhere ends
 * the session in another browser.
 */
describe('users and sessions in the browser', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let origin: string;
  let administrator: EnrolledUser;
  let adminContext: BrowserContext;
  let adminPage: Page;

  const newPage = async (locale = 'en-GB'): Promise<{ context: BrowserContext; page: Page }> => {
    // The gateway's certificate comes from the platform's own CA, which this throwaway profile does not trust.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale });
    return { context, page: await context.newPage() };
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = await launchChromium();
    origin = `https://${TENANT}.${platform.config.baseDomain}:${platform.config.ports.https}`;
    await deployTenant(platform, await registerTenant(platform, TENANT, ADMINISTRATOR));

    ({ context: adminContext, page: adminPage } = await newPage());
    const [invitationUrl] = await waitForMail(platform, ADMINISTRATOR, INVITATION_LINK);
    administrator = await acceptInvitation(adminPage, invitationUrl);
    await enterPassword(adminPage, origin, ADMINISTRATOR);
    await chooseFactor(adminPage, 'totp');
    await adminPage.getByTestId('sign-in-code').fill(nextTotpCode(administrator.totpSecret));
    await adminPage.getByTestId('sign-in-code-submit').click();
    await adminPage.getByTestId('nav-users').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('invited read user signs in with an e-mail code', async () => {
    await adminPage.getByTestId('nav-users').click();
    await adminPage.getByTestId('user-list').waitFor();
    expect(await findAccessibilityViolations(adminPage)).toEqual([]);
    await adminPage.getByTestId('invite-user-email').fill(READER);
    await adminPage.getByTestId('invite-user-level').selectOption('read');
    await adminPage.getByTestId('invite-user-mobile').fill('+46 70 765 43 21');
    await adminPage.getByTestId('invite-user-locale').selectOption('en');
    await adminPage.getByTestId('invite-user-submit').click();
    await adminPage.getByTestId('invite-user-status').filter({ hasText: READER }).waitFor();
    await adminPage.locator(`[data-testid="user-row"][data-email="${READER}"]`).waitFor();
    const readerRow = adminPage.locator(`[data-testid="user-row"][data-email="${READER}"]`);
    expect(await readerRow.getAttribute('data-level')).toBe('read');
    expect(await readerRow.getByTestId('user-status').textContent()).toBe('Invited');
    await saveScreenshot(adminPage, 'users-invited');

    const { context: readerContext, page } = await newPage();
    const [invitationUrl] = await waitForMail(platform, READER, INVITATION_LINK);
    await acceptInvitation(page, invitationUrl);

    await enterPassword(page, origin, READER);
    await chooseFactor(page, 'email');
    const before = await outboxFiles(platform);
    await page.getByTestId('sign-in-send-code').click();
    await page.getByTestId('sign-in-code-sent').filter({ hasText: /\S/ }).waitFor();
    const [, code] = await waitForNewMail(platform, READER, before, /\b(\d{6})\b/);

    // A wrong code keeps the user on the code step with the rest of the challenge's attempts.
    await page.getByTestId('sign-in-code').fill(code === '000000' ? '111111' : '000000');
    await page.getByTestId('sign-in-code-submit').click();
    await page.getByTestId('sign-in-attempts-left').waitFor();
    expect(await page.getByTestId('sign-in-error').getAttribute('data-error-code')).toBe('SIGN_IN_FAILED');
    expect(await page.getByTestId('sign-in-attempts-left').getAttribute('data-attempts-left')).toBe('4');
    expect(await page.getByTestId('sign-in-code').inputValue()).toBe('');

    await page.getByTestId('sign-in-code').fill(code!);
    await saveScreenshot(page, 'sign-in-email-code');
    await page.getByTestId('sign-in-code-submit').click();
    await page.getByTestId('nav-user').filter({ hasText: READER }).waitFor();

    // A read user sees no way to change anything.
    await page.getByTestId('nav-objects').click();
    await page.getByRole('heading', { name: 'All objects' }).waitFor();
    expect(await page.getByTestId('nav-import').count()).toBe(0);
    expect(await page.getByTestId('nav-users').count()).toBe(0);
    expect(await page.getByTestId('create-object-type').count()).toBe(0);
    await page.getByTestId('nav-user').click();
    await page.getByTestId('account-access-level').waitFor();
    expect(await page.getByTestId('account-access-level').getAttribute('data-level')).toBe('read');
    expect(await findAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'account-read-user');

    // The refresh cookie restores the session after a reload, with the access token only in memory.
    // The page's clock is faked from here on, so the renewal below can be reached without waiting 15 minutes.
    await page.clock.install();
    await page.reload();
    await page.getByTestId('account-email').filter({ hasText: READER }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/account');
    const storedKeys = await page.evaluate(() => {
      const storage = globalThis as unknown as { sessionStorage: object; localStorage: object };
      return [...Object.keys(storage.sessionStorage), ...Object.keys(storage.localStorage)];
    });
    expect(storedKeys.filter((key) => key !== 'esm.language')).toEqual([]);

    // The client renews the 15-minute access token a minute before it expires.
    const renewal = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/auth/refresh');
    await page.clock.fastForward('14:30');
    expect((await renewal).status()).toBe(200);
    await page.getByTestId('nav-objects').click();
    await page.getByRole('heading', { name: 'All objects' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/objects');
    await readerContext.close();
  });

  it('reset factor makes the user enrol again', async () => {
    await adminPage.getByTestId('nav-users').click();
    const readerRow = adminPage.locator(`[data-testid="user-row"][data-email="${READER}"]`);
    await readerRow.getByTestId('user-reset-factor').click();
    await adminPage.getByTestId('confirm-dialog').waitFor();
    await adminPage.getByTestId('confirm-accept').click();
    await adminPage.getByTestId('users-status').waitFor();
    expect(await adminPage.getByTestId('confirm-dialog').count()).toBe(0);

    const { context, page } = await newPage();
    await enterPassword(page, origin, READER);
    await page.getByTestId('sign-in-enrolment-start').click();
    const totpSecret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
    await saveScreenshot(page, 'sign-in-enrolment');
    await page.getByTestId('sign-in-enrolment-code').fill(authenticator.generate(totpSecret));
    await page.getByTestId('sign-in-enrolment-submit').click();

    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-code').count()).toBe(10);
    await page.getByTestId('recovery-codes-saved').check();
    await page.getByTestId('recovery-codes-continue').click();
    await page.getByTestId('nav-user').filter({ hasText: READER }).waitFor();
    await context.close();
  });

  it('signing out everywhere ends the other browser session', async () => {
    const { context: otherContext, page: otherPage } = await newPage();
    await enterPassword(otherPage, origin, ADMINISTRATOR);
    await chooseFactor(otherPage, 'recovery');
    await otherPage.getByTestId('sign-in-recovery-code').fill(administrator.recoveryCodes[0]!);
    await otherPage.getByTestId('sign-in-code-submit').click();
    await otherPage.getByTestId('nav-user').waitFor();

    await adminPage.getByTestId('nav-user').click();
    await adminPage.getByTestId('account-sign-out-everywhere').click();
    await adminPage.getByTestId('confirm-dialog').waitFor();
    await saveScreenshot(adminPage, 'sign-out-everywhere-confirm');
    await adminPage.getByTestId('confirm-accept').click();
    const adminNotice = adminPage.getByTestId('sign-in-session-ended');
    await adminNotice.waitFor();
    expect(await adminNotice.getAttribute('data-reason')).toBe('signed-out-everywhere');

    // The other context still has an access token, and its next request finds the session revoked.
    await otherPage.getByTestId('nav-objects').click();
    const otherNotice = otherPage.getByTestId('sign-in-session-ended');
    await otherNotice.waitFor();
    expect(await otherNotice.getAttribute('data-reason')).toBe('revoked');
    await saveScreenshot(otherPage, 'session-revoked');

    await otherPage.reload();
    await otherPage.getByTestId('sign-in-email').waitFor();
    expect(new URL(otherPage.url()).pathname).toBe('/sign-in');
    await otherContext.close();
    await adminContext.close();
  });

  it('sign-in throttling shows the wait in Swedish', async () => {
    // Failures count per address whether or not an account exists, so an unknown address keeps the other users unaffected.
    const { context, page } = await newPage('sv-SE');
    await page.goto(`${origin}/sign-in`);
    await page.getByTestId('sign-in-email').fill('nobody@acme.example');
    await page.getByTestId('sign-in-password').fill('wrong password, again');
    const error = page.getByTestId('sign-in-error');
    const submitPassword = async (): Promise<number> => {
      const response = page.waitForResponse((candidate) => new URL(candidate.url()).pathname === '/api/auth/password');
      await page.getByTestId('sign-in-submit').click();
      return (await response).status();
    };
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect(await submitPassword(), `attempt ${attempt}`).toBe(401);
      expect(await error.getAttribute('data-error-code'), `attempt ${attempt}`).toBe('SIGN_IN_FAILED');
    }

    expect(await submitPassword()).toBe(429);
    await page.locator('[data-testid="sign-in-error"][data-error-code="SIGN_IN_THROTTLED"]').waitFor();
    expect(await page.getByTestId('sign-in-submit').isDisabled()).toBe(true);
    expect(Number(await error.getAttribute('data-retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await error.textContent()).toMatch(/Vänta \d+ sekunde?r?/);
    await saveScreenshot(page, 'sign-in-throttled-sv');
    await context.close();
  });

  it('forgotten password is reset by e-mail', async () => {
    const { context, page } = await newPage();
    const before = await outboxFiles(platform);
    await page.goto(`${origin}/sign-in`);
    await page.getByTestId('forgot-password-link').click();
    await page.getByTestId('forgot-password-email').fill(ADMINISTRATOR);
    await page.getByTestId('forgot-password-submit').click();
    await page.getByTestId('forgot-password-sent').waitFor();

    const [resetUrl] = await waitForNewMail(platform, ADMINISTRATOR, before, /https:\/\/\S+\/reset-password\/[A-Za-z0-9_-]+/);
    await page.goto(resetUrl);
    await page.getByTestId('reset-password-new').fill(NEW_PASSWORD);
    await page.getByTestId('reset-password-confirm').fill(NEW_PASSWORD);
    await page.getByTestId('reset-password-submit').click();
    await page.getByTestId('reset-password-done').waitFor();
    await saveScreenshot(page, 'password-reset-done');

    await page.goto(`${origin}/sign-in`);
    await page.getByTestId('sign-in-email').fill(ADMINISTRATOR);
    await page.getByTestId('sign-in-password').fill(NEW_PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    // An e-mail code, because the TOTP time steps near now may already be used up.
    await chooseFactor(page, 'email');
    const beforeCode = await outboxFiles(platform);
    await page.getByTestId('sign-in-send-code').click();
    await page.getByTestId('sign-in-code-sent').filter({ hasText: /\S/ }).waitFor();
    const [, code] = await waitForNewMail(platform, ADMINISTRATOR, beforeCode, /\b(\d{6})\b/);
    await page.getByTestId('sign-in-code').fill(code!);
    await page.getByTestId('sign-in-code-submit').click();
    await page.getByTestId('nav-users').waitFor();
    await context.close();
  });
});
