import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { acceptFirstInvitation, deployTenant, nextTotpCode, registerTenant } from '../support/tenant-flow.js';
import { launchChromium, saveScreenshot } from './browser.js';
import { chooseFactor, enterPassword, findAccessibilityViolations } from './flows.js';

const TENANT = 'cykler';
const ADMINISTRATOR = 'owner@cykler.example';
const READER = 'reader@cykler.example';
// `depends_on` links applications and carries levels from source to target, so three of them in a ring form a cycle.
const APPLICATIONS = ['Ordersystem', 'Lagersystem', 'Fakturasystem'];

interface ApiResult {
  status: number;
  body: unknown;
}

/**
 * Sends an API request from the page with an access token taken from the
 * page's refresh cookie, so the setup goes through the same API and session
 * as the browser.
 */
async function callApi(page: Page, method: string, requestPath: string, body?: unknown): Promise<ApiResult> {
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
      return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
    },
    { method, requestPath, body },
  );
}

/** Presses Tab until the element matching `selector` has focus. */
async function tabTo(page: Page, selector: string, maxPresses = 200): Promise<void> {
  for (let press = 0; press < maxPresses; press += 1) {
    await page.keyboard.press('Tab');
    const focused = await page
      .locator(selector)
      .evaluate((element) => element === element.ownerDocument.activeElement)
      .catch(() => false);
    if (focused) {
      return;
    }
  }
  throw new Error(`${selector} got no focus after ${maxPresses} presses of Tab`);
}

/** Returns axe-core's serious and critical findings, as "rule: targets". */
async function seriousViolations(page: Page): Promise<string[]> {
  const violations = await findAccessibilityViolations(page);
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.targets.join(', ')}`);
}

/** Switches the page's language and waits until the `lang` attribute of the document follows. */
async function switchLanguage(page: Page, language: 'sv' | 'en'): Promise<void> {
  await page.getByTestId('language-switch').selectOption(language);
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(language);
}

/**
 * Cycles of relations that carry levels on the classification overview in
 * Chromium through the gateway: the list with links to the objects, live
 * updates, recomputation by an administrator, and a read user without the
 * recompute button.
 */
describe('classification cycles in the browser', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let origin: string;
  let adminPage: Page;
  const ids = new Map<string, string>();

  const signIn = async (page: Page, email: string, totpSecret: string): Promise<void> => {
    await enterPassword(page, origin, email);
    await chooseFactor(page, 'totp');
    await page.getByTestId('sign-in-code').fill(nextTotpCode(totpSecret));
    await page.getByTestId('sign-in-code-submit').click();
    await page.getByTestId('nav-classification').waitFor();
  };

  const relate = async (source: string, target: string): Promise<void> => {
    const created = await callApi(adminPage, 'POST', '/api/relations', { type: 'depends_on', sourceId: ids.get(source), targetId: ids.get(target) });
    expect(created.status, `${source} depends on ${target}`).toBe(201);
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = await launchChromium();
    origin = `https://${TENANT}.${platform.config.baseDomain}:${platform.config.ports.https}`;
    await deployTenant(platform, await registerTenant(platform, TENANT, ADMINISTRATOR));
    const administratorSecret = await acceptFirstInvitation(platform, TENANT, ADMINISTRATOR);

    // The gateway's certificate comes from the platform's own CA, which this throwaway profile does not trust.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    adminPage = await context.newPage();
    await signIn(adminPage, ADMINISTRATOR, administratorSecret);

    for (const name of APPLICATIONS) {
      const created = await callApi(adminPage, 'POST', '/api/objects', { type: 'application', name });
      expect(created.status, name).toBe(201);
      ids.set(name, (created.body as { id: string }).id);
    }
    await relate('Ordersystem', 'Lagersystem');
    await relate('Lagersystem', 'Fakturasystem');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('closing a ring shows the cycle live', async () => {
    await adminPage.goto(`${origin}/classification`);
    await adminPage.getByTestId('no-cycles').waitFor();
    expect(await adminPage.getByTestId('cycle').count()).toBe(0);

    // The overview stays open, so only a live notice can make the new cycle appear.
    await adminPage.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
    await relate('Fakturasystem', 'Ordersystem');
    await adminPage.getByTestId('cycle').waitFor();
    expect(await adminPage.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await adminPage.getByTestId('no-cycles').count()).toBe(0);

    const cycle = adminPage.getByTestId('cycle');
    expect(await cycle.count()).toBe(1);
    expect(await cycle.getAttribute('data-size')).toBe('3');
    const listed = await cycle.getByTestId('cycle-object-link').allTextContents();
    expect([...listed].sort()).toEqual([...APPLICATIONS].sort());
    const entries = await cycle.getByTestId('cycle-object').allTextContents();
    for (const entry of entries) {
      expect(entry).toContain('(Application)');
    }

    // The counts above the cycles follow live changes as well.
    expect(await adminPage.getByTestId('overview-total').getAttribute('data-count')).toBe('3');
    const created = await callApi(adminPage, 'POST', '/api/objects', { type: 'information_object', name: 'Kundregister' });
    expect(created.status).toBe(201);
    await expect.poll(() => adminPage.getByTestId('overview-total').getAttribute('data-count')).toBe('4');
    expect(await adminPage.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  it('cycle link opens object by keyboard', async () => {
    await adminPage.goto(`${origin}/classification`);
    await adminPage.getByTestId('cycle-object-link').first().waitFor();
    const name = await adminPage.getByTestId('cycle-object-link').first().textContent();

    await tabTo(adminPage, '[data-testid="cycle-object-link"] >> nth=0');
    await adminPage.keyboard.press('Enter');
    await expect.poll(() => adminPage.getByTestId('object-name').textContent()).toBe(name);
    expect(adminPage.url()).toBe(`${origin}/objects/${ids.get(name!)}`);
  });

  it('administrator recomputes inherited levels', async () => {
    await adminPage.goto(`${origin}/classification`);
    await adminPage.getByTestId('cycle').waitFor();

    await tabTo(adminPage, '[data-testid="recompute-button"]');
    await adminPage.keyboard.press('Enter');
    await adminPage.getByTestId('confirm-dialog').waitFor();
    // Focus starts on Cancel, which follows the confirm button.
    await adminPage.keyboard.press('Shift+Tab');
    expect(await adminPage.getByTestId('confirm-accept').evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
    // The request is held back until the busy state has been seen, because the route responds only when it has finished.
    let releaseRequest!: () => void;
    const requestReleased = new Promise<void>((resolve) => {
      releaseRequest = resolve;
    });
    await adminPage.route('**/api/classification/recompute', async (route) => {
      await requestReleased;
      await route.continue();
    });
    await adminPage.keyboard.press('Enter');

    await adminPage.getByTestId('recompute-running').waitFor();
    expect(await adminPage.getByTestId('recompute-button').getAttribute('aria-disabled')).toBe('true');
    expect(await adminPage.getByTestId('recompute-button').evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
    releaseRequest();

    const result = adminPage.getByTestId('recompute-result');
    await result.waitFor();
    await adminPage.unroute('**/api/classification/recompute');
    // Every write already keeps the inherited levels current, so a full recomputation finds nothing to change.
    expect(await result.getAttribute('data-changes')).toBe('0');
    expect(await result.getAttribute('data-cycles')).toBe('1');
    expect(await result.textContent()).toContain('Inherited levels changed: 0. Cycles found: 1.');
    expect(await adminPage.getByTestId('recompute-running').count()).toBe(0);
    expect(await adminPage.getByTestId('recompute-error').count()).toBe(0);
    expect(await adminPage.getByTestId('cycle').count()).toBe(1);
    expect(await adminPage.getByTestId('recompute-button').getAttribute('aria-disabled')).toBe('false');
    expect(await seriousViolations(adminPage)).toEqual([]);
    await saveScreenshot(adminPage, 'classification-recomputed-en');
  });

  it('recompute failure shows the error', async () => {
    await adminPage.goto(`${origin}/classification`);
    await adminPage.getByTestId('cycle').waitFor();
    await switchLanguage(adminPage, 'sv');
    // The request never reaches the server, as when the connection drops.
    await adminPage.route('**/api/classification/recompute', (route) => route.abort('connectionrefused'));

    await adminPage.getByTestId('recompute-button').click();
    await adminPage.getByTestId('confirm-accept').click();

    const error = adminPage.getByTestId('recompute-error');
    await error.waitFor();
    expect(await error.getAttribute('data-error-code')).toBe('NETWORK_ERROR');
    expect(await error.textContent()).toContain('Det gick inte att nå servern.');
    expect(await adminPage.getByTestId('recompute-result').count()).toBe(0);
    expect(await adminPage.getByTestId('recompute-running').count()).toBe(0);
    await adminPage.unroute('**/api/classification/recompute');
    await switchLanguage(adminPage, 'en');
  });

  it('cycles section passes axe in both languages', async () => {
    await adminPage.goto(`${origin}/classification`);
    await adminPage.getByTestId('cycle').waitFor();

    for (const language of ['en', 'sv'] as const) {
      await switchLanguage(adminPage, language);
      await adminPage.getByTestId('overview-table').first().waitFor();
      expect(await adminPage.locator('#cycles-heading').textContent()).toBe(language === 'sv' ? 'Cykler' : 'Cycles');
      expect(await adminPage.getByTestId('recompute-button').textContent()).toBe(
        language === 'sv' ? 'Beräkna om ärvda nivåer' : 'Recompute inherited levels',
      );
      expect(await seriousViolations(adminPage), language).toEqual([]);
      await saveScreenshot(adminPage, `classification-cycles-${language}`);
    }
    await switchLanguage(adminPage, 'en');
  });

  it('read user sees cycles without recompute', async () => {
    const invited = await callApi(adminPage, 'POST', '/api/users/invitations', { email: READER, accessLevel: 'read', locale: 'sv' });
    expect(invited.status).toBe(201);
    const readerSecret = await acceptFirstInvitation(platform, TENANT, READER);

    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'sv-SE' });
    const readerPage = await context.newPage();
    await signIn(readerPage, READER, readerSecret);
    await readerPage.goto(`${origin}/classification`);
    await switchLanguage(readerPage, 'sv');

    const cycle = readerPage.getByTestId('cycle');
    await cycle.waitFor();
    expect(await cycle.getByTestId('cycle-object-link').count()).toBe(3);
    expect(await cycle.locator('h3').textContent()).toBe('Cykel 1');
    for (const entry of await cycle.getByTestId('cycle-object').allTextContents()) {
      expect(entry).toContain('(Applikation)');
    }
    expect(await readerPage.getByTestId('recompute').count()).toBe(0);
    expect(await readerPage.getByTestId('recompute-button').count()).toBe(0);
    expect(await seriousViolations(readerPage)).toEqual([]);
    await saveScreenshot(readerPage, 'classification-cycles-read-user-sv');
    await context.close();
  });
});
