import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../../services/platform/src/config.js';
import { startTestPlatform, waitForMail, type TestPlatform } from '../support/platform.js';
import { deployTenant, nextTotpCode, registerTenant } from '../support/tenant-flow.js';
import { launchChromium, saveScreenshot } from './browser.js';
import { acceptInvitation, chooseFactor, enterPassword, findAccessibilityViolations } from './flows.js';

const TENANT = 'preview';
const ADMINISTRATOR = 'owner@preview.example';
const INVITATION_LINK = /https:\/\/\S+\/invite\/[A-Za-z0-9_-]+/;
const ARCHISURANCE = path.resolve(PROJECT_DIR, '../shared/fixtures/archimate/archisurance-exchange.xml');
const OSCAL_CATALOG = path.resolve(PROJECT_DIR, '../shared/fixtures/oscal/NIST_CSF_v2.0_catalog.xml');

/** Returns the serious and critical axe findings, because minor and moderate ones are left to review. */
async function seriousViolations(page: Page) {
  return (await findAccessibilityViolations(page)).filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Reads the number in one cell of a preview table from its `data-count`. */
async function countIn(table: Locator, row: string, column: string): Promise<number> {
  return Number(await table.locator(`[data-testid$="-${row}"] td[data-column="${column}"]`).getAttribute('data-count'));
}

/** Checks whether keyboard focus is inside the element with the test id. */
function focusIsIn(page: Page, testId: string): Promise<boolean> {
  return page.evaluate(
    (id) => {
      const document = (globalThis as unknown as { document: { activeElement: unknown; querySelector: (selector: string) => { contains: (node: unknown) => boolean } | null } }).document;
      return document.querySelector(`[data-testid="${id}"]`)?.contains(document.activeElement) ?? false;
    },
    testId,
  );
}

/**
 * The dry run before each import in Chromium: previews show counts and
 * problems, write nothing, and the import follows from the preview.
 */
describe('import previews in the browser', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'esm-import-preview-'));
    platform = await startTestPlatform();
    browser = await launchChromium();
    const origin = `https://${TENANT}.${platform.config.baseDomain}:${platform.config.ports.https}`;
    await deployTenant(platform, await registerTenant(platform, TENANT, ADMINISTRATOR));

    // The gateway's certificate comes from the platform's own CA, which this throwaway profile does not trust.
    context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
    page = await context.newPage();
    const [invitationUrl] = await waitForMail(platform, ADMINISTRATOR, INVITATION_LINK);
    const user = await acceptInvitation(page, invitationUrl);
    await enterPassword(page, origin, ADMINISTRATOR);
    await chooseFactor(page, 'totp');
    await page.getByTestId('sign-in-code').fill(nextTotpCode(user.totpSecret));
    await page.getByTestId('sign-in-code-submit').click();
    await page.getByTestId('nav-user').filter({ hasText: ADMINISTRATOR }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  const switchLanguage = async (language: 'sv' | 'en') => {
    await page.getByTestId('language-switch').selectOption(language);
    await page.locator(`html[lang="${language}"]`).waitFor();
  };

  it('broken model shows its problems in Swedish', async () => {
    await switchLanguage('sv');
    await page.getByTestId('nav-import').click();
    const broken = {
      format: 'esm-model',
      formatVersion: 1,
      exportedAt: new Date().toISOString(),
      parts: ['objects'],
      objects: [
        { id: '10000000-0000-4000-8000-000000000001', type: 'no_such_type', name: 'Lönesystem', description: '', externalId: null, attributes: {}, levels: [] },
      ],
      relations: [{ type: 'no_such_relation', name: '', sourceId: '10000000-0000-4000-8000-000000000001', targetId: '10000000-0000-4000-8000-000000000002', attributes: {} }],
      statements: [],
    };
    const file = path.join(folder, 'broken-model.json');
    await writeFile(file, JSON.stringify(broken));

    await page.getByTestId('model-import-file').setInputFiles(file);
    await page.getByTestId('import-part-metaModel').uncheck();
    await page.getByTestId('import-part-requirements').uncheck();
    await page.getByTestId('model-import-preview').click();
    const error = page.getByTestId('model-import-preview-error');
    await error.waitFor();

    expect(await error.getAttribute('data-error-code')).toBe('EXCHANGE_DOCUMENT_INVALID');
    expect(await error.textContent()).toContain('Förhandsgranskningen hittade fel');
    const paths = await error.getByTestId('model-import-preview-error-problem').evaluateAll((items) => items.map((item) => item.getAttribute('data-path')));
    expect(paths).toContain('/objects/0/type');
    expect(paths.some((problemPath) => problemPath?.startsWith('/relations/0/'))).toBe(true);
    // A preview with problems blocks the import.
    expect(await page.getByTestId('model-import-submit').isDisabled()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'import-preview-problems-sv');
  });

  it('Archisurance preview writes nothing, then imports', async () => {
    await switchLanguage('en');
    await page.getByTestId('nav-import').click();
    await page.getByTestId('import-file').setInputFiles(ARCHISURANCE);

    await page.getByTestId('import-preview').focus();
    await page.keyboard.press('Enter');
    const result = page.getByTestId('import-preview-result');
    await result.waitFor({ timeout: 60_000 });
    const totals = page.getByTestId('import-preview-result-totals');
    expect(await countIn(totals, 'objects', 'created')).toBe(120);
    expect(await countIn(totals, 'relations', 'created')).toBe(178);
    expect(await result.getByTestId('import-preview-result-object-types').locator('tbody tr').count()).toBeGreaterThan(5);
    expect(await focusIsIn(page, 'import-preview-result')).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'import-preview-en');

    // The tenant still has no objects.
    await page.getByTestId('nav-home').click();
    await page.locator('[data-testid="stats-objects"][data-count="0"]').waitFor();

    // The keyboard alone goes from the preview to the import: focus lands on the preview, and Tab reaches its Import button.
    await page.getByTestId('nav-import').click();
    await page.getByTestId('import-file').setInputFiles(ARCHISURANCE);
    await page.getByTestId('import-preview').focus();
    await page.keyboard.press('Enter');
    await result.waitFor({ timeout: 60_000 });
    expect(await focusIsIn(page, 'import-preview-result')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.getByTestId('import-preview-result-import').evaluate((button) => button === button.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByTestId('import-result').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('import-result').getAttribute('data-objects')).toBe('120');

    // A second preview shows the objects as unchanged instead.
    await page.getByTestId('import-preview').click();
    await result.waitFor({ timeout: 60_000 });
    expect(await countIn(totals, 'objects', 'created')).toBe(0);
    expect(await countIn(totals, 'objects', 'unchanged')).toBe(120);
    expect(await countIn(totals, 'relations', 'unchanged')).toBe(178);
    expect(await result.getByTestId('import-preview-result-object-types').count()).toBe(0);
  });

  it('OSCAL preview shows the control count in both languages', async () => {
    const controls = (await readFile(OSCAL_CATALOG, 'utf8')).match(/<control[\s>]/g)?.length ?? 0;
    for (const language of ['sv', 'en'] as const) {
      await switchLanguage(language);
      await page.getByTestId('nav-import').click();
      await page.getByTestId('oscal-import-file').setInputFiles(OSCAL_CATALOG);
      await page.getByTestId('oscal-import-preview').click();
      const result = page.getByTestId('oscal-import-preview-result');
      await result.waitFor({ timeout: 60_000 });

      const counts = page.getByTestId('oscal-import-preview-result-counts');
      expect(await countIn(counts, 'requirements', 'count')).toBe(controls);
      expect(await countIn(counts, 'withdrawn', 'count')).toBe(0);
      expect(await result.textContent()).toContain(language === 'sv' ? 'En ny kravsamling skulle skapas.' : 'A new requirement set would be created.');
      // Numbers go through Intl for the chosen language.
      const shownCount = await counts.locator('[data-testid$="-requirements"] td').textContent();
      expect(shownCount).toBe(new Intl.NumberFormat(language === 'sv' ? 'sv' : 'en-GB').format(controls));
      expect(await seriousViolations(page)).toEqual([]);
      await saveScreenshot(page, `import-preview-oscal-${language}`);
    }
  });
});
