import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../../services/platform/src/config.js';
import { startTestPlatform, waitForMail, type TestPlatform } from '../support/platform.js';
import { deployTenant, nextTotpCode, registerTenant } from '../support/tenant-flow.js';
import { launchChromium, saveScreenshot } from './browser.js';
import { acceptInvitation, chooseFactor, enterPassword, findAccessibilityViolations, type EnrolledUser } from './flows.js';

const TENANT = 'modell';
const ADMINISTRATOR = 'owner@modell.example';
const READER = 'reader@modell.example';
const INVITATION_LINK = /https:\/\/\S+\/invite\/[A-Za-z0-9_-]+/;
const ARCHISURANCE = path.resolve(PROJECT_DIR, '../shared/fixtures/archimate/archisurance-exchange.xml');

/** Returns axe-core's serious and critical findings, the ones a page must not have. */
async function seriousViolations(page: Page): Promise<string[]> {
  const violations = await findAccessibilityViolations(page);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.targets.join(', ')}`);
}

/**
 * Objects in Chromium through the gateway: the object list by type, the
 * object page with relations and classification, live updates between two
 * browser contexts, an edit conflict resolved per field, and a read user.
 */
describe('objects in the browser', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let origin: string;
  let administrator: EnrolledUser;
  let adminPage: Page;
  let informationId: string;
  let applicationId: string;

  const newPage = async (locale = 'en-GB'): Promise<{ context: BrowserContext; page: Page }> => {
    // The gateway's certificate comes from the platform's own CA, which this throwaway profile does not trust.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale });
    return { context, page: await context.newPage() };
  };

  const usedCodes = new Set<string>();
  const signIn = async (page: Page, email: string, totpSecret: string) => {
    await enterPassword(page, origin, email);
    await chooseFactor(page, 'totp');
    // The server accepts each code once, so a second sign-in of the same user waits for the next time step.
    let code = nextTotpCode(totpSecret);
    while (usedCodes.has(`${email} ${code}`)) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      code = nextTotpCode(totpSecret);
    }
    usedCodes.add(`${email} ${code}`);
    await page.getByTestId('sign-in-code').fill(code);
    await page.getByTestId('sign-in-code-submit').click();
    await page.getByTestId('nav-objects').waitFor();
  };

  const createObject = async (page: Page, type: string, name: string): Promise<string> => {
    await open(page, `/objects?type=${type}`);
    await page.getByTestId('create-object-name').fill(name);
    await page.getByTestId('create-object-submit').click();
    const result = page.getByTestId('create-object-result');
    await result.waitFor();
    return (await result.getAttribute('data-object-id'))!;
  };

  /** Loads a page of the client and waits until the signed-in frame shows. */
  const open = async (page: Page, path: string) => {
    await page.goto(`${origin}${path}`);
    await page.getByTestId('nav-objects').waitFor();
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = await launchChromium();
    origin = `https://${TENANT}.${platform.config.baseDomain}:${platform.config.ports.https}`;
    await deployTenant(platform, await registerTenant(platform, TENANT, ADMINISTRATOR));

    ({ page: adminPage } = await newPage());
    const [invitationUrl] = await waitForMail(platform, ADMINISTRATOR, INVITATION_LINK);
    administrator = await acceptInvitation(adminPage, invitationUrl);
    await signIn(adminPage, ADMINISTRATOR, administrator.totpSecret);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('creates, relates and classifies objects', async () => {
    informationId = await createObject(adminPage, 'information_object', 'Kunddata');
    applicationId = await createObject(adminPage, 'application', 'Kundportal');

    // The list shows type names, not keys, and the navigation counts the objects per type.
    await adminPage.getByTestId('object-row').first().waitFor();
    expect(await adminPage.getByRole('heading', { level: 1 }).textContent()).toBe('Objects of type Application');
    await expect.poll(() => adminPage.getByTestId('type-link-application').getAttribute('data-count')).toBe('1');
    expect(await adminPage.getByTestId('type-link-information_object').textContent()).toBe('Information object');
    expect(await seriousViolations(adminPage)).toEqual([]);
    await saveScreenshot(adminPage, 'objects-list-en');

    // Relating from the information object: "is handled in" is the relation type read from its source.
    await open(adminPage, `/objects/${informationId}`);
    await adminPage.getByTestId('add-relation-type').selectOption('outgoing:handled_in');
    await adminPage.getByTestId('add-relation-search').fill('Kundportal');
    await expect.poll(() => adminPage.getByTestId('add-relation-other').inputValue()).toBe(applicationId);
    await adminPage.getByTestId('add-relation-submit').click();
    const relation = adminPage.getByTestId('relations-outgoing').getByTestId('relation-row');
    await relation.waitFor();
    expect(await relation.textContent()).toContain('is handled in');
    expect(await relation.textContent()).toContain('Kundportal (Application)');

    // The information object's own level needs a justification.
    await adminPage.getByTestId('classification-dimension').selectOption('confidentiality');
    await adminPage.getByTestId('classification-level').selectOption('3');
    await adminPage.getByTestId('classification-justification-input').fill('Personal data of customers');
    await adminPage.getByTestId('classification-save').click();
    const ownLevel = adminPage.getByTestId('classification-confidentiality');
    await expect.poll(() => ownLevel.getAttribute('data-level')).toBe('3');
    expect(await ownLevel.getAttribute('data-origin')).toBe('own');
    expect(await ownLevel.getByTestId('classification-justification').textContent()).toContain('Personal data of customers');
    expect(await seriousViolations(adminPage)).toEqual([]);
    await saveScreenshot(adminPage, 'object-information-en');

    // The application inherits the level, and the explanation names the path it came along.
    await relation.getByTestId('relation-link').click();
    await adminPage.getByTestId('object-name').filter({ hasText: 'Kundportal' }).waitFor();
    const inherited = adminPage.getByTestId('classification-confidentiality');
    await expect.poll(() => inherited.getAttribute('data-level')).toBe('3');
    expect(await inherited.getAttribute('data-origin')).toBe('inherited');
    expect(await inherited.getByTestId('classification-source').textContent()).toBe('Inherited from Kunddata along this path:');
    expect(await inherited.getByTestId('classification-path-step').allTextContents()).toEqual(['Kunddata is handled in Kundportal']);
    expect(await adminPage.getByTestId('relations-incoming').getByTestId('relation-row').textContent()).toContain('handles');
    expect(await seriousViolations(adminPage)).toEqual([]);
    await saveScreenshot(adminPage, 'object-application-en');
  });

  it('shows the list and object page in Swedish', async () => {
    await adminPage.getByTestId('language-switch').selectOption('sv');
    await adminPage.getByRole('heading', { name: 'Klassning' }).waitFor();
    const inherited = adminPage.getByTestId('classification-confidentiality');
    expect(await inherited.getByTestId('classification-path-step').allTextContents()).toEqual(['Kunddata hanteras i Kundportal']);
    expect(await inherited.locator('th').textContent()).toBe('Konfidentialitet');
    expect(await seriousViolations(adminPage)).toEqual([]);
    await saveScreenshot(adminPage, 'object-application-sv');

    // Search, by keyboard: type in the search field and press Enter.
    await adminPage.getByTestId('nav-objects').click();
    await adminPage.getByTestId('object-row').first().waitFor();
    await adminPage.getByTestId('object-search').fill('kund');
    await adminPage.getByTestId('object-search').press('Enter');
    await expect.poll(() => adminPage.url()).toContain('q=kund');
    await expect.poll(() => adminPage.getByTestId('object-list-count').getAttribute('data-count')).toBe('2');
    // The virtualiser renders the rows once it has measured the scroll area, a frame after the count.
    await expect.poll(() => adminPage.getByTestId('object-row').allTextContents()).toEqual([
      expect.stringContaining('Informationsobjekt'),
      expect.stringContaining('Applikation'),
    ]);
    await adminPage.getByTestId('object-sort').selectOption('-name');
    await adminPage.getByTestId('object-list-apply').click();
    await expect.poll(async () => (await adminPage.getByTestId('object-link').allTextContents()).join(',')).toBe('Kundportal,Kunddata');
    expect(await seriousViolations(adminPage)).toEqual([]);
    await saveScreenshot(adminPage, 'objects-list-sv');
    await adminPage.getByTestId('language-switch').selectOption('en');
  });

  it('shows a read user no editing controls', async () => {
    await adminPage.getByTestId('nav-users').click();
    await adminPage.getByTestId('invite-user-email').fill(READER);
    await adminPage.getByTestId('invite-user-level').selectOption('read');
    await adminPage.getByTestId('invite-user-mobile').fill('+46 70 765 43 21');
    await adminPage.getByTestId('invite-user-submit').click();
    await adminPage.locator(`[data-testid="user-row"][data-email="${READER}"]`).waitFor();

    const { page } = await newPage('sv-SE');
    const [invitationUrl] = await waitForMail(platform, READER, INVITATION_LINK);
    const reader = await acceptInvitation(page, invitationUrl);
    await signIn(page, READER, reader.totpSecret);

    await open(page, `/objects/${applicationId}`);
    await page.getByTestId('classification-confidentiality').waitFor();
    expect(await page.getByTestId('edit-object-name').count()).toBe(0);
    expect(await page.getByTestId('add-relation-type').count()).toBe(0);
    expect(await page.getByTestId('classification-form').count()).toBe(0);
    expect(await page.getByTestId('relation-remove').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'object-read-user-sv');

    await open(page, '/objects');
    await page.getByTestId('object-row').first().waitFor();
    expect(await page.getByTestId('create-object-type').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('pages and virtualises a long list', async () => {
    await adminPage.getByTestId('nav-import').click();
    await adminPage.getByTestId('import-file').setInputFiles(ARCHISURANCE);
    await adminPage.getByTestId('import-submit').click();
    await adminPage.getByTestId('import-result').waitFor({ timeout: 60_000 });

    // 120 imported objects and the 2 created above: the first page has 100, scrolling to the end loads the rest.
    await adminPage.getByTestId('nav-objects').click();
    await expect.poll(() => adminPage.getByTestId('object-list-count').getAttribute('data-count')).toBe('100');
    const renderedRows = await adminPage.getByTestId('object-row').count();
    expect(renderedRows).toBeGreaterThan(0);
    expect(renderedRows).toBeLessThan(60);
    await adminPage.locator('.virtual-table').evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    await expect.poll(() => adminPage.getByTestId('object-list-count').getAttribute('data-count')).toBe('122');
    expect(await adminPage.getByTestId('object-row').count()).toBeLessThan(60);
    await expect.poll(() => adminPage.getByTestId('type-link-application').getAttribute('data-count')).not.toBe('1');
  });

  it('shows a change from another browser live and resolves a conflict per field', async () => {
    const { context: otherContext, page: otherPage } = await newPage();
    await signIn(otherPage, ADMINISTRATOR, administrator.totpSecret);
    await open(otherPage, `/objects/${applicationId}`);
    await open(adminPage, `/objects/${applicationId}`);
    await otherPage.getByTestId('object-name').filter({ hasText: 'Kundportal' }).waitFor();
    await adminPage.getByTestId('object-name').filter({ hasText: 'Kundportal' }).waitFor();
    // A value on window survives only while the page is not reloaded.
    await otherPage.evaluate(() => Object.assign(globalThis, { notReloaded: true }));

    // The other user starts typing a description before this one renames the object.
    await otherPage.getByTestId('edit-object-description').fill('Web portal for customers');
    await adminPage.getByTestId('edit-object-name').fill('Kundportalen');
    await adminPage.getByTestId('edit-object-submit').click();
    await adminPage.getByTestId('object-name').filter({ hasText: 'Kundportalen' }).waitFor();

    await otherPage.getByTestId('object-name').filter({ hasText: 'Kundportalen' }).waitFor();
    expect(await otherPage.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await otherPage.getByTestId('edit-object-description').inputValue()).toBe('Web portal for customers');

    // Saving from the older version shows both values of the field that differs.
    await otherPage.getByTestId('edit-object-submit').click();
    const conflict = otherPage.getByTestId('edit-object-conflict');
    await conflict.waitFor();
    expect(await otherPage.getByTestId('conflict-name-mine-value').textContent()).toBe('Kundportal');
    expect(await otherPage.getByTestId('conflict-name-theirs-value').textContent()).toBe('Kundportalen');
    expect(await otherPage.getByTestId('conflict-description-mine-value').textContent()).toBe('Web portal for customers');
    expect(await seriousViolations(otherPage)).toEqual([]);
    await saveScreenshot(otherPage, 'object-conflict-en');

    // Keyboard only: choose the current name with the arrow key in its radio group, keep the own description.
    await otherPage.getByTestId('conflict-name-mine').focus();
    await otherPage.keyboard.press('ArrowRight');
    expect(await otherPage.getByTestId('conflict-name-theirs').isChecked()).toBe(true);
    await otherPage.getByTestId('conflict-save').focus();
    await otherPage.keyboard.press('Enter');
    await conflict.waitFor({ state: 'detached' });
    await otherPage.getByTestId('object-description').filter({ hasText: 'Web portal for customers' }).waitFor();
    expect(await otherPage.getByTestId('object-name').textContent()).toBe('Kundportalen');

    // Both changes are kept, and the first browser sees the second one live.
    await adminPage.getByTestId('object-description').filter({ hasText: 'Web portal for customers' }).waitFor();
    expect(await adminPage.getByTestId('object-version').textContent()).toBe('3');
    await otherContext.close();
  });
});
