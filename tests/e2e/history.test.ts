import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, waitForMail, type TestPlatform } from '../support/platform.js';
import { deployTenant, nextTotpCode, registerTenant } from '../support/tenant-flow.js';
import { launchChromium, saveScreenshot } from './browser.js';
import { acceptInvitation, chooseFactor, enterPassword, findAccessibilityViolations, type EnrolledUser } from './flows.js';

const TENANT = 'historik';
const ADMINISTRATOR = 'owner@historik.example';
const INVITATION_LINK = /https:\/\/\S+\/invite\/[A-Za-z0-9_-]+/;
/** Entries per page of the history section (PAGE_SIZE in history-section.tsx). */
const HISTORY_PAGE_SIZE = 20;

/** Returns axe-core's serious and critical findings, the ones a page must not have. */
async function seriousViolations(page: Page): Promise<string[]> {
  const violations = await findAccessibilityViolations(page);
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.targets.join(', ')}`);
}

/** Returns the actions of the history entries shown, newest first. */
function shownActions(page: Page): Promise<(string | null)[]> {
  return page.getByTestId('history-entry').evaluateAll((items) => items.map((item) => item.getAttribute('data-action')));
}

/** Returns the sentence of the shown history entry with the given action (the newest one when there are several). */
function sentenceOf(page: Page, action: string): Promise<string | null> {
  return page.locator(`[data-testid="history-entry"][data-action="${action}"]`).first().getByTestId('history-sentence').textContent();
}

/** Returns the field changes of the newest `object.updated` entry shown, keyed by field. */
async function fieldChangesShown(page: Page): Promise<Record<string, string>> {
  const items = page.locator('[data-testid="history-entry"][data-action="object.updated"]').first().getByTestId('history-change');
  const changes: Record<string, string> = {};
  for (const item of await items.all()) {
    changes[(await item.getAttribute('data-field'))!] = (await item.textContent())!;
  }
  return changes;
}

/** Waits for a successful PATCH /api/me, the request that stores the language on the account. */
async function waitForAccountChange(page: Page): Promise<void> {
  const response = await page.waitForResponse((candidate) => new URL(candidate.url()).pathname === '/api/me' && candidate.request().method() === 'PATCH');
  expect(response.status()).toBe(200);
}

/**
 * Changes an object's description `times` times through the API from the
 * page, with an access token from the page's refresh cookie, so the page
 * learns of the changes only through the live connection.
 */
async function changeDescriptionThroughApi(page: Page, objectId: string, times: number): Promise<number[]> {
  return page.evaluate(
    async ({ objectId, times }) => {
      const refresh = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
      const { accessToken } = (await refresh.json()) as { accessToken: string };
      const headers = { Authorization: `Bearer ${accessToken}`, Accept: 'application/json', 'Content-Type': 'application/json' };
      const statuses: number[] = [];
      for (let change = 1; change <= times; change += 1) {
        const current = (await (await fetch(`/api/objects/${objectId}`, { headers })).json()) as { version: number };
        const response = await fetch(`/api/objects/${objectId}`, {
          method: 'PATCH',
          headers,
          body: JSON.stringify({ version: current.version, description: `Change ${change}` }),
        });
        statuses.push(response.status);
      }
      return statuses;
    },
    { objectId, times },
  );
}

/**
 * Creates a requirement set with the requirement A.1 through the API from
 * the page and sets the object's statement on it to fulfilled. Returns the
 * status of each request.
 */
async function setStatementThroughApi(page: Page, objectId: string): Promise<number[]> {
  return page.evaluate(async (objectId) => {
    const refresh = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
    const { accessToken } = (await refresh.json()) as { accessToken: string };
    const headers = { Authorization: `Bearer ${accessToken}`, Accept: 'application/json', 'Content-Type': 'application/json' };
    const post = (path: string, body: object) => fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });

    const set = await post('/api/requirement-sets', { name: 'Baseline' });
    const { id: setId } = (await set.json()) as { id: string };
    const requirement = await post(`/api/requirement-sets/${setId}/requirements`, {
      kind: 'requirement',
      identifier: 'A.1',
      title: 'Access control',
      statement: 'Access is granted by role.',
    });
    const { id: requirementId } = (await requirement.json()) as { id: string };
    const statement = await fetch(`/api/objects/${objectId}/statements/${requirementId}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ status: 'fulfilled' }),
    });
    return [set.status, requirement.status, statement.status];
  }, objectId);
}

/**
 * The history section of the object page and the language switch in
 * Chromium through the gateway. An object lists its creation, change,
 * relation, classification and statement in English and Swedish, and older
 * entries load on request. The language chosen with the switch outlives a reload.
 */
describe('object history in the browser', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let page: Page;
  let origin: string;
  let administrator: EnrolledUser;
  let registerId: string;

  /** Loads a page of the client and waits until the signed-in frame shows. */
  const open = async (path: string) => {
    await page.goto(`${origin}${path}`);
    await page.getByTestId('nav-objects').waitFor();
  };

  const createObject = async (type: string, name: string): Promise<string> => {
    await open(`/objects?type=${type}`);
    await page.getByTestId('create-object-name').fill(name);
    await page.getByTestId('create-object-submit').click();
    const result = page.getByTestId('create-object-result');
    await result.waitFor();
    return (await result.getAttribute('data-object-id'))!;
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = await launchChromium();
    origin = `https://${TENANT}.${platform.config.baseDomain}:${platform.config.ports.https}`;
    await deployTenant(platform, await registerTenant(platform, TENANT, ADMINISTRATOR));

    // The gateway's certificate comes from the platform's own CA, which this throwaway profile does not trust.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
    page = await context.newPage();
    const [invitationUrl] = await waitForMail(platform, ADMINISTRATOR, INVITATION_LINK);
    administrator = await acceptInvitation(page, invitationUrl);
    await enterPassword(page, origin, ADMINISTRATOR);
    await chooseFactor(page, 'totp');
    await page.getByTestId('sign-in-code').fill(nextTotpCode(administrator.totpSecret));
    await page.getByTestId('sign-in-code-submit').click();
    await page.getByTestId('nav-objects').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('lists each kind of change in both languages', async () => {
    registerId = await createObject('information_object', 'Kundregister');
    await createObject('application', 'Kundportal');

    await open(`/objects/${registerId}`);
    await page.getByTestId('edit-object-name').fill('Kundregistret');
    await page.getByTestId('edit-object-description').fill('Kunder och avtal');
    await page.getByTestId('edit-object-submit').click();
    await expect.poll(() => page.getByTestId('object-version').textContent()).toBe('2');

    await page.getByTestId('add-relation-type').selectOption('outgoing:handled_in');
    await page.getByTestId('add-relation-search').fill('Kundportal');
    await expect.poll(() => page.getByTestId('add-relation-other').inputValue()).not.toBe('');
    await page.getByTestId('add-relation-submit').click();
    await page.getByTestId('relations-outgoing').getByTestId('relation-row').waitFor();

    await page.getByTestId('classification-dimension').selectOption('confidentiality');
    await page.getByTestId('classification-level').selectOption('3');
    await page.getByTestId('classification-justification-input').fill('Personal data of customers');
    await page.getByTestId('classification-save').click();
    await expect.poll(() => page.getByTestId('classification-confidentiality').getAttribute('data-level')).toBe('3');
    // The page learns of the statement from the live connection only.
    expect(await setStatementThroughApi(page, registerId)).toEqual([201, 201, 200]);

    await expect.poll(() => shownActions(page)).toEqual(['statement.set', 'classification.set', 'relation.created', 'object.updated', 'object.created']);
    expect(await sentenceOf(page, 'statement.set')).toBe('Set the compliance statement on A.1 to “Fulfilled”.');
    expect(await sentenceOf(page, 'classification.set')).toBe('Set Confidentiality to 3 (High). Justification: Personal data of customers');
    expect(await sentenceOf(page, 'relation.created')).toBe('Added the relation “Kundregistret is handled in Kundportal”.');
    expect(await sentenceOf(page, 'object.updated')).toBe('Changed the object.');
    expect(await sentenceOf(page, 'object.created')).toBe('Created “Kundregister” of type Information object.');
    expect(await fieldChangesShown(page)).toEqual({
      name: 'Name: from “Kundregister” to “Kundregistret”',
      description: 'Description: from (empty) to “Kunder och avtal”',
    });
    const newest = page.getByTestId('history-entry').first();
    expect(await newest.getByTestId('history-actor').textContent()).toBe(ADMINISTRATOR);
    // The time is formatted for the locale, the same way Intl formats it for en-GB on this machine.
    const at = (await newest.locator('time').getAttribute('datetime'))!;
    const englishTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at));
    expect(await newest.locator('time').textContent()).toBe(englishTime);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'object-history-en');

    // The account's language changes after the texts, so the test waits for that request too.
    await Promise.all([waitForAccountChange(page), page.getByTestId('language-switch').selectOption('sv')]);
    await page.getByRole('heading', { name: 'Historik' }).waitFor();
    expect(await sentenceOf(page, 'statement.set')).toBe('Satte ställningstagandet för A.1 till ”Uppfyllt”.');
    expect(await sentenceOf(page, 'classification.set')).toBe('Satte Konfidentialitet till 3 (Hög). Motivering: Personal data of customers');
    expect(await sentenceOf(page, 'relation.created')).toBe('Lade till relationen ”Kundregistret hanteras i Kundportal”.');
    expect(await sentenceOf(page, 'object.updated')).toBe('Ändrade objektet.');
    expect(await sentenceOf(page, 'object.created')).toBe('Skapade ”Kundregister” av typen Informationsobjekt.');
    expect(await fieldChangesShown(page)).toEqual({
      name: 'Namn: från ”Kundregister” till ”Kundregistret”',
      description: 'Beskrivning: från (tomt) till ”Kunder och avtal”',
    });
    const swedishTime = new Intl.DateTimeFormat('sv', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at));
    expect(await newest.locator('time').textContent()).toBe(swedishTime);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'object-history-sv');
  });

  it('keeps the language chosen with the switch after a reload', async () => {
    // The previous test chose Swedish with the switch, and the account's language was English.
    await page.reload();
    await page.getByRole('heading', { name: 'Historik' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('sv');
    expect(await page.getByTestId('language-switch').inputValue()).toBe('sv');

    // Without the choice in localStorage the browser's en-GB would win, unless the account stores Swedish.
    await page.evaluate("localStorage.removeItem('esm.language')");
    await page.reload();
    await page.getByRole('heading', { name: 'Historik' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('sv');

    await Promise.all([waitForAccountChange(page), page.getByTestId('language-switch').selectOption('en')]);
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.evaluate("localStorage.removeItem('esm.language')");
    await page.reload();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
  });

  it('shows older changes on request, by keyboard', async () => {
    const changes = 20;
    expect(await changeDescriptionThroughApi(page, registerId, changes)).toEqual(Array(changes).fill(200));
    // Live notices add the new entries on top of the 5 shown.
    await expect.poll(() => fieldChangesShown(page)).toEqual({
      description: `Description: from “Change ${changes - 1}” to “Change ${changes}”`,
    });
    await expect.poll(() => page.getByTestId('history-entry').count()).toBe(changes + 5);
    expect(await page.getByTestId('history-show-more').count()).toBe(0);

    // A page load shows the newest page of 20, and the rest on request.
    await page.reload();
    await expect.poll(() => page.getByTestId('history-entry').count()).toBe(HISTORY_PAGE_SIZE);

    const showMore = page.getByTestId('history-show-more');
    await showMore.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('history-entry').count()).toBe(changes + 5);
    expect(await showMore.count()).toBe(0);
    // Focus moves to the first entry of the new page, because the button it was on is gone.
    const focused = await page.getByTestId('history-entry').nth(HISTORY_PAGE_SIZE).evaluate((item) => item === item.ownerDocument.activeElement);
    expect(focused).toBe(true);
    expect((await shownActions(page)).slice(-2)).toEqual(['object.updated', 'object.created']);
    expect(await seriousViolations(page)).toEqual([]);

    // A later change adds its entry on top and leaves the older page open.
    expect(await changeDescriptionThroughApi(page, registerId, 1)).toEqual([200]);
    await expect.poll(() => page.getByTestId('history-entry').count()).toBe(changes + 6);
  });

  it('stores the language in the browser only when signed out', async () => {
    await page.getByTestId('nav-sign-out').click();
    await page.getByTestId('sign-in-email').waitFor();
    const accountChanges: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PATCH' && new URL(request.url()).pathname === '/api/me') accountChanges.push(request.url());
    });

    await page.getByTestId('language-switch').selectOption('sv');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('sv');
    await page.reload();
    await page.getByTestId('sign-in-email').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('sv');
    expect(accountChanges).toEqual([]);
  });
});
