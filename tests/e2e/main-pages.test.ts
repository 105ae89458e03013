import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../../services/platform/src/config.js';
import { startTestPlatform, waitForMail, type TestPlatform } from '../support/platform.js';
import { deployTenant, nextTotpCode, PASSWORD, registerTenant } from '../support/tenant-flow.js';
import { launchChromium, saveScreenshot } from './browser.js';
import { acceptInvitation, findAccessibilityViolations } from './flows.js';

const OSCAL_CATALOG = path.resolve(PROJECT_DIR, '../shared/fixtures/oscal/NIST_CSF_v2.0_catalog.xml');
const OSCAL_LOW_BASELINE = path.resolve(PROJECT_DIR, '../shared/fixtures/oscal/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json');
const TENANT = 'sidor';
const ADMINISTRATOR = 'owner@sidor.example';
const INVITATION_LINK = /https:\/\/\S+\/invite\/[A-Za-z0-9_-]+/;

type Language = 'sv' | 'en';

/** Labels of the main navigation shown to an administrator, in order. */
const NAVIGATION: Record<Language, string[]> = {
  en: ['Objects', 'Classification', 'Requirements', 'Import', 'Export', 'Audit log', 'Users', 'Meta-model', 'Classification scale'],
  sv: ['Objekt', 'Klassning', 'Krav', 'Importera', 'Export', 'Granskningslogg', 'Användare', 'Metamodell', 'Klassningsskala'],
};

/**
 * Texts of the page frame in one language that must not show on a page in the
 * other. Each is checked in the headings, labels, buttons, table headers and
 * navigation, not in the model data, which is in whatever language its author wrote.
 */
const MARKERS: Record<Language, string[]> = {
  en: ['Audit log', 'Sign out', 'Requirements', 'Classification', 'Users', 'Objects', 'Skip to main content', 'Loading'],
  sv: ['Granskningslogg', 'Logga ut', 'Krav', 'Klassning', 'Användare', 'Objekt', 'Hoppa', 'Läser in'],
};

/**
 * The web client's texts, imported when the tests start. The path is a
 * variable so that the type check of the tests, which needs file extensions
 * in imports, does not follow it into the client's own module style.
 */
const MESSAGES_MODULE = '../../services/tenant/web/src/i18n/messages.ts';

type Messages = Record<string, Record<string, unknown>>;
let MESSAGES: Record<Language, Messages>;
/** Matches a visible message key such as `objects.titleAll` or `analysis.gap.title`: a missing translation. */
let RAW_KEY: RegExp;

async function loadMessages(): Promise<void> {
  const { enMessages, svMessages } = (await import(/* @vite-ignore */ MESSAGES_MODULE)) as { enMessages: Messages; svMessages: Messages };
  MESSAGES = { en: enMessages, sv: svMessages };
  RAW_KEY = new RegExp(`\\b(${Object.keys(enMessages).join('|')})\\.[a-zA-Z_]+`);
}

/** Ids of the data the pages show, filled in by the seeding step. */
interface Seeded {
  informationId: string;
  applicationId: string;
  setId: string;
  setName: string;
}

interface MainPage {
  name: string;
  path: (seeded: Seeded) => string;
  heading: (seeded: Seeded, language: Language) => string;
  /** An element that shows once the page's data has loaded. */
  ready?: string;
}

/** Every page of the signed-in client (see app.tsx) except the not-found page. The requirement set page is also the printable report. */
const MAIN_PAGES: MainPage[] = [
  { name: 'home', path: () => '/', heading: (_, language) => ({ en: 'Overview', sv: 'Översikt' })[language], ready: '[data-testid="stats-objects"]' },
  { name: 'objects', path: () => '/objects', heading: (_, language) => ({ en: 'All objects', sv: 'Alla objekt' })[language], ready: '[data-testid="object-row"]' },
  { name: 'object', path: (seeded) => `/objects/${seeded.applicationId}`, heading: () => 'Kundportal', ready: '[data-testid="classification-confidentiality"]' },
  {
    name: 'graph',
    path: (seeded) => `/objects/${seeded.applicationId}/graph`,
    heading: (_, language) => ({ en: 'Graph of Kundportal', sv: 'Graf över Kundportal' })[language],
    ready: '[data-testid="graph-objects"]',
  },
  {
    name: 'object-statements',
    path: (seeded) => `/objects/${seeded.applicationId}/statements`,
    heading: (_, language) => ({ en: 'Compliance statements for Kundportal', sv: 'Ställningstaganden för Kundportal' })[language],
    ready: '[data-testid="object-gap"]',
  },
  {
    name: 'classification-overview',
    path: () => '/classification',
    heading: (_, language) => ({ en: 'Classification overview', sv: 'Klassningsöversikt' })[language],
    ready: '[data-testid="overview-table"]',
  },
  { name: 'requirement-sets', path: () => '/requirements', heading: (_, language) => ({ en: 'Requirements', sv: 'Krav' })[language], ready: '[data-testid="sets-gap"]' },
  { name: 'requirement-set', path: (seeded) => `/requirements/${seeded.setId}`, heading: (seeded) => seeded.setName, ready: '[data-testid="set-gap"]' },
  { name: 'import', path: () => '/import', heading: (_, language) => ({ en: 'Import', sv: 'Importera' })[language], ready: '[data-testid="csv-import"]' },
  { name: 'export', path: () => '/export', heading: () => 'Export' },
  { name: 'meta-model', path: () => '/admin/meta-model', heading: (_, language) => ({ en: 'Meta-model', sv: 'Metamodell' })[language], ready: '[data-testid="object-type-select"]' },
  {
    name: 'classification-scale',
    path: () => '/admin/classification-scale',
    heading: (_, language) => ({ en: 'Classification scale', sv: 'Klassningsskala' })[language],
    ready: '[data-testid="scale-level"]',
  },
  { name: 'users', path: () => '/users', heading: (_, language) => ({ en: 'Users', sv: 'Användare' })[language], ready: '[data-testid="user-row"]' },
  { name: 'audit', path: () => '/audit', heading: (_, language) => ({ en: 'Audit log', sv: 'Granskningslogg' })[language], ready: 'table' },
  { name: 'account', path: () => '/account', heading: (_, language) => ({ en: 'Your account', sv: 'Ditt konto' })[language] },
];

/** Sends API requests from the page with one access token taken from the page's refresh cookie, as the client itself does. */
async function apiClient(page: Page): Promise<(method: string, requestPath: string, body?: string, contentType?: string) => Promise<{ status: number; text: string }>> {
  const token = await page.evaluate(async () => {
    const refresh = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
    return ((await refresh.json()) as { accessToken: string }).accessToken;
  });
  return (method, requestPath, body, contentType = 'application/json') =>
    page.evaluate(
      async ({ method, requestPath, body, contentType, token }) => {
        const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
        if (body !== undefined) headers['Content-Type'] = contentType;
        const response = await fetch(requestPath, { method, headers, body });
        return { status: response.status, text: await response.text() };
      },
      { method, requestPath, body, contentType, token },
    );
}

/** Sends one request and returns the parsed body, failing the test on an unexpected status. */
async function expectJson<T>(send: Awaited<ReturnType<typeof apiClient>>, method: string, requestPath: string, status: number, body?: unknown): Promise<T> {
  const response = await send(method, requestPath, body === undefined ? undefined : JSON.stringify(body));
  expect(response.status, `${method} ${requestPath}: ${response.text}`).toBe(status);
  return (response.text === '' ? undefined : JSON.parse(response.text)) as T;
}

/** Presses Tab (or Shift+Tab) until the element matching `selector` has focus. */
async function tabTo(page: Page, selector: string, key: 'Tab' | 'Shift+Tab' = 'Tab', maxPresses = 150): Promise<void> {
  for (let press = 0; press < maxPresses; press += 1) {
    await page.keyboard.press(key);
    if (await page.locator(selector).evaluate((element) => element === element.ownerDocument.activeElement).catch(() => false)) {
      return;
    }
  }
  throw new Error(`${selector} got no focus after ${maxPresses} presses of ${key}`);
}

/** Chooses an option of the focused select with the arrow keys, which change a closed select's value directly in Chromium on Linux. */
async function arrowToOption(page: Page, selector: string, value: string, maxPresses = 60): Promise<void> {
  const select = page.locator(selector);
  await page.keyboard.press('Home');
  for (let press = 0; press < maxPresses && (await select.inputValue()) !== value; press += 1) {
    await page.keyboard.press('ArrowDown');
  }
  expect(await select.inputValue(), selector).toBe(value);
}

/** Asserts that the focused element matches `selector` and shows a focus indicator: `:focus-visible` with a drawn outline. */
async function expectFocusVisible(page: Page, selector: string): Promise<void> {
  const focus = await page.locator(selector).evaluate((element) => {
    const style = element.ownerDocument.defaultView!.getComputedStyle(element);
    return {
      focused: element === element.ownerDocument.activeElement,
      focusVisible: element.matches(':focus-visible'),
      outlineStyle: style.outlineStyle,
      outlineWidth: Number.parseFloat(style.outlineWidth),
    };
  });
  expect(focus.focused, `${selector} has focus`).toBe(true);
  expect(focus.focusVisible, `${selector} matches :focus-visible`).toBe(true);
  expect(focus.outlineStyle, `${selector} outline style`).not.toBe('none');
  expect(focus.outlineWidth, `${selector} outline width`).toBeGreaterThan(0);
}

/** Returns the text of the page frame and the interface elements: navigation, headings, labels, buttons, table headers, captions. */
function interfaceText(page: Page): Promise<string> {
  return page.locator('header, h1, h2, h3, label, button, th, caption, legend').evaluateAll((elements) =>
    elements.map((element) => (element as unknown as { innerText: string }).innerText).join('\n'),
  );
}

/**
 * Returns the rendered text of the page except what is in code elements:
 * the audit log shows each entry's action code (such as `import.oscal`) as
 * code on purpose.
 */
async function textOutsideCode(page: Page): Promise<string> {
  let text = await page.locator('body').innerText();
  for (const code of await page.locator('code').allInnerTexts()) {
    text = text.replace(code, '');
  }
  return text;
}

/**
 * Chooses a language in the switch and waits until the account stores it,
 * because the next page load applies the language stored on the account.
 */
async function switchLanguage(page: Page, language: Language): Promise<void> {
  const stored = page.waitForResponse((response) => response.url().endsWith('/api/me') && response.request().method() === 'PATCH');
  await page.getByTestId('language-switch').selectOption(language);
  expect((await stored).status()).toBe(200);
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(language);
}

/**
 * Every main page of the client in Swedish and in English, and the main
 * flows walked with the keyboard alone, in Chromium through the gateway.
 */
describe('main pages in both languages', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let page: Page;
  let origin: string;
  let totpSecret: string;
  let seeded: Seeded;

  beforeAll(async () => {
    await loadMessages();
    platform = await startTestPlatform();
    browser = await launchChromium();
    origin = `https://${TENANT}.${platform.config.baseDomain}:${platform.config.ports.https}`;
    await deployTenant(platform, await registerTenant(platform, TENANT, ADMINISTRATOR));

    // The gateway's certificate comes from the platform's own CA, which this throwaway profile does not trust.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    const [invitationUrl] = await waitForMail(platform, ADMINISTRATOR, INVITATION_LINK);
    ({ totpSecret } = await acceptInvitation(page, invitationUrl));
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('sign-in by keyboard', async () => {
    await page.goto(`${origin}/sign-in`);
    await tabTo(page, '[data-testid="sign-in-email"]');
    await expectFocusVisible(page, '[data-testid="sign-in-email"]');
    await page.keyboard.type(ADMINISTRATOR);
    await page.keyboard.press('Tab');
    await expectFocusVisible(page, '[data-testid="sign-in-password"]');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');

    await page.getByTestId('sign-in-second-factor').waitFor();
    await tabTo(page, '[data-testid="sign-in-code"]');
    await expectFocusVisible(page, '[data-testid="sign-in-code"]');
    await page.keyboard.type(nextTotpCode(totpSecret));
    await page.keyboard.press('Enter');
    await page.getByTestId('nav-objects').waitFor();
  });

  it('seeds a model through the API', async () => {
    const send = await apiClient(page);
    const information = await expectJson<{ id: string }>(send, 'POST', '/api/objects', 201, { type: 'information_object', name: 'Kunddata' });
    const application = await expectJson<{ id: string }>(send, 'POST', '/api/objects', 201, { type: 'application', name: 'Kundportal' });
    await expectJson(send, 'POST', '/api/objects', 201, { type: 'organisation_unit', name: 'Ekonomi' });
    await expectJson(send, 'POST', '/api/relations', 201, { type: 'handled_in', sourceId: information.id, targetId: application.id });
    await expectJson(send, 'PUT', `/api/objects/${information.id}/classification/confidentiality`, 200, { level: 3, justification: 'Personuppgifter om kunder.' });

    const imported = await send('POST', '/api/requirement-sets/imports/oscal', await readFile(OSCAL_CATALOG, 'utf8'), 'application/xml');
    expect(imported.status).toBe(200);
    const finished = JSON.parse(imported.text.trim().split('\n').at(-1)!) as { phase: string; setId: string };
    expect(finished.phase).toBe('finished');
    await expectJson(send, 'POST', `/api/requirement-sets/${finished.setId}/applicability-rules`, 201, { objectTypes: ['application'] });
    const set = await expectJson<{ name: string }>(send, 'GET', `/api/requirement-sets/${finished.setId}`, 200);
    // A second set, without applicability rules, gives the sets list two sets to compare.
    const lowBaseline = await send('POST', '/api/requirement-sets/imports/oscal', await readFile(OSCAL_LOW_BASELINE, 'utf8'), 'application/json');
    expect(lowBaseline.status).toBe(200);

    const gap = await expectJson<{ requirementSets: { requirements: { id: string }[] }[] }>(send, 'GET', `/api/gap-analysis/objects/${application.id}`, 200);
    const [first, second] = gap.requirementSets[0]!.requirements;
    await expectJson(send, 'PUT', `/api/objects/${application.id}/statements/${first!.id}`, 200, { status: 'fulfilled', responsible: 'Anna Andersson' });
    await expectJson(send, 'PUT', `/api/objects/${application.id}/statements/${second!.id}`, 200, { status: 'not_fulfilled', comment: 'Saknar loggning.' });

    seeded = { informationId: information.id, applicationId: application.id, setId: finished.setId, setName: set.name };
  });

  for (const language of ['sv', 'en'] as const) {
    it(`every main page in ${language === 'sv' ? 'Swedish' : 'English'}`, { timeout: 120_000 }, async () => {
      await page.goto(`${origin}/`);
      // Before the session is restored, the switch stores the choice in this browser only, and the account's language then replaces it.
      await page.getByTestId('nav-objects').waitFor();
      await switchLanguage(page, language);
      const other = language === 'sv' ? 'en' : 'sv';

      for (const mainPage of MAIN_PAGES) {
        const where = `${mainPage.name} in ${language}`;
        await page.goto(`${origin}${mainPage.path(seeded)}`);
        const heading = page.getByRole('heading', { level: 1 });
        await expect.poll(() => heading.textContent(), { message: where }).toBe(mainPage.heading(seeded, language));
        if (mainPage.ready !== undefined) {
          await page.locator(mainPage.ready).first().waitFor();
        }

        expect(await page.locator('html').getAttribute('lang'), where).toBe(language);
        expect(await page.locator('.site-header nav a').allInnerTexts(), where).toEqual(NAVIGATION[language]);
        const text = await interfaceText(page);
        for (const marker of MARKERS[other]) {
          expect(text, `${where} shows "${marker}"`).not.toContain(marker);
        }
        const bodyText = await textOutsideCode(page);
        expect(bodyText.match(RAW_KEY)?.[0], `${where} shows a message key`).toBeUndefined();
        expect(bodyText, `${where} shows an unfilled placeholder`).not.toContain('{{');

        const violations = await findAccessibilityViolations(page);
        expect(
          violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical'),
          where,
        ).toEqual([]);
        await saveScreenshot(page, `main-${mainPage.name}-${language}`);
      }
    });
  }

  for (const language of ['sv', 'en'] as const) {
    it(`pages before sign-in in ${language === 'sv' ? 'Swedish' : 'English'}`, async () => {
      // A new browser whose language is the one tested, and no session.
      const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: language === 'sv' ? 'sv-SE' : 'en-GB' });
      const publicPage = await context.newPage();
      const pages = [
        { name: 'sign-in', path: '/sign-in', heading: MESSAGES[language].signIn!.title },
        { name: 'forgot-password', path: '/forgot-password', heading: MESSAGES[language].passwordReset!.forgotTitle },
      ];
      for (const { name, path: pagePath, heading } of pages) {
        const where = `${name} in ${language}`;
        await publicPage.goto(`${origin}${pagePath}`);
        await expect.poll(() => publicPage.getByRole('heading', { level: 1 }).textContent(), { message: where }).toBe(heading);
        expect(await publicPage.locator('html').getAttribute('lang'), where).toBe(language);
        const bodyText = await textOutsideCode(publicPage);
        expect(bodyText.match(RAW_KEY)?.[0], `${where} shows a message key`).toBeUndefined();
        const violations = await findAccessibilityViolations(publicPage);
        expect(
          violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical'),
          where,
        ).toEqual([]);
        await saveScreenshot(publicPage, `${name}-${language}`);
      }
      await context.close();
    });
  }

  it('numbers and dates follow the language', async () => {
    await page.goto(`${origin}/objects/${seeded.applicationId}`);
    await page.getByTestId('object-name').waitFor();
    await switchLanguage(page, 'sv');
    await page.getByTestId('object-name').waitFor();
    // Swedish Intl dates put the day before the abbreviated month ("5 dec. 2026").
    const swedishDate = await page.locator('.fields time').first().innerText();
    expect(swedishDate).toMatch(/^\d{1,2} [a-zåäö]+\.? \d{4}/);

    await page.goto(`${origin}/requirements`);
    const shares = page.locator('[data-testid="sets-gap-row"] td[data-category="fulfilled"] .muted');
    await shares.first().waitFor();
    // Swedish puts a space before the percent sign; a share below one percent reads "< 1 %".
    expect(await shares.first().innerText()).toMatch(/\((< )?\d+\s%\)/);
    await switchLanguage(page, 'en');
    await expect.poll(() => shares.first().innerText()).toMatch(/\((< )?\d+%\)/);
  });

  it('sets list compares the gap per set', async () => {
    await page.goto(`${origin}/requirements`);
    const row = page.locator(`[data-testid="sets-gap-row"][data-set="${seeded.setId}"]`);
    await row.waitFor();
    const count = async (category: string) => Number(await row.locator(`td[data-category="${category}"]`).getAttribute('data-count'));
    expect(await count('fulfilled')).toBe(1);
    expect(await count('not_fulfilled')).toBe(1);
    const total = Number(await row.getAttribute('data-total'));
    expect(await count('no_statement')).toBe(total - 2);
    expect(await page.getByTestId('sets-gap-row').count()).toBe(2);
    await page.locator('[data-testid="sets-gap"] .recharts-bar-rectangle').first().waitFor();
  });

  it('object created, related and classified by keyboard', async () => {
    await page.goto(`${origin}/objects?type=information_object`);
    await page.getByTestId('object-row').first().waitFor();
    await tabTo(page, '[data-testid="create-object-name"]');
    await expectFocusVisible(page, '[data-testid="create-object-name"]');
    await page.keyboard.type('Personaldata');
    await page.keyboard.press('Enter');
    const created = page.getByTestId('create-object-result');
    await created.waitFor();
    const objectId = (await created.getAttribute('data-object-id'))!;
    const send = await apiClient(page);
    const object = await expectJson<{ name: string; type: string }>(send, 'GET', `/api/objects/${objectId}`, 200);
    expect(object.name).toBe('Personaldata');
    expect(object.type).toBe('information_object');

    await tabTo(page, '[data-testid="create-object-result"] a');
    await expectFocusVisible(page, '[data-testid="create-object-result"] a');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('object-name').textContent()).toBe('Personaldata');

    // Relating: the relation type and the other object are chosen with the arrow keys, the other object found by typing in the search.
    await tabTo(page, '[data-testid="add-relation-type"]');
    await expectFocusVisible(page, '[data-testid="add-relation-type"]');
    await arrowToOption(page, '[data-testid="add-relation-type"]', 'outgoing:handled_in');
    await tabTo(page, '[data-testid="add-relation-search"]');
    await page.keyboard.type('Kundportal');
    await expect.poll(() => page.getByTestId('add-relation-other').inputValue()).toBe(seeded.applicationId);
    await tabTo(page, '[data-testid="add-relation-submit"]');
    await expectFocusVisible(page, '[data-testid="add-relation-submit"]');
    await page.keyboard.press('Enter');
    await page.getByTestId('relations-outgoing').getByTestId('relation-row').waitFor();
    const related = await expectJson<{ relations: { outgoing: { type: string; targetId: string }[] } }>(send, 'GET', `/api/objects/${objectId}`, 200);
    expect(related.relations.outgoing.map((relation) => [relation.type, relation.targetId])).toEqual([['handled_in', seeded.applicationId]]);

    // Classifying: an own level needs a justification.
    await tabTo(page, '[data-testid="classification-dimension"]');
    await arrowToOption(page, '[data-testid="classification-dimension"]', 'integrity');
    await tabTo(page, '[data-testid="classification-level"]');
    await arrowToOption(page, '[data-testid="classification-level"]', '2');
    await tabTo(page, '[data-testid="classification-justification-input"]');
    await expectFocusVisible(page, '[data-testid="classification-justification-input"]');
    await page.keyboard.type('Löneuppgifter.');
    await tabTo(page, '[data-testid="classification-save"]');
    await expectFocusVisible(page, '[data-testid="classification-save"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('classification-integrity').getAttribute('data-level')).toBe('2');
    const classification = await expectJson<{ dimensions: { dimension: string; assigned: { level: number; justification: string } | null }[] }>(
      send,
      'GET',
      `/api/objects/${objectId}/classification`,
      200,
    );
    const integrity = classification.dimensions.find((dimension) => dimension.dimension === 'integrity');
    expect(integrity?.assigned?.level).toBe(2);
    expect(integrity?.assigned?.justification).toBe('Löneuppgifter.');
  });

  it('CSV import preview by keyboard', async () => {
    await page.goto(`${origin}/import`);
    await page.getByTestId('csv-import').waitFor();
    await tabTo(page, '[data-testid="csv-file"]');
    await expectFocusVisible(page, '[data-testid="csv-file"]');
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    await (await chooser).setFiles({ name: 'applikationer.csv', mimeType: 'text/csv', buffer: Buffer.from('Namn;Beskrivning\r\nLagerstyrning;Lager\r\nTidrapport;Tid\r\n') });
    await tabTo(page, '[data-testid="csv-type"]');
    await arrowToOption(page, '[data-testid="csv-type"]', 'application');
    await tabTo(page, '[data-testid="csv-preview"]');
    await expectFocusVisible(page, '[data-testid="csv-preview"]');
    await page.keyboard.press('Enter');

    const plan = page.getByTestId('csv-plan');
    await plan.waitFor();
    expect(await plan.getAttribute('data-created')).toBe('2');
    expect(await page.getByTestId('csv-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-line')))).toEqual(['2', '3']);
    // A preview is a dry run: nothing is stored until the import itself runs.
    const send = await apiClient(page);
    const listed = await expectJson<{ objects: unknown[] }>(send, 'GET', '/api/objects?q=Lagerstyrning', 200);
    expect(listed.objects).toEqual([]);
  });

  it('user invited by keyboard', async () => {
    const email = 'skribent@sidor.example';
    await page.goto(`${origin}/users`);
    await page.getByTestId('user-row').first().waitFor();
    await tabTo(page, '[data-testid="invite-user-email"]');
    await expectFocusVisible(page, '[data-testid="invite-user-email"]');
    await page.keyboard.type(email);
    await tabTo(page, '[data-testid="invite-user-level"]');
    await expectFocusVisible(page, '[data-testid="invite-user-level"]');
    await arrowToOption(page, '[data-testid="invite-user-level"]', 'write');
    await tabTo(page, '[data-testid="invite-user-submit"]');
    await expectFocusVisible(page, '[data-testid="invite-user-submit"]');
    await page.keyboard.press('Enter');

    await page.locator(`[data-testid="user-row"][data-email="${email}"]`).waitFor();
    const send = await apiClient(page);
    const { users } = await expectJson<{ users: { email: string; accessLevel: string }[] }>(send, 'GET', '/api/users', 200);
    expect(users.find((user) => user.email === email)?.accessLevel).toBe('write');
    await waitForMail(platform, email, INVITATION_LINK);
  });
});
