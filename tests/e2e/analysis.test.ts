import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../../services/platform/src/config.js';
import { startTestPlatform, waitForMail, type TestPlatform } from '../support/platform.js';
import { deployTenant, nextTotpCode, registerTenant } from '../support/tenant-flow.js';
import { launchChromium, saveScreenshot } from './browser.js';
import { acceptInvitation, chooseFactor, enterPassword, findAccessibilityViolations } from './flows.js';

const ARCHISURANCE = path.resolve(PROJECT_DIR, '../shared/fixtures/archimate/archisurance-exchange.xml');
const OSCAL_CATALOG = path.resolve(PROJECT_DIR, '../shared/fixtures/oscal/NIST_CSF_v2.0_catalog.xml');
const TENANT = 'analys';
const ADMINISTRATOR = 'owner@analys.example';
const INVITATION_LINK = /https:\/\/\S+\/invite\/[A-Za-z0-9_-]+/;

/**
 * Presses Tab (or Shift+Tab to go back) until the element matching
 * `selector` has focus, so a test can walk the page by keyboard alone.
 */
async function tabTo(page: Page, selector: string, key: 'Tab' | 'Shift+Tab' = 'Tab', maxPresses = 200): Promise<void> {
  for (let press = 0; press < maxPresses; press += 1) {
    await page.keyboard.press(key);
    if (await page.locator(selector).evaluate((element) => element === element.ownerDocument.activeElement).catch(() => false)) {
      return;
    }
  }
  throw new Error(`${selector} got no focus after ${maxPresses} presses of ${key}`);
}

/**
 * Sends an API request from the page with a fresh access token from the
 * page's refresh cookie, as the client itself does, and returns the status
 * and the body text.
 */
async function apiFromPage(page: Page, method: string, requestPath: string, contentType: string, body: string): Promise<{ status: number; text: string }> {
  return page.evaluate(
    async ({ method, requestPath, contentType, body }) => {
      const refresh = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
      const { accessToken } = (await refresh.json()) as { accessToken: string };
      const response = await fetch(requestPath, {
        method,
        headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': contentType },
        body: method === 'GET' ? undefined : body,
      });
      return { status: response.status, text: await response.text() };
    },
    { method, requestPath, contentType, body },
  );
}

/** Returns the count in one row of a gap chart's table. */
async function gapCount(page: Page, chart: string, category: string): Promise<number> {
  return Number(await page.locator(`[data-testid="${chart}-row"][data-category="${category}"]`).getAttribute('data-count'));
}

/** Asserts that axe-core finds no serious or critical violation, in English and then in Swedish, and saves a screenshot of each. */
async function expectAccessibleInBothLanguages(page: Page, name: string, ready: string): Promise<void> {
  for (const language of ['en', 'sv']) {
    await page.getByTestId('language-switch').selectOption(language);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(language);
    await page.locator(ready).first().waitFor();
    const violations = await findAccessibilityViolations(page);
    expect(
      violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical'),
      `${name} in ${language}`,
    ).toEqual([]);
    await saveScreenshot(page, `${name}-${language}`);
  }
  await page.getByTestId('language-switch').selectOption('en');
}

/**
 * The analysis pages in Chromium through the gateway: the graph of an
 * object's neighbourhood after an Archisurance import, and the
 * classification overview.
 */
describe('analysis pages in the browser', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let page: Page;
  let origin: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = await launchChromium();
    origin = `https://${TENANT}.${platform.config.baseDomain}:${platform.config.ports.https}`;
    await deployTenant(platform, await registerTenant(platform, TENANT, ADMINISTRATOR));

    // The gateway's certificate comes from the platform's own CA, which this throwaway profile does not trust.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    const [invitationUrl] = await waitForMail(platform, ADMINISTRATOR, INVITATION_LINK);
    const administrator = await acceptInvitation(page, invitationUrl);
    await enterPassword(page, origin, ADMINISTRATOR);
    await chooseFactor(page, 'totp');
    await page.getByTestId('sign-in-code').fill(nextTotpCode(administrator.totpSecret));
    await page.getByTestId('sign-in-code-submit').click();
    await page.getByTestId('nav-import').waitFor();

    await page.getByTestId('nav-import').click();
    await page.getByTestId('import-file').setInputFiles(ARCHISURANCE);
    await page.getByTestId('import-submit').click();
    await page.getByTestId('import-result').waitFor({ timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('graph of an imported application', async () => {
    await page.goto(`${origin}/objects?type=application`);
    await page.getByTestId('object-link').first().click();
    const name = await page.getByTestId('object-name').textContent();
    await page.getByTestId('object-graph-link').click();

    const summary = page.getByTestId('graph-summary');
    await summary.waitFor();
    expect(await page.getByTestId('graph-title').textContent()).toContain(name);
    expect(Number(await summary.getAttribute('data-objects'))).toBeGreaterThan(1);
    expect(Number(await summary.getAttribute('data-relations'))).toBeGreaterThan(0);
    await page.locator('[data-testid="graph-canvas"] canvas').first().waitFor();
    expect(await page.getByTestId('graph-object').count()).toBe(Number(await summary.getAttribute('data-objects')));

    const depthOne = page.locator('[data-testid="graph-summary"]').waitFor();
    await page.getByTestId('graph-depth').selectOption('1');
    await depthOne;
    await expect.poll(async () => Number(await page.getByTestId('graph-summary').getAttribute('data-objects'))).toBeLessThanOrEqual(
      Number(await summary.getAttribute('data-objects')),
    );

    await page.getByTestId('graph-colour-level').check();
    await page.getByTestId('graph-dimension').waitFor();
    await expect.poll(() => page.getByTestId('graph-legend').locator('li').count()).toBeGreaterThan(1);
    await expectAccessibleInBothLanguages(page, 'graph', '[data-testid="graph-objects"]');
  });

  it('graph opens an object by keyboard', async () => {
    await page.goto(`${origin}/objects?type=application`);
    await page.getByTestId('object-link').first().waitFor();
    await tabTo(page, '[data-testid="object-link"] >> nth=0');
    await page.keyboard.press('Enter');
    await page.getByTestId('object-name').waitFor();

    await tabTo(page, '[data-testid="object-graph-link"]');
    await page.keyboard.press('Enter');
    await page.getByTestId('graph-objects').waitFor();

    // The second row is a neighbour of the start object.
    const neighbour = page.locator('[data-testid="graph-object"] a').nth(1);
    const neighbourName = await neighbour.textContent();
    await tabTo(page, '[data-testid="graph-object"] >> nth=1 >> a');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('object-name').textContent()).toBe(neighbourName);
  });

  it('classification overview counts every object per dimension', async () => {
    await page.getByTestId('nav-classification').click();
    const total = Number(await page.getByTestId('overview-total').getAttribute('data-count'));
    expect(total).toBeGreaterThan(0);
    const dimensions = page.getByTestId('overview-dimension');
    expect(await dimensions.count()).toBe(4);
    for (const dimension of await dimensions.all()) {
      const counts = await dimension.getByTestId('overview-row').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-count'))));
      expect(counts.reduce((sum, count) => sum + count, 0)).toBe(total);
    }
    await page.locator('.level-distribution .recharts-bar-rectangle').first().waitFor();

    // A level set on an information object shows in its level's row, with the objects that inherit it.
    const listed = await apiFromPage(page, 'GET', '/api/objects?type=information_object&limit=1', 'application/json', '');
    const [information] = (JSON.parse(listed.text) as { objects: { id: string }[] }).objects;
    expect(information).toBeDefined();
    const assigned = await apiFromPage(
      page,
      'PUT',
      `/api/objects/${information!.id}/classification/confidentiality`,
      'application/json',
      JSON.stringify({ level: 3, justification: 'Innehåller kunduppgifter.' }),
    );
    expect(assigned.status).toBe(200);
    await page.reload();
    const confidentialityHigh = page.locator('[data-testid="overview-dimension"][data-dimension="confidentiality"] [data-testid="overview-row"][data-level="3"]');
    expect(Number(await confidentialityHigh.getAttribute('data-count'))).toBeGreaterThanOrEqual(1);

    await page.getByTestId('overview-type').selectOption('application');
    await expect.poll(async () => Number(await page.getByTestId('overview-total').getAttribute('data-count'))).toBeLessThan(total);
    await expectAccessibleInBothLanguages(page, 'classification-overview', '[data-testid="overview-table"]');
  });

  it('statements one by one and in bulk change the gap chart', async () => {
    const imported = await apiFromPage(page, 'POST', '/api/requirement-sets/imports/oscal', 'application/xml', await readFile(OSCAL_CATALOG, 'utf8'));
    expect(imported.status).toBe(200);
    const finished = JSON.parse(imported.text.trim().split('\n').at(-1)!) as { phase: string; setId: string };
    expect(finished.phase).toBe('finished');
    const rule = await apiFromPage(page, 'POST', `/api/requirement-sets/${finished.setId}/applicability-rules`, 'application/json', JSON.stringify({ objectTypes: ['application'] }));
    expect(rule.status).toBe(201);

    await page.goto(`${origin}/objects?type=application`);
    await page.getByTestId('object-link').first().click();
    await page.getByTestId('object-statements-link').click();
    await page.getByTestId('statement-form').waitFor();
    const total = Number(await page.getByTestId('object-gap').getAttribute('data-total'));
    expect(total).toBeGreaterThan(0);
    expect(await gapCount(page, 'object-gap', 'no_statement')).toBe(total);
    expect(await page.getByTestId('statement-row').count()).toBe(total);
    await expectAccessibleInBothLanguages(page, 'statements', '[data-testid="statement-form"]');

    // One statement, by keyboard alone: choose the first requirement in the table, go back up to the form and save with the default status.
    await tabTo(page, '[data-testid="statement-choose"] >> nth=0');
    await page.keyboard.press('Space');
    await tabTo(page, '[data-testid="statement-responsible"]', 'Shift+Tab');
    await page.keyboard.type('Anna Andersson');
    await tabTo(page, '[data-testid="statement-submit"]');
    await page.keyboard.press('Enter');
    await page.getByTestId('statement-saved').waitFor();
    await expect.poll(() => gapCount(page, 'object-gap', 'fulfilled')).toBe(1);
    expect(await gapCount(page, 'object-gap', 'no_statement')).toBe(total - 1);
    expect(await page.getByTestId('statement-row').first().getAttribute('data-status')).toBe('fulfilled');

    // In bulk: not applicable needs a reason, and nothing is saved without one.
    await page.getByTestId('statement-choose-all').first().check();
    await page.getByTestId('statement-status').selectOption('not_applicable');
    await page.getByTestId('statement-submit').click();
    await page.getByTestId('statement-problem').waitFor();
    expect(await gapCount(page, 'object-gap', 'fulfilled')).toBe(1);
    await page.getByTestId('statement-reason').fill('Systemet hanterar inga personuppgifter.');
    await page.getByTestId('statement-submit').click();
    await expect.poll(() => gapCount(page, 'object-gap', 'not_applicable')).toBe(total);
    expect(await gapCount(page, 'object-gap', 'fulfilled')).toBe(0);
    await saveScreenshot(page, 'statements-after-bulk');
  });

  it('requirement set report shows the gap analysis', async () => {
    await page.getByTestId('nav-requirements').click();
    await page.getByTestId('requirement-set-row').first().waitFor();
    await expectAccessibleInBothLanguages(page, 'requirement-sets', '[data-testid="requirement-sets"]');
    await page.getByTestId('requirement-set-link').first().click();
    await page.getByTestId('set-gap').waitFor();
    expect(await gapCount(page, 'set-gap', 'not_applicable')).toBeGreaterThan(0);
    expect(await page.getByTestId('requirement-node').count()).toBeGreaterThan(0);
    await expectAccessibleInBothLanguages(page, 'requirement-set-report', '[data-testid="set-gap"]');

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.getByTestId('report-print').isVisible()).toBe(false);
    await saveScreenshot(page, 'requirement-set-report-print');
    await page.emulateMedia({ media: 'screen' });
  });

  it('organisation unit gap analysis', async () => {
    await page.goto(`${origin}/objects?type=organisation_unit`);
    await page.getByTestId('object-link').first().click();
    await page.getByTestId('object-statements-link').click();
    await page.getByTestId('unit-gap').waitFor();
    expect(Number(await page.getByTestId('unit-gap-objects').getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
    expect(Number(await page.getByTestId('unit-gap').getAttribute('data-total'))).toBeGreaterThanOrEqual(0);
    await expectAccessibleInBothLanguages(page, 'organisation-unit-gap', '[data-testid="unit-gap"]');
  });

  it('read user sees no statement controls', async () => {
    const reader = 'reader@analys.example';
    await page.getByTestId('nav-users').click();
    await page.getByTestId('invite-user-email').fill(reader);
    await page.getByTestId('invite-user-level').selectOption('read');
    await page.getByTestId('invite-user-locale').selectOption('sv');
    await page.getByTestId('invite-user-submit').click();
    await page.locator(`[data-testid="user-row"][data-email="${reader}"]`).waitFor();

    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'sv-SE' });
    const readerPage = await context.newPage();
    const [invitationUrl] = await waitForMail(platform, reader, INVITATION_LINK);
    const enrolled = await acceptInvitation(readerPage, invitationUrl);
    await enterPassword(readerPage, origin, reader);
    await chooseFactor(readerPage, 'totp');
    await readerPage.getByTestId('sign-in-code').fill(nextTotpCode(enrolled.totpSecret));
    await readerPage.getByTestId('sign-in-code-submit').click();
    await readerPage.getByTestId('nav-classification').waitFor();

    await readerPage.goto(`${origin}/objects?type=application`);
    await readerPage.getByTestId('object-link').first().click();
    await readerPage.getByTestId('object-statements-link').click();
    await readerPage.getByTestId('object-gap').waitFor();
    expect(await readerPage.getByTestId('statement-row').count()).toBeGreaterThan(0);
    expect(await readerPage.getByTestId('statement-form').count()).toBe(0);
    expect(await readerPage.getByTestId('statement-choose').count()).toBe(0);
    expect(await readerPage.getByTestId('statement-choose-all').count()).toBe(0);
    await saveScreenshot(readerPage, 'statements-read-only');
    await context.close();
  });
});
