import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../../services/platform/src/config.js';
import { startTestPlatform, waitForMail, type TestPlatform } from '../support/platform.js';
import { deployTenant, nextTotpCode, registerTenant } from '../support/tenant-flow.js';
import { launchChromium, saveScreenshot } from './browser.js';
import { acceptInvitation, chooseFactor, enterPassword, findAccessibilityViolations, type EnrolledUser } from './flows.js';

const TENANT = 'acme';
const ADMINISTRATOR = 'owner@acme.example';
const WRITER = 'writer@acme.example';
const EMPTY_TENANT = 'blank';
const EMPTY_ADMINISTRATOR = 'owner@blank.example';
const INVITATION_LINK = /https:\/\/\S+\/invite\/[A-Za-z0-9_-]+/;
const OSCAL_CATALOG = path.resolve(PROJECT_DIR, '../shared/fixtures/oscal/NIST_CSF_v2.0_catalog.xml');

/** Serious and critical axe findings; minor and moderate ones are left to review. */
async function seriousViolations(page: Page) {
  return (await findAccessibilityViolations(page)).filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Presses Tab until the focused element matches `selector`, and fails after `limit` presses. */
async function tabTo(page: Page, selector: string, limit = 200): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((wanted) => (globalThis as unknown as { document: { activeElement: { matches: (s: string) => boolean } | null } }).document.activeElement?.matches(wanted) ?? false, selector)) {
      return;
    }
  }
  throw new Error(`no element matching ${selector} within ${limit} Tab presses`);
}

/**
 * Administration and data pages in Chromium: the meta-model editor, the CSV
 * import with its dry run, and the exports.
 */
describe('administration and data pages in the browser', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  let folder: string;

  const signIn = async (targetPage: Page, email: string, user: EnrolledUser, tenantOrigin = origin) => {
    await enterPassword(targetPage, tenantOrigin, email);
    await chooseFactor(targetPage, 'totp');
    await targetPage.getByTestId('sign-in-code').fill(nextTotpCode(user.totpSecret));
    await targetPage.getByTestId('sign-in-code-submit').click();
    await targetPage.getByTestId('nav-user').filter({ hasText: email }).waitFor();
  };

  /** Exports the servers as CSV and returns the downloaded text. */
  const exportServers = async (): Promise<string> => {
    await page.getByTestId('nav-export').click();
    await page.getByTestId('export-type').locator('option[value="server"]').waitFor({ state: 'attached' });
    await page.getByTestId('export-type').selectOption('server');
    const download = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const file = path.join(folder, `export-${Date.now()}.csv`);
    await (await download).saveAs(file);
    await page.getByTestId('export-status').filter({ hasText: '.csv' }).waitFor();
    return readFile(file, 'utf8');
  };

  const previewCsv = async (name: string, text: string) => {
    const file = path.join(folder, name);
    await writeFile(file, text);
    await page.getByTestId('nav-import').click();
    await page.getByTestId('csv-type').locator('option[value="server"]').waitFor({ state: 'attached' });
    await page.getByTestId('csv-file').setInputFiles(file);
    await page.getByTestId('csv-type').selectOption('server');
    await page.getByTestId('csv-preview').click();
  };

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'esm-administration-'));
    platform = await startTestPlatform();
    browser = await launchChromium();
    origin = `https://${TENANT}.${platform.config.baseDomain}:${platform.config.ports.https}`;
    await deployTenant(platform, await registerTenant(platform, TENANT, ADMINISTRATOR));

    // The gateway's certificate comes from the platform's own CA, which this throwaway profile does not trust.
    context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', acceptDownloads: true });
    page = await context.newPage();
    const [invitationUrl] = await waitForMail(platform, ADMINISTRATOR, INVITATION_LINK);
    await signIn(page, ADMINISTRATOR, await acceptInvitation(page, invitationUrl));
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('added attribute shows a taken key at its field', async () => {
    await page.getByTestId('nav-meta-model').click();
    await page.locator('[data-testid="object-type-row"][data-key="server"]').getByTestId('object-type-select').click();
    await page.locator('[data-testid="attribute-section"][data-type="server"]').waitFor();

    // A taken key is shown next to the key field, in the user's language.
    await page.getByTestId('attribute-key').fill('hosting_model');
    await page.getByTestId('attribute-name-sv').fill('Driftform');
    await page.getByTestId('attribute-name-en').fill('Hosting model');
    await page.getByTestId('attribute-kind').selectOption('choice');
    await page.getByTestId('attribute-choices').fill('cloud;Moln;Cloud\nlocal;Egen hall;Own data centre');
    await page.getByTestId('attribute-submit').click();
    await page.getByTestId('meta-model-status').filter({ hasText: 'Hosting model' }).waitFor();
    await page.locator('[data-testid="attribute-row"][data-key="hosting_model"]').waitFor();

    await page.getByTestId('attribute-key').fill('hosting_model');
    await page.getByTestId('attribute-name-sv').fill('Driftform igen');
    await page.getByTestId('attribute-name-en').fill('Hosting model again');
    await page.getByTestId('attribute-submit').click();
    await page.getByTestId('field-error-key').waitFor();
    expect(await page.getByTestId('field-error-key').getAttribute('data-error-code')).toBe('ATTRIBUTE_EXISTS');
    expect(await page.getByTestId('attribute-key').getAttribute('aria-invalid')).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'meta-model-en');

    // Removing the attribute shows how many values it drops, and Cancel keeps it.
    await page.getByTestId('nav-meta-model').click();
    await page.locator('[data-testid="object-type-row"][data-key="server"]').getByTestId('object-type-select').click();
    await page.locator('[data-testid="attribute-row"][data-key="hosting_model"]').getByTestId('attribute-remove').click();
    await page.getByTestId('confirm-dialog').filter({ hasText: '0 stored values' }).waitFor();
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('confirm-dialog').count()).toBe(0);
    expect(await page.locator('[data-testid="attribute-row"][data-key="hosting_model"]').count()).toBe(1);

    // A removal that is confirmed drops the attribute.
    await page.getByTestId('attribute-key').fill('spare_note');
    await page.getByTestId('attribute-name-sv').fill('Extra anteckning');
    await page.getByTestId('attribute-name-en').fill('Spare note');
    await page.getByTestId('attribute-submit').click();
    const spareNote = page.locator('[data-testid="attribute-row"][data-key="spare_note"]');
    await spareNote.waitFor();
    await spareNote.getByTestId('attribute-remove').click();
    await page.getByTestId('confirm-accept').click();
    await page.getByTestId('meta-model-status').filter({ hasText: 'Spare note' }).waitFor();
    // The status is shown at once, and the list follows when the meta-model has loaded again.
    await spareNote.waitFor({ state: 'detached' });
    expect(await spareNote.count()).toBe(0);
  });

  it('types are added and removed', async () => {
    await page.getByTestId('object-type-key').fill('contract');
    await page.getByTestId('object-type-name-sv').fill('Avtal');
    await page.getByTestId('object-type-name-en').fill('Contract');
    await page.getByTestId('object-type-icon').fill('file-signature');
    await page.getByTestId('object-type-submit').click();
    const contract = page.locator('[data-testid="object-type-row"][data-key="contract"]');
    await contract.waitFor();

    await page.getByTestId('relation-type-key').fill('governed_by');
    await page.getByTestId('relation-type-nameSv').fill('styrs av');
    await page.getByTestId('relation-type-nameEn').fill('is governed by');
    await page.getByTestId('relation-type-reverseNameSv').fill('styr');
    await page.getByTestId('relation-type-reverseNameEn').fill('governs');
    await page.getByTestId('relation-type-source-types').selectOption(['application']);
    await page.getByTestId('relation-type-target-types').selectOption(['contract']);
    await page.getByTestId('relation-type-flow').selectOption('target_to_source');
    await page.getByTestId('relation-type-submit').click();
    const governedBy = page.locator('[data-testid="relation-type-row"][data-key="governed_by"]');
    await governedBy.filter({ hasText: 'From target to source' }).waitFor();

    await governedBy.getByTestId('relation-type-edit').click();
    const editForm = page.getByTestId('relation-type-edit-form');
    expect(await editForm.getByTestId('relation-type-key').getAttribute('readonly')).not.toBeNull();
    await editForm.getByTestId('relation-type-nameEn').fill('is ruled by');
    await editForm.getByTestId('relation-type-flow').selectOption('none');
    await editForm.getByTestId('relation-type-submit').click();
    await page.getByTestId('meta-model-status').filter({ hasText: 'The relation type is ruled by was changed.' }).waitFor();
    await governedBy.filter({ hasText: 'is ruled by' }).filter({ hasText: 'Levels do not travel' }).waitFor();
    expect(await editForm.count()).toBe(0);

    // The object type is still an allowed end of the relation type, so the server keeps it.
    await contract.getByTestId('object-type-remove').click();
    await page.getByTestId('confirm-accept').click();
    await page.getByTestId('confirm-error').waitFor();
    expect(await page.getByTestId('confirm-error').getAttribute('data-error-code')).toBe('OBJECT_TYPE_REFERENCED');
    await page.getByTestId('confirm-cancel').click();

    await governedBy.getByTestId('relation-type-remove').click();
    await page.getByTestId('confirm-accept').click();
    await governedBy.waitFor({ state: 'detached' });
    await contract.getByTestId('object-type-remove').click();
    await page.getByTestId('confirm-accept').click();
    await contract.waitFor({ state: 'detached' });
  });

  it('attribute is added by keyboard alone', async () => {
    await page.getByTestId('nav-meta-model').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('object-type-list').waitFor();
    await tabTo(page, '[data-key="network"] [data-testid="object-type-select"]');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="attribute-section"][data-type="network"]').waitFor();

    await tabTo(page, '[data-testid="attribute-key"]');
    await page.keyboard.type('vlan');
    await page.keyboard.press('Tab');
    await page.keyboard.type('VLAN');
    await page.keyboard.press('Tab');
    await page.keyboard.type('VLAN');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="attribute-row"][data-key="vlan"]').waitFor();
  });

  it('CSV with wrong row imports nothing', async () => {
    await previewCsv('wrong.csv', 'Namn;Beskrivning\r\nWeb server;Front\r\n;No name\r\nDatabase server;Back\r\n');
    await page.getByTestId('csv-problems').waitFor();
    const lines = await page.getByTestId('csv-problem-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-line')));
    expect(lines).toEqual(['3']);
    expect(await page.getByTestId('csv-import-submit').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'csv-import-problems-en');

    const exported = await exportServers();
    expect(exported).not.toContain('Web server');
  });

  it('correct CSV imports with new attribute', async () => {
    const text = 'Namn;Beskrivning;Driftform\r\nWeb server;Front;Moln\r\nDatabase server;Back;local\r\n';
    await previewCsv('right.csv', text);
    await page.getByTestId('csv-plan').waitFor();
    expect(await page.getByTestId('csv-plan').getAttribute('data-created')).toBe('2');
    expect(await page.getByTestId('csv-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-line')))).toEqual(['2', '3']);
    await page.getByTestId('csv-import-submit').click();
    await page.getByTestId('csv-result').waitFor();
    expect(await page.getByTestId('csv-result').getAttribute('data-created')).toBe('2');

    const exported = await exportServers();
    expect(exported).toContain('Web server');
    expect(exported).toContain('Database server');

    const xlsxDownload = page.waitForEvent('download');
    await page.getByTestId('export-xlsx').click();
    const xlsxFile = path.join(folder, 'servers.xlsx');
    await (await xlsxDownload).saveAs(xlsxFile);
    // An XLSX file is a ZIP archive, which starts with the bytes "PK".
    expect((await readFile(xlsxFile)).subarray(0, 2).toString('latin1')).toBe('PK');
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'export-en');

    // A second dry run names the objects it matched and what it would change, so the object page can be opened.
    await previewCsv('right-again.csv', 'Namn;Beskrivning;Driftform\r\nWeb server;Front end;Moln\r\nDatabase server;Back;local\r\n');
    const webServer = page.locator('[data-testid="csv-row"][data-line="2"]');
    const databaseServer = page.locator('[data-testid="csv-row"][data-line="3"]');
    await webServer.waitFor();
    expect(await webServer.getAttribute('data-action')).toBe('update');
    expect(await webServer.locator('td').last().textContent()).toBe('Description');
    expect(await databaseServer.getAttribute('data-action')).toBe('unchanged');
    await page.goto(`${origin}/objects/${await databaseServer.getAttribute('data-object-id')}`);
    await page.getByTestId('attribute-hosting_model').filter({ hasText: 'Hosting model' }).filter({ hasText: 'Own data centre' }).waitFor();
  });

  it('attribute change breaking values is rejected', async () => {
    await page.getByTestId('nav-meta-model').click();
    await page.locator('[data-testid="object-type-row"][data-key="server"]').getByTestId('object-type-select').click();
    await page.locator('[data-testid="attribute-row"][data-key="hosting_model"]').getByTestId('attribute-edit').click();
    const editForm = page.getByTestId('attribute-edit-form');
    expect(await editForm.getByTestId('attribute-choices').inputValue()).toBe('cloud;Moln;Cloud\nlocal;Egen hall;Own data centre');

    // Both imported servers have a choice key, which is no number, so nothing changes.
    await editForm.getByTestId('attribute-kind').selectOption('number');
    await editForm.getByTestId('attribute-submit').click();
    await editForm.getByTestId('attribute-error').waitFor();
    expect(await editForm.getByTestId('attribute-error').getAttribute('data-error-code')).toBe('ATTRIBUTE_VALUES_INCOMPATIBLE');

    await editForm.getByTestId('attribute-kind').selectOption('choice');
    await editForm.getByTestId('attribute-name-en').fill('Hosting');
    await editForm.getByTestId('attribute-submit').click();
    await page.getByTestId('meta-model-status').filter({ hasText: 'The attribute Hosting was changed.' }).waitFor();
    // The row shows the new name once the meta-model has loaded again, and the type's new version with it.
    await page.locator('[data-testid="attribute-row"][data-key="hosting_model"] th').filter({ hasText: /^Hosting$/ }).waitFor();
    expect(await page.getByTestId('attribute-edit-form').count()).toBe(0);

    await page.getByTestId('object-type-edit-icon').fill('hard-drive');
    await page.getByTestId('object-type-edit-submit').click();
    await page.getByTestId('meta-model-status').filter({ hasText: 'The object type Server was changed.' }).waitFor();
    await page.locator('[data-testid="object-type-row"][data-key="server"]').filter({ hasText: 'hard-drive' }).waitFor();
  });

  it('OSCAL catalog imports as requirement set', async () => {
    await page.getByTestId('nav-import').click();
    await page.getByTestId('template-none').waitFor();
    await page.getByTestId('oscal-import-file').setInputFiles(OSCAL_CATALOG);
    await page.getByTestId('oscal-import-submit').click();
    await page.getByTestId('oscal-import-result').waitFor({ timeout: 60_000 });
    expect(Number(await page.getByTestId('oscal-import-result').getAttribute('data-requirements'))).toBeGreaterThan(0);
    expect(await page.getByTestId('oscal-import-result').textContent()).toMatch(/^Imported [\d,]+ requirements in [\d,]+ groups\. Of the requirements and groups, [\d,]+ were added/);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'import-en');
  });

  it('model import into used tenant is rejected', async () => {
    await page.getByTestId('nav-export').click();
    const download = page.waitForEvent('download');
    await page.getByTestId('export-model').click();
    const file = path.join(folder, 'model.json');
    await (await download).saveAs(file);
    expect(JSON.parse(await readFile(file, 'utf8')).format).toBe('esm-model');

    await page.getByTestId('nav-import').click();
    await page.getByTestId('model-import-file').setInputFiles(file);
    await page.getByTestId('import-part-objects').uncheck();
    await page.getByTestId('model-import-submit').click();
    await page.getByTestId('model-import-error').waitFor();
    expect(await page.getByTestId('model-import-error').getAttribute('data-error-code')).toBe('EXCHANGE_TENANT_NOT_EMPTY');
  });

  it('model import fills an empty tenant', async () => {
    await deployTenant(platform, await registerTenant(platform, EMPTY_TENANT, EMPTY_ADMINISTRATOR));
    const emptyContext = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
    const emptyPage = await emptyContext.newPage();
    const [invitationUrl] = await waitForMail(platform, EMPTY_ADMINISTRATOR, INVITATION_LINK);
    const emptyOrigin = `https://${EMPTY_TENANT}.${platform.config.baseDomain}:${platform.config.ports.https}`;
    await signIn(emptyPage, EMPTY_ADMINISTRATOR, await acceptInvitation(emptyPage, invitationUrl), emptyOrigin);

    await emptyPage.getByTestId('nav-import').click();
    await emptyPage.getByTestId('model-import-file').setInputFiles(path.join(folder, 'model.json'));
    await emptyPage.getByTestId('model-import-submit').click();
    await emptyPage.getByTestId('model-import-result').waitFor({ timeout: 60_000 });
    expect(await emptyPage.getByTestId('model-import-result-objects').getAttribute('data-count')).toBe('2');
    await emptyContext.close();
  });

  it('scale editor adds a level', async () => {
    await page.getByTestId('nav-scale').click();
    const confidentiality = page.locator('[data-testid="scale-dimension"][data-key="confidentiality"]');
    await confidentiality.waitFor();
    const before = await confidentiality.getByTestId('scale-level').count();
    await confidentiality.getByTestId('scale-level-add').click();
    const added = confidentiality.getByTestId('scale-level').nth(before);
    const number = await added.getByTestId('scale-level-number').inputValue();
    await added.getByTestId('scale-level-nameSv').fill('Hemlig');
    await added.getByTestId('scale-level-nameEn').fill('Secret');

    // A duplicate level number is rejected by the server, and its message is shown in the user's language.
    await added.getByTestId('scale-level-number').fill('0');
    await page.getByTestId('scale-save').click();
    await page.getByTestId('scale-error').waitFor();
    expect(await page.getByTestId('scale-error').getAttribute('data-error-code')).toBe('CLASSIFICATION_SCALE_LEVEL_DUPLICATE');

    await added.getByTestId('scale-level-number').fill(number);
    await page.getByTestId('scale-save').click();
    await page.getByTestId('scale-status').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'classification-scale-en');

    await page.reload();
    const reloaded = page.locator('[data-testid="scale-dimension"][data-key="confidentiality"]');
    await reloaded.locator(`[data-testid="scale-level"][data-level="${number}"]`).waitFor();
    expect(await reloaded.getByTestId('scale-level').count()).toBe(before + 1);
    expect(await reloaded.locator(`[data-testid="scale-level"][data-level="${number}"]`).getByTestId('scale-level-nameEn').inputValue()).toBe('Secret');
  });

  it('pages pass axe in Swedish', async () => {
    await page.getByTestId('language-switch').selectOption('sv');
    for (const [link, heading] of [
      ['nav-meta-model', 'Metamodell'],
      ['nav-scale', 'Klassningsskala'],
      ['nav-import', 'Import'],
      ['nav-export', 'Export'],
    ] as const) {
      await page.getByTestId(link).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      expect(await seriousViolations(page), link).toEqual([]);
      await saveScreenshot(page, `${link.replace('nav-', '')}-sv`);
    }
    await page.getByTestId('language-switch').selectOption('en');
  });

  it('write user sees no meta-model editor', async () => {
    await page.getByTestId('nav-users').click();
    await page.getByTestId('invite-user-email').fill(WRITER);
    await page.getByTestId('invite-user-level').selectOption('write');
    await page.getByTestId('invite-user-locale').selectOption('en');
    await page.getByTestId('invite-user-submit').click();
    await page.getByTestId('invite-user-status').filter({ hasText: WRITER }).waitFor();

    const writerContext = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
    const writerPage = await writerContext.newPage();
    const [invitationUrl] = await waitForMail(platform, WRITER, INVITATION_LINK);
    await signIn(writerPage, WRITER, await acceptInvitation(writerPage, invitationUrl));

    await writerPage.getByTestId('nav-import').click();
    await writerPage.getByTestId('csv-import').waitFor();
    expect(await writerPage.getByTestId('oscal-import').count()).toBe(0);
    expect(await writerPage.getByTestId('model-import').count()).toBe(0);
    expect(await writerPage.getByTestId('template-import').count()).toBe(0);
    expect(await writerPage.getByTestId('nav-meta-model').count()).toBe(0);
    expect(await writerPage.getByTestId('nav-scale').count()).toBe(0);
    expect(await writerPage.getByTestId('nav-export').count()).toBe(1);
    await writerPage.goto(`${origin}/admin/meta-model`);
    await writerPage.getByTestId('meta-model-no-access').waitFor();
    expect(await writerPage.getByTestId('attribute-form').count()).toBe(0);
    expect(await writerPage.getByTestId('object-type-form').count()).toBe(0);
    await writerPage.goto(`${origin}/admin/classification-scale`);
    await writerPage.getByTestId('scale-no-access').waitFor();
    expect(await writerPage.getByTestId('scale-form').count()).toBe(0);
    await writerContext.close();
  });
});
