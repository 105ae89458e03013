import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../../services/platform/src/config.js';
import { startTestPlatform, waitForMail, type TestPlatform } from '../support/platform.js';
import { deployTenant, nextTotpCode, registerTenant } from '../support/tenant-flow.js';
import { launchChromium, saveScreenshot } from './browser.js';
import { acceptInvitation, chooseFactor, enterPassword } from './flows.js';

const OSCAL_CATALOG = path.resolve(PROJECT_DIR, '../shared/fixtures/oscal/NIST_CSF_v2.0_catalog.xml');
const TENANT = 'stallning';
const ADMINISTRATOR = 'owner@stallning.example';
const INVITATION_LINK = /https:\/\/\S+\/invite\/[A-Za-z0-9_-]+/;

interface StoredStatement {
  requirementId: string;
  status: string;
  comment: string;
  responsible: string;
  decidedOn: string | null;
}

/**
 * Sends an API request from the page with a fresh access token from the
 * page's refresh cookie, and returns the status and the parsed JSON body.
 */
async function callApi(page: Page, method: string, requestPath: string, body?: string, contentType = 'application/json'): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ method, requestPath, body, contentType }) => {
      const refresh = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
      const { accessToken } = (await refresh.json()) as { accessToken: string };
      const response = await fetch(requestPath, {
        method,
        headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': contentType },
        body,
      });
      const text = await response.text();
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {
        // An OSCAL import returns one JSON line per phase, which the caller splits itself.
      }
      return { status: response.status, json };
    },
    { method, requestPath, body, contentType },
  );
}

/** Creates a resource with POST, asserts 201 and returns its id. */
async function create(page: Page, requestPath: string, body: object): Promise<string> {
  const created = await callApi(page, 'POST', requestPath, JSON.stringify(body));
  expect(created.status, `POST ${requestPath} ${JSON.stringify(created.json)}`).toBe(201);
  return (created.json as { id: string }).id;
}

/** Returns the stored statements of one object, by requirement id. */
async function storedStatements(page: Page, objectId: string): Promise<Map<string, StoredStatement>> {
  const listed = await callApi(page, 'GET', `/api/objects/${objectId}/statements`);
  expect(listed.status).toBe(200);
  const { statements } = listed.json as { statements: StoredStatement[] };
  return new Map(statements.map((statement) => [statement.requirementId, statement]));
}

/** Returns the share shown in one row of the set's gap chart, with the no-break space of the Swedish format as a plain space. */
async function setGapShare(page: Page, category: string): Promise<string | undefined> {
  const text = await page.locator(`[data-testid="set-gap-row"][data-category="${category}"]`).getByTestId('set-gap-share').textContent();
  return text?.replace(/\u00a0/g, ' ').trim();
}

/** Returns the row of the statements table whose requirement has `identifier`. */
function statementRow(page: Page, identifier: string) {
  return page.locator(`[data-testid="statement-row"][data-identifier="${identifier}"]`);
}

/**
 * The statements page as a new Swedish user met it: a set made by hand with a
 * group and two requirements without labels, and the NIST CSF 2.0 catalog,
 * both on two applications.
 */
describe('statements page in the browser', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let page: Page;
  let origin: string;
  let firstObjectId: string;
  let handSetId: string;
  let catalogSetId: string;
  const requirementIds = new Map<string, string>();

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = await launchChromium();
    origin = `https://${TENANT}.${platform.config.baseDomain}:${platform.config.ports.https}`;
    await deployTenant(platform, await registerTenant(platform, TENANT, ADMINISTRATOR));

    // The gateway's certificate comes from the platform's own CA, which this throwaway profile does not trust.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    const [invitationUrl] = await waitForMail(platform, ADMINISTRATOR, INVITATION_LINK);
    const administrator = await acceptInvitation(page, invitationUrl);
    await enterPassword(page, origin, ADMINISTRATOR);
    await chooseFactor(page, 'totp');
    await page.getByTestId('sign-in-code').fill(nextTotpCode(administrator.totpSecret));
    await page.getByTestId('sign-in-code-submit').click();
    await page.getByTestId('nav-import').waitFor();
    await page.getByTestId('language-switch').selectOption('sv');

    firstObjectId = await create(page, '/api/objects', { type: 'application', name: 'Ekonomisystem' });
    await create(page, '/api/objects', { type: 'application', name: 'Lönesystem' });

    // A set without applicability rules applies to every object.
    handSetId = await create(page, '/api/requirement-sets', { name: 'Egna krav' });
    const groupId = await create(page, `/api/requirement-sets/${handSetId}/requirements`, { kind: 'group', identifier: 'EG-1', title: 'Behörigheter', label: '' });
    requirementIds.set('EG-1', groupId);
    for (const [identifier, title] of [
      ['EK-1', 'Behörigheter ses över varje år'],
      ['EK-2', 'Inloggning kräver två faktorer'],
    ] as const) {
      requirementIds.set(identifier, await create(page, `/api/requirement-sets/${handSetId}/requirements`, { kind: 'requirement', identifier, title, label: '', parentId: groupId }));
    }

    const imported = await callApi(page, 'POST', '/api/requirement-sets/imports/oscal', await readFile(OSCAL_CATALOG, 'utf8'), 'application/xml');
    expect(imported.status).toBe(200);
    const finished = JSON.parse(String(imported.json).trim().split('\n').at(-1)!) as { phase: string; setId: string };
    expect(finished.phase).toBe('finished');
    catalogSetId = finished.setId;
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('hand-made requirements show their identifier', async () => {
    await page.goto(`${origin}/objects/${firstObjectId}/statements`);
    await page.getByTestId('statement-form').waitFor();

    for (const identifier of ['EK-1', 'EK-2']) {
      await expect.poll(() => statementRow(page, identifier).getByTestId('statement-name').textContent()).toBe(identifier);
    }
    expect(await statementRow(page, 'EK-1').getByTestId('statement-title').textContent()).toBe('Behörigheter ses över varje år');
    expect(await statementRow(page, 'EK-1').getByTestId('statement-choose').getAttribute('aria-label')).toBe('Välj EK-1');
  });

  it('group rows have no checkbox or status', async () => {
    await page.goto(`${origin}/objects/${firstObjectId}/statements`);
    await page.getByTestId('statement-form').waitFor();
    await statementRow(page, 'EK-1').waitFor();

    expect(await statementRow(page, 'EG-1').count()).toBe(0);
    expect(await page.locator('[data-identifier="EG-1"] [data-testid="statement-choose"]').count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: 'Välj EG-1' }).count()).toBe(0);
    expect(await page.getByTestId('statement-choose').count()).toBe(await page.getByTestId('statement-row').count());
  });

  it('NIST rows show the identifier once', async () => {
    await page.goto(`${origin}/objects/${firstObjectId}/statements`);
    await page.getByTestId('statement-form').waitFor();
    const row = statementRow(page, 'GV.OC-01');
    await row.waitFor();

    expect(await row.getByTestId('statement-name').textContent()).toBe('GV.OC-01');
    expect(await row.getByTestId('statement-title').textContent()).toBe('');
    expect((await row.textContent())?.split('GV.OC-01').length).toBe(2);
  });

  it('two saves in a row keep the first statement', async () => {
    await page.goto(`${origin}/objects/${firstObjectId}/statements`);
    await page.getByTestId('statement-form').waitFor();

    await statementRow(page, 'EK-1').getByTestId('statement-choose').check();
    await page.getByTestId('statement-status').selectOption('not_fulfilled');
    await page.getByTestId('statement-comment').fill('Översynen saknas för 2026.');
    await page.getByTestId('statement-responsible').fill('Anna Andersson');
    await page.getByTestId('statement-date').fill('2026-11-30');
    await page.getByTestId('statement-submit').click();
    await page.getByTestId('statement-saved').waitFor();
    expect(await page.getByTestId('statement-saved').textContent()).toContain('Ställningstagandet sparades.');
    await expect.poll(() => statementRow(page, 'EK-1').getAttribute('data-status')).toBe('not_fulfilled');

    // The saved round clears the selection and the form.
    expect(await page.locator('[data-testid="statement-choose"]:checked').count()).toBe(0);
    expect(await page.getByTestId('statement-status').inputValue()).toBe('fulfilled');
    expect(await page.getByTestId('statement-comment').inputValue()).toBe('');
    expect(await page.getByTestId('statement-responsible').inputValue()).toBe('');
    expect(await page.getByTestId('statement-date').inputValue()).toBe('');
    await saveScreenshot(page, 'statements-after-first-save');

    await statementRow(page, 'EK-2').getByTestId('statement-choose').check();
    await page.getByTestId('statement-status').selectOption('partly_fulfilled');
    await page.getByTestId('statement-comment').fill('Gäller bara externa användare.');
    await page.getByTestId('statement-submit').click();
    await expect.poll(() => statementRow(page, 'EK-2').getAttribute('data-status')).toBe('partly_fulfilled');
    expect(await statementRow(page, 'EK-1').getAttribute('data-status')).toBe('not_fulfilled');

    const stored = await storedStatements(page, firstObjectId);
    const first = stored.get(requirementIds.get('EK-1')!);
    expect(first?.status).toBe('not_fulfilled');
    expect(first?.comment).toBe('Översynen saknas för 2026.');
    expect(first?.responsible).toBe('Anna Andersson');
    expect(first?.decidedOn).toBe('2026-11-30');
    const second = stored.get(requirementIds.get('EK-2')!);
    expect(second?.status).toBe('partly_fulfilled');
    expect(second?.comment).toBe('Gäller bara externa användare.');
  });

  it('tiny share shows as under one percent', async () => {
    await page.goto(`${origin}/objects/${firstObjectId}/statements`);
    await page.getByTestId('statement-form').waitFor();
    await statementRow(page, 'GV.OC-01').getByTestId('statement-choose').check();
    await page.getByTestId('statement-submit').click();
    await expect.poll(() => statementRow(page, 'GV.OC-01').getAttribute('data-status')).toBe('fulfilled');

    // One statement among the catalog's requirements on two objects is a share below half a percent.
    await page.goto(`${origin}/requirements/${catalogSetId}`);
    const fulfilled = page.locator('[data-testid="set-gap-row"][data-category="fulfilled"]');
    await fulfilled.waitFor();
    const total = Number(await page.getByTestId('set-gap').getAttribute('data-total'));
    expect(Number(await fulfilled.getAttribute('data-count'))).toBe(1);
    expect(1 / total).toBeLessThan(0.005);
    expect(await setGapShare(page, 'fulfilled')).toBe('< 1 %');
    expect(await setGapShare(page, 'no_statement')).toBe('> 99 %');
    expect(await setGapShare(page, 'not_fulfilled')).toBe('0 %');

    await page.getByTestId('language-switch').selectOption('en');
    await expect.poll(() => setGapShare(page, 'fulfilled')).toBe('< 1%');
    await page.getByTestId('language-switch').selectOption('sv');
    await saveScreenshot(page, 'statements-tiny-share');
  });
});
