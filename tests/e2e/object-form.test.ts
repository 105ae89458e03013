import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, waitForMail, type TestPlatform } from '../support/platform.js';
import { deployTenant, nextTotpCode, registerTenant } from '../support/tenant-flow.js';
import { launchChromium, saveScreenshot } from './browser.js';
import { acceptInvitation, chooseFactor, enterPassword, findAccessibilityViolations, type EnrolledUser } from './flows.js';

const TENANT = 'formular';
const ADMINISTRATOR = 'owner@formular.example';
const WRITER = 'writer@formular.example';
const INVITATION_LINK = /https:\/\/\S+\/invite\/[A-Za-z0-9_-]+/;

/** Returns axe-core's serious and critical findings, the ones a page must not have. */
async function seriousViolations(page: Page): Promise<string[]> {
  const violations = await findAccessibilityViolations(page);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.targets.join(', ')}`);
}

/** Sends a JSON request from the page with a fresh access token from its refresh cookie, and returns the status and the parsed body. */
async function apiFromPage(page: Page, method: string, requestPath: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return page.evaluate(
    async ({ method, requestPath, body }) => {
      const refresh = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
      const { accessToken } = (await refresh.json()) as { accessToken: string };
      const response = await fetch(requestPath, {
        method,
        headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
    },
    { method, requestPath, body },
  );
}

/** Sends a request that must succeed, and throws with the body when it does not. */
async function expectApi(page: Page, method: string, requestPath: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await apiFromPage(page, method, requestPath, body);
  if (response.status >= 300) throw new Error(`${method} ${requestPath} failed with ${response.status}: ${JSON.stringify(response.json)}`);
  return response.json;
}

/** Returns the text with the no-break spaces that Intl puts in Swedish numbers written as plain spaces. */
function plainSpaces(text: string | null): string {
  return (text ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();
}

/**
 * The object form in Chromium through the gateway. Attributes of every kind
 * are edited with the keyboard and shown for the locale, and the API's field
 * error is shown in Swedish. A conflicting attribute edit is resolved per
 * field, and the list of all model objects leaves out requirement sets and
 * requirements.
 */
describe('object form in the browser', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let origin: string;
  let administrator: EnrolledUser;
  let adminPage: Page;
  let writerContext: BrowserContext;
  let writerPage: Page;
  let objectId: string;

  const newPage = async (locale: string): Promise<{ context: BrowserContext; page: Page }> => {
    // The gateway's certificate comes from the platform's own CA, which this throwaway profile does not trust.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale });
    return { context, page: await context.newPage() };
  };

  const signIn = async (page: Page, email: string, totpSecret: string) => {
    await enterPassword(page, origin, email);
    await chooseFactor(page, 'totp');
    await page.getByTestId('sign-in-code').fill(nextTotpCode(totpSecret));
    await page.getByTestId('sign-in-code-submit').click();
    await page.getByTestId('nav-objects').waitFor();
  };

  const open = async (page: Page, path: string) => {
    await page.goto(`${origin}${path}`);
    await page.getByTestId('nav-objects').waitFor();
  };

  /**
   * Replaces the element's text by typing, as a keyboard user does. Each
   * step focuses the element first, because the page may move the focus to
   * its heading once it has loaded.
   */
  const typeInto = async (page: Page, testId: string, text: string) => {
    const element = page.getByTestId(testId);
    await element.press('ControlOrMeta+A');
    await element.press('Delete');
    await element.pressSequentially(text);
  };

  /** Focuses the element and presses a key on it. */
  const pressOn = async (page: Page, testId: string, key: string) => {
    await page.getByTestId(testId).press(key);
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = await launchChromium();
    origin = `https://${TENANT}.${platform.config.baseDomain}:${platform.config.ports.https}`;
    await deployTenant(platform, await registerTenant(platform, TENANT, ADMINISTRATOR));

    ({ page: adminPage } = await newPage('en-GB'));
    const [invitationUrl] = await waitForMail(platform, ADMINISTRATOR, INVITATION_LINK);
    administrator = await acceptInvitation(adminPage, invitationUrl);
    await signIn(adminPage, ADMINISTRATOR, administrator.totpSecret);

    // The administrator defines a type with one attribute of each kind, a partner to refer to and a requirement set.
    await expectApi(adminPage, 'POST', '/api/meta-model/object-types', { key: 'agreement', nameSv: 'Överenskommelse', nameEn: 'Agreement', role: 'general' });
    const attributes = [
      { key: 'note', nameSv: 'Anteckning', nameEn: 'Note', kind: 'text', required: true },
      { key: 'summary', nameSv: 'Sammanfattning', nameEn: 'Summary', kind: 'long_text', required: false },
      { key: 'amount', nameSv: 'Belopp', nameEn: 'Amount', kind: 'number', required: false },
      { key: 'signed_on', nameSv: 'Undertecknad', nameEn: 'Signed on', kind: 'date', required: false },
      {
        key: 'tier',
        nameSv: 'Nivå',
        nameEn: 'Tier',
        kind: 'choice',
        required: false,
        choices: [
          { key: 'gold', sv: 'Guld', en: 'Gold' },
          { key: 'silver', sv: 'Silver', en: 'Silver' },
        ],
      },
      { key: 'active', nameSv: 'Aktiv', nameEn: 'Active', kind: 'boolean', required: false },
      { key: 'counterparty', nameSv: 'Motpart', nameEn: 'Counterparty', kind: 'reference', referenceType: 'partner', required: false },
    ];
    for (const attribute of attributes) await expectApi(adminPage, 'POST', '/api/meta-model/object-types/agreement/attributes', attribute);
    await expectApi(adminPage, 'POST', '/api/objects', { type: 'partner', name: 'Acme AB' });
    const set = await expectApi(adminPage, 'POST', '/api/requirement-sets', { name: 'Zulu kravsamling' });
    await expectApi(adminPage, 'POST', `/api/requirement-sets/${String(set.id)}/requirements`, {
      kind: 'requirement',
      identifier: 'Z.1',
      title: 'Zulu krav',
      statement: 'Ett krav att uppfylla.',
    });

    // A user with write access signs in with a Swedish browser and keeps Swedish.
    await adminPage.getByTestId('nav-users').click();
    await adminPage.getByTestId('invite-user-email').fill(WRITER);
    await adminPage.getByTestId('invite-user-level').selectOption('write');
    await adminPage.getByTestId('invite-user-mobile').fill('+46 70 123 45 67');
    await adminPage.getByTestId('invite-user-submit').click();
    await adminPage.locator(`[data-testid="user-row"][data-email="${WRITER}"]`).waitFor();
    ({ context: writerContext, page: writerPage } = await newPage('sv-SE'));
    const [writerInvitation] = await waitForMail(platform, WRITER, INVITATION_LINK);
    const writer = await acceptInvitation(writerPage, writerInvitation);
    await signIn(writerPage, WRITER, writer.totpSecret);
    // The switch stores the language in the account, which a page load restores, so the test waits until it is stored.
    const stored = writerPage.waitForResponse((response) => response.request().method() === 'PATCH' && new URL(response.url()).pathname === '/api/me');
    await writerPage.getByTestId('language-switch').selectOption('sv');
    expect((await stored).status()).toBe(200);
  });

  afterAll(async () => {
    await writerContext?.close();
    await browser?.close();
    await platform?.stop();
  });

  it('creates an object with a required attribute', async () => {
    await open(writerPage, '/objects?type=agreement');
    // The form is ready once the meta-model has loaded and shows the type's required attribute.
    await writerPage.getByTestId('attribute-input-note').waitFor();
    await typeInto(writerPage, 'create-object-name', 'Ramavtal');
    await expect.poll(() => writerPage.getByTestId('create-object-submit').isEnabled()).toBe(true);
    // Without the required note the API names the field in Swedish.
    await pressOn(writerPage, 'create-object-submit', 'Enter');
    const required = writerPage.getByTestId('attribute-error-note');
    await required.waitFor();
    expect(await required.textContent()).toBe('Ett värde krävs.');

    await typeInto(writerPage, 'attribute-input-note', 'Gäller tills vidare');
    await pressOn(writerPage, 'attribute-input-note', 'Enter');
    const result = writerPage.getByTestId('create-object-result');
    await result.waitFor();
    objectId = (await result.getAttribute('data-object-id'))!;
    expect(await seriousViolations(writerPage)).toEqual([]);
  });

  it('edits every attribute kind by keyboard', async () => {
    await open(writerPage, `/objects/${objectId}`);
    await writerPage.getByTestId('attribute-input-note').waitFor();
    expect(await writerPage.getByTestId('attribute-input-note').inputValue()).toBe('Gäller tills vidare');

    await typeInto(writerPage, 'attribute-input-summary', 'Första raden');
    await pressOn(writerPage, 'attribute-input-summary', 'Enter');
    await writerPage.getByTestId('attribute-input-summary').pressSequentially('Andra raden');
    // NOTE: the date is filled rather than typed. In headless Chromium the year part of the date field took every digit typed,
    // and neither the right arrow key nor a hyphen moved on to the month, so typed dates came out as years like 50331.
    await writerPage.getByTestId('attribute-input-signed_on').fill('2025-03-31');
    expect(await writerPage.getByTestId('attribute-input-signed_on').inputValue()).toBe('2025-03-31');
    await pressOn(writerPage, 'attribute-input-tier', 'ArrowDown');
    await pressOn(writerPage, 'attribute-input-active', 'ArrowDown');
    await typeInto(writerPage, 'attribute-input-counterparty-search', 'Acme');
    await expect.poll(() => writerPage.getByTestId('attribute-input-counterparty').locator('option').allTextContents()).toEqual(['(inget värde)', 'Acme AB (Partner eller leverantör)']);
    await pressOn(writerPage, 'attribute-input-counterparty', 'ArrowDown');

    // A number that is no number: the API's field error is shown next to the field, in Swedish.
    await typeInto(writerPage, 'attribute-input-amount', '12,5,0');
    await pressOn(writerPage, 'attribute-input-amount', 'Enter');
    const amountError = writerPage.getByTestId('attribute-error-amount');
    await amountError.waitFor();
    expect(await amountError.textContent()).toBe('Ange ett tal.');
    expect(await writerPage.getByTestId('attribute-input-amount').getAttribute('aria-invalid')).toBe('true');
    expect(await seriousViolations(writerPage)).toEqual([]);
    await saveScreenshot(writerPage, 'object-form-field-error-sv');

    // The Swedish decimal comma and a space between thousands are read as a number.
    await typeInto(writerPage, 'attribute-input-amount', '1 234,5');
    await pressOn(writerPage, 'attribute-input-amount', 'Enter');
    await writerPage.getByTestId('attribute-amount').waitFor();
    expect(await amountError.count()).toBe(0);

    await writerPage.reload();
    await writerPage.getByTestId('attribute-amount').waitFor();
    const displayedValue = async (key: string) => plainSpaces(await writerPage.getByTestId(`attribute-${key}`).locator('dd').textContent());
    expect(await displayedValue('note')).toBe('Gäller tills vidare');
    expect(await displayedValue('summary')).toBe('Första raden\nAndra raden');
    expect(await displayedValue('amount')).toBe('1 234,5');
    expect(await displayedValue('signed_on')).toBe('31 mars 2025');
    expect(await displayedValue('tier')).toBe('Guld');
    expect(await displayedValue('active')).toBe('Ja');
    // The referenced object's name arrives with a request of its own.
    await expect.poll(() => displayedValue('counterparty')).toBe('Acme AB (Partner eller leverantör)');
    // The form shows the number for editing in Swedish too.
    expect(await writerPage.getByTestId('attribute-input-amount').inputValue()).toBe('1234,5');
    expect(await seriousViolations(writerPage)).toEqual([]);
    await saveScreenshot(writerPage, 'object-form-attributes-sv');
  });

  it('resolves an attribute conflict per field', async () => {
    await open(adminPage, `/objects/${objectId}`);
    await adminPage.getByTestId('attribute-input-amount').waitFor();

    // The writer starts typing before the administrator saves another amount.
    await typeInto(writerPage, 'attribute-input-amount', '500');
    await typeInto(adminPage, 'attribute-input-amount', '99');
    await pressOn(adminPage, 'attribute-input-amount', 'Enter');
    await adminPage.getByTestId('attribute-amount').filter({ hasText: '99' }).waitFor();

    await pressOn(writerPage, 'edit-object-submit', 'Enter');
    const conflict = writerPage.getByTestId('edit-object-conflict');
    await conflict.waitFor();
    expect(await writerPage.getByTestId('conflict-field-attributes.amount').locator('th').textContent()).toBe('Belopp');
    expect(await writerPage.getByTestId('conflict-attributes.amount-mine-value').textContent()).toBe('500');
    expect(await writerPage.getByTestId('conflict-attributes.amount-theirs-value').textContent()).toBe('99');
    expect(await writerPage.getByTestId('conflict-field-attributes.note').count()).toBe(0);
    expect(await seriousViolations(writerPage)).toEqual([]);
    await saveScreenshot(writerPage, 'object-form-conflict-sv');

    // Keep the own value with the keyboard.
    await pressOn(writerPage, 'conflict-save', 'Enter');
    await conflict.waitFor({ state: 'detached' });
    await writerPage.getByTestId('attribute-amount').filter({ hasText: '500' }).waitFor();
    await adminPage.getByTestId('attribute-amount').filter({ hasText: '500' }).waitFor();
  });

  it('lists all objects without requirements', async () => {
    await open(writerPage, '/objects');
    await expect.poll(() => writerPage.getByTestId('object-list-count').getAttribute('data-count')).toBe('2');
    await expect.poll(async () => (await writerPage.getByTestId('object-link').allTextContents()).sort()).toEqual(['Acme AB', 'Ramavtal']);
  });
});
