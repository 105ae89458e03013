import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, waitForMail, type TestPlatform } from '../support/platform.js';
import { deployTenant, nextTotpCode, registerTenant } from '../support/tenant-flow.js';
import { launchChromium, saveScreenshot } from './browser.js';
import { acceptInvitation, chooseFactor, enterPassword, findAccessibilityViolations, type EnrolledUser } from './flows.js';

const TENANT = 'kravadmin';
const ADMINISTRATOR = 'owner@kravadmin.example';
const READER = 'reader@kravadmin.example';
const INVITATION_LINK = /https:\/\/\S+\/invite\/[A-Za-z0-9_-]+/;
const SET_NAME = 'Egna säkerhetskrav';

/** A small OSCAL catalog with one control, imported to check that an imported set offers no editing. */
const SMALL_CATALOG = JSON.stringify({
  catalog: {
    uuid: '5d6f1f2e-8c1a-4b7e-9f3d-2a4b6c8d0e1f',
    metadata: { title: 'Importerad katalog', version: '1.0', 'last-modified': '2026-01-01T00:00:00Z', 'oscal-version': '1.1.2' },
    controls: [{ id: 'ic-1', title: 'Importerad kontroll' }],
  },
});

/** Sends an API request from the page with a fresh access token from the page's refresh cookie, and returns the status and body text. */
async function callApi(page: Page, method: string, requestPath: string, body?: string, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  return page.evaluate(
    async ({ method, requestPath, body, contentType }) => {
      const refresh = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
      const { accessToken } = (await refresh.json()) as { accessToken: string };
      const headers: Record<string, string> = { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = contentType;
      const response = await fetch(requestPath, { method, headers, body });
      return { status: response.status, text: await response.text() };
    },
    { method, requestPath, body, contentType },
  );
}

/** Presses Tab until the focused element matches `selector`, and fails after `limit` presses. */
async function tabTo(page: Page, selector: string, limit = 300): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(
      (wanted) => (globalThis as unknown as { document: { activeElement: { matches: (s: string) => boolean } | null } }).document.activeElement?.matches(wanted) ?? false,
      selector,
    );
    if (focused) return;
  }
  throw new Error(`no element matching ${selector} within ${limit} Tab presses`);
}

/** Returns the total of the set page's gap chart. */
async function gapTotal(page: Page): Promise<number> {
  return Number(await page.getByTestId('set-gap').getAttribute('data-total'));
}

/**
 * Maintaining requirement sets by hand in Chromium: creating a set, adding
 * and editing requirements, applicability rules by keyboard, the delete
 * preview, an imported set that cannot be edited, and a read user who sees
 * none of the controls.
 */
describe('requirement set administration in the browser', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  let setPath = '';

  const signIn = async (targetPage: Page, email: string, user: EnrolledUser) => {
    await enterPassword(targetPage, origin, email);
    await chooseFactor(targetPage, 'totp');
    await targetPage.getByTestId('sign-in-code').fill(nextTotpCode(user.totpSecret));
    await targetPage.getByTestId('sign-in-code-submit').click();
    await targetPage.getByTestId('nav-user').filter({ hasText: email }).waitFor();
  };

  /** Opens the form under "Add a requirement or group" and adds one. */
  const addRequirement = async (identifier: string, title: string, parent?: string) => {
    if ((await page.getByTestId('requirement-form').count()) === 0) {
      await page.getByTestId('requirement-add').click();
    }
    const form = page.getByTestId('requirement-form');
    await form.getByTestId('requirement-form-identifier').fill(identifier);
    await form.getByTestId('requirement-form-title').fill(title);
    await form.getByTestId('requirement-form-statement').fill(`${title} ska dokumenteras.`);
    if (parent !== undefined) {
      await form.getByTestId('requirement-form-parent').selectOption({ label: parent });
    }
    await form.getByTestId('requirement-form-submit').click();
    await page.locator(`[data-testid="requirement-node"][data-identifier="${identifier}"]`).waitFor();
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = await launchChromium();
    origin = `https://${TENANT}.${platform.config.baseDomain}:${platform.config.ports.https}`;
    await deployTenant(platform, await registerTenant(platform, TENANT, ADMINISTRATOR));

    // The gateway's certificate comes from the platform's own CA, which this throwaway profile does not trust.
    context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    const [invitationUrl] = await waitForMail(platform, ADMINISTRATOR, INVITATION_LINK);
    await signIn(page, ADMINISTRATOR, await acceptInvitation(page, invitationUrl));

    // One application and one information object: a rule for applications leaves the information object out.
    expect((await callApi(page, 'POST', '/api/objects', JSON.stringify({ type: 'application', name: 'Kundportal' }))).status).toBe(201);
    expect((await callApi(page, 'POST', '/api/objects', JSON.stringify({ type: 'information_object', name: 'Kunddata' }))).status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('hand-made set counts requirements by rule', async () => {
    await page.getByTestId('nav-requirements').click();
    await page.getByTestId('new-set-form').waitFor();
    await page.getByTestId('set-form-name').fill(SET_NAME);
    await page.getByTestId('set-form-description').fill('Krav som organisationen har formulerat själv.');
    await page.getByTestId('set-form-submit').click();
    await expect.poll(() => page.getByTestId('requirement-set-name').textContent()).toBe(SET_NAME);
    setPath = new URL(page.url()).pathname;
    expect(await page.getByTestId('set-imported').count()).toBe(0);
    expect(await page.getByTestId('rules-none').count()).toBe(1);

    await addRequirement('KR-1', 'Behörighetsstyrning');
    await addRequirement('KR-1.1', 'Granskning av behörigheter', 'KR-1 Behörighetsstyrning');
    const child = page.locator('[data-testid="requirement-node"][data-identifier="KR-1"] [data-testid="requirement-node"][data-identifier="KR-1.1"]');
    expect(await child.count()).toBe(1);

    // Without rules both requirements apply to both objects.
    await expect.poll(() => gapTotal(page)).toBe(4);

    // A rule for applications, by keyboard alone.
    await page.locator('[data-testid="set-rules"] [data-testid="rule-form"]').waitFor();
    await tabTo(page, '[data-testid="set-rules"] [data-testid="rule-form-type"][data-key="application"]');
    await page.keyboard.press('Space');
    await tabTo(page, '[data-testid="set-rules"] [data-testid="rule-form-submit"]');
    await page.keyboard.press('Enter');
    const rule = page.locator('[data-testid="set-rules"] [data-testid="rule"]');
    await rule.waitFor();
    expect(await rule.count()).toBe(1);
    expect(await rule.textContent()).toContain('Applies to Application.');

    // The gap chart reloads: both requirements now apply to the one application only.
    await expect.poll(() => gapTotal(page)).toBe(2);
    expect(await page.locator('[data-testid="set-gap-row"][data-category="no_statement"]').getAttribute('data-count')).toBe('2');
    await saveScreenshot(page, 'requirement-admin-set');
  });

  it('taken identifier shows the error', async () => {
    const form = page.getByTestId('requirement-form');
    await form.getByTestId('requirement-form-identifier').fill('KR-1');
    await form.getByTestId('requirement-form-title').fill('Dubblett');
    await form.getByTestId('requirement-form-submit').click();
    expect(await form.getByTestId('requirement-form-error').getAttribute('data-error-code')).toBe('REQUIREMENT_IDENTIFIER_TAKEN');
    expect(await page.getByTestId('requirement-node').count()).toBe(2);
  });

  it('rule with a level is described in words', async () => {
    const form = page.locator('[data-testid="set-rules"] [data-testid="rule-form"]');
    await form.getByTestId('rule-form-submit').click();
    expect(await form.getByTestId('rule-form-empty').textContent()).toBe('Choose at least one object type, a classification dimension, or both.');
    await form.locator('[data-testid="rule-form-type"][data-key="application"]').check();
    await form.locator('[data-testid="rule-form-type"][data-key="information_object"]').check();
    await form.getByTestId('rule-form-dimension').selectOption('confidentiality');
    await form.getByTestId('rule-form-level').selectOption('3');
    await form.getByTestId('rule-form-submit').click();
    const rules = page.locator('[data-testid="set-rules"] [data-testid="rule"]');
    await expect.poll(() => rules.count()).toBe(2);
    expect(await rules.nth(1).textContent()).toMatch(/^Applies to Application and Information object with Confidentiality at least 3 \(.+\)\./);

    // Neither object has a confidentiality level, so the second rule adds nothing, and removing it leaves the count as it was.
    await expect.poll(() => gapTotal(page)).toBe(2);
    await rules.nth(1).getByTestId('rule-remove').click();
    await expect.poll(() => rules.count()).toBe(1);
    expect(await page.getByTestId('rule-status').textContent()).toBe('The rule was removed.');
  });

  it('edited requirement is withdrawn from the count', async () => {
    const node = page.locator('[data-testid="requirement-node"][data-identifier="KR-1.1"]');
    await node.getByTestId('requirement-edit').click();
    const form = node.getByTestId('requirement-edit-form');
    await expect.poll(() => form.getByTestId('requirement-form-title').inputValue()).toBe('Granskning av behörigheter');
    await form.getByTestId('requirement-form-title').fill('Årlig granskning av behörigheter');
    await form.getByTestId('requirement-form-withdrawn').check();
    await form.getByTestId('requirement-edit-submit').click();
    await page.getByTestId('requirement-status').filter({ hasText: 'KR-1.1 was saved.' }).waitFor();
    await expect.poll(() => node.locator('.requirement-heading').first().textContent()).toContain('Årlig granskning av behörigheter');
    expect(await node.locator('.requirement-heading').first().textContent()).toContain('withdrawn');
    await expect.poll(() => gapTotal(page)).toBe(1);
  });

  it('set edit with a stale version shows the conflict', async () => {
    await page.getByTestId('set-edit').click();
    const form = page.getByTestId('set-edit-form');
    const current = JSON.parse((await callApi(page, 'GET', `/api${setPath.replace('/requirements/', '/requirement-sets/')}`)).text) as { version: number };
    const renamed = await callApi(page, 'PATCH', `/api${setPath.replace('/requirements/', '/requirement-sets/')}`, JSON.stringify({ version: current.version, name: `${SET_NAME} 2026` }));
    expect(renamed.status).toBe(200);

    await form.getByTestId('set-form-description').fill('Ny beskrivning.');
    await form.getByTestId('set-edit-submit').click();
    expect(await form.getByTestId('set-edit-error').getAttribute('data-error-code')).toBe('REQUIREMENT_SET_VERSION_CONFLICT');
    await expect.poll(() => page.getByTestId('requirement-set-name').textContent()).toBe(`${SET_NAME} 2026`);

    // The page loaded the current version, so saving again applies the input over it.
    await form.getByTestId('set-form-name').fill(SET_NAME);
    await form.getByTestId('set-edit-submit').click();
    await page.getByTestId('set-status').waitFor();
    await expect.poll(() => page.getByTestId('requirement-set-name').textContent()).toBe(SET_NAME);
    expect(await page.locator('.report > .description').textContent()).toBe('Ny beskrivning.');
  });

  it('set page passes axe in both languages', async () => {
    // Every form of the page is open, so axe checks them too.
    if ((await page.getByTestId('requirement-add').getAttribute('aria-expanded')) !== 'true') {
      await page.getByTestId('requirement-add').click();
    }
    await page.getByTestId('requirement-form').waitFor();
    await page.getByTestId('set-edit').click();
    await page.getByTestId('set-edit-form').waitFor();
    await page.locator('[data-testid="requirement-node"][data-identifier="KR-1"]').getByTestId('requirement-rules-toggle').first().click();
    await page.locator('[data-testid="requirement-rules"] [data-testid="rules-none"]').waitFor();
    for (const language of ['sv', 'en']) {
      await page.getByTestId('language-switch').selectOption(language);
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(language);
      await page.locator('[data-testid="set-rules"] [data-testid="rule"]').waitFor();
      // A status message shown before the switch follows the language too.
      expect(await page.locator('[data-testid="set-rules"] [data-testid="rule-status"]').textContent()).toBe(
        language === 'sv' ? 'Regeln togs bort.' : 'The rule was removed.',
      );
      const serious = (await findAccessibilityViolations(page)).filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
      expect(serious, `set page in ${language}`).toEqual([]);
      await saveScreenshot(page, `requirement-admin-${language}`);
    }
    expect(await page.locator('[data-testid="set-rules"] [data-testid="rule"]').textContent()).toContain('Applies to');
  });

  it('requirement rule replaces the set rule', async () => {
    const rules = page.locator('[data-testid="requirement-node"][data-identifier="KR-1"] [data-testid="requirement-rules"]').first();
    await rules.locator('[data-testid="rule-form-type"][data-key="application"]').check();
    await rules.locator('[data-testid="rule-form-type"][data-key="information_object"]').check();
    await rules.getByTestId('rule-form-submit').click();
    await rules.getByTestId('rule').waitFor();
    expect(await rules.getByTestId('rule').textContent()).toContain('Applies to Application and Information object.');

    // KR-1 now applies to both objects. KR-1.1 is withdrawn and counts nowhere.
    await expect.poll(() => gapTotal(page)).toBe(2);
  });

  it('read user sees no controls', async () => {
    await page.getByTestId('nav-users').click();
    await page.getByTestId('invite-user-email').fill(READER);
    await page.getByTestId('invite-user-level').selectOption('read');
    await page.getByTestId('invite-user-locale').selectOption('en');
    await page.getByTestId('invite-user-submit').click();
    await page.getByTestId('invite-user-status').filter({ hasText: READER }).waitFor();

    const readerContext = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
    const readerPage = await readerContext.newPage();
    const [invitationUrl] = await waitForMail(platform, READER, INVITATION_LINK);
    await signIn(readerPage, READER, await acceptInvitation(readerPage, invitationUrl));

    await readerPage.getByTestId('nav-requirements').click();
    await readerPage.getByTestId('requirement-set-row').first().waitFor();
    expect(await readerPage.getByTestId('new-set-form').count()).toBe(0);

    await readerPage.goto(`${origin}${setPath}`);
    await readerPage.locator('[data-testid="set-rules"] [data-testid="rule"]').waitFor();
    expect(await readerPage.getByTestId('requirement-node').count()).toBe(2);
    for (const control of ['set-administration', 'set-edit', 'set-delete', 'requirement-add', 'requirement-controls', 'rule-form', 'rule-remove']) {
      expect(await readerPage.getByTestId(control).count(), control).toBe(0);
    }
    await readerContext.close();
  });

  it('imported OSCAL set offers no edit', async () => {
    const imported = await callApi(page, 'POST', '/api/requirement-sets/imports/oscal', SMALL_CATALOG, 'application/json');
    expect(imported.status).toBe(200);
    const finished = JSON.parse(imported.text.trim().split('\n').at(-1)!) as { phase: string; setId: string };
    expect(finished.phase).toBe('finished');

    await page.goto(`${origin}/requirements/${finished.setId}`);
    await page.getByTestId('set-imported').waitFor();
    await page.locator('[data-testid="requirement-node"][data-identifier="ic-1"]').waitFor();
    expect(await page.getByTestId('set-edit').count()).toBe(0);
    expect(await page.getByTestId('requirement-add').count()).toBe(0);
    expect(await page.getByTestId('requirement-edit').count()).toBe(0);
    expect(await page.getByTestId('set-delete').count()).toBe(1);
    expect(await page.getByTestId('rule-form').count()).toBe(1);
  });

  it('set is deleted after its preview', async () => {
    await page.goto(`${origin}${setPath}`);
    await page.getByTestId('requirement-set-name').waitFor();
    const [requirementId] = await page
      .locator('[data-testid="requirement-node"][data-identifier="KR-1"]')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-requirement-id')));
    const listed = JSON.parse((await callApi(page, 'GET', '/api/objects?type=application&limit=1')).text) as { objects: { id: string }[] };
    const statement = await callApi(page, 'PUT', `/api/objects/${listed.objects[0]!.id}/statements/${requirementId}`, JSON.stringify({ status: 'fulfilled' }));
    expect(statement.status).toBe(200);

    await page.getByTestId('set-delete').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('set-delete-counts').locator('li').allTextContents()).toEqual([
      'Requirements and groups: 2',
      'Compliance statements: 1',
      'Applicability rules: 2',
    ]);
    await page.getByTestId('confirm-accept').click();
    await page.waitForURL(`${origin}/requirements`);
    await page.getByTestId('requirement-set-row').first().waitFor();
    expect(await page.getByTestId('requirement-set-link').filter({ hasText: SET_NAME }).count()).toBe(0);
    expect((await callApi(page, 'GET', `/api${setPath.replace('/requirements/', '/requirement-sets/')}`)).status).toBe(404);
  });
});
