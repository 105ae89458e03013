#!/usr/bin/env node
// Writes the screenshots of the user guide: starts a whole platform on
// loopback with its own embedded PostgreSQL and temporary data folder, as
// the browser tests do, deploys a tenant, seeds a small municipality model
// through the API, signs in through the real pages and saves each page in
// English and Swedish to docs/guide/images/<language>/<page>.png.
//
//   npm run docs:screenshots                       build, then take every screenshot
//   node scripts/guide-screenshots.mjs [page ...]  take only the named pages (after a build)
//
// The page names are the image names. A page that fails keeps its image
// from an earlier run, and the run ends with exit code 1 and a list of the
// failures. Run as root (as in the development container), the embedded
// PostgreSQL needs ESM_POSTGRES_SYSTEM_USER=1. ESM_CHROMIUM names another
// Chromium binary than /usr/bin/chromium.
import { access, mkdir, mkdtemp, chmod, readFile, readdir, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { authenticator } from 'otplib';
import { chromium } from 'playwright-core';
import { adminBaseUrl, createAdminClient, createLogger, readServiceCredential, tenantOrigin } from '@esm/common';
import { LEVELS, MANUAL_SET, OBJECTS, RELATIONS, STATEMENTS } from './guide-screenshots.model.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IMAGES_DIR = path.join(ROOT, 'docs/guide/images');
const OSCAL_CATALOG = path.resolve(ROOT, '../shared/fixtures/oscal/NIST_CSF_v2.0_catalog.xml');
const ARCHIMATE_MODEL = path.resolve(ROOT, '../shared/fixtures/archimate/archisurance-exchange.xml');
const LANGUAGES = ['en', 'sv'];
const VIEWPORT = { width: 1280, height: 800 };
/** Size above which a screenshot is reported, because the guide's images should stay small. */
const MAX_IMAGE_BYTES = 250 * 1024;
const TENANT = 'ekvik';
const ADMINISTRATOR = 'it-chef@ekvik.example';
const SECOND_USER = 'anna.lind@ekvik.example';
const PASSWORD = 'correct horse battery staple';
const INVITATION_LINK = /https:\/\/\S+\/invite\/[A-Za-z0-9_-]+/;
/** Upper bound for any one wait on the page, so that a page whose markers are gone fails instead of hanging. */
const WAIT_MS = 30_000;

/**
 * A translation key shown in place of its text, such as `analysis.gap.title`:
 * i18next prints the key when a language lacks the text. The first part is
 * one of the top-level keys of the client's message files.
 */
const UNTRANSLATED_KEY =
  /\b(?:access|accessLevels|account|administration|analysis|app|audit|classificationAdmin|confirm|counts|errors|factors|history|home|import|importPreview|invite|language|modelObjects|nav|notFound|object|objects|passwordReset|recoveryCodes|requirementAdmin|session|signIn|totp|users)(?:\.[A-Za-z_]+)+\b/g;

const onlyPages = new Set(process.argv.slice(2));
const failures = [];
const warnings = [];

function progress(message) {
  console.log(`[guide-screenshots] ${message}`);
}

/** Returns a TCP port that the kernel reports free on loopback. */
function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function requireBuild() {
  const built = [
    'services/platform/dist/platform.js',
    'services/tenant/dist/main.js',
    'services/tenant/web/dist/index.html',
  ];
  for (const file of built) {
    await access(path.join(ROOT, file)).catch(() => {
      throw new Error(`${file} is missing: run \`npm run build\` first (or \`npm run docs:screenshots\`, which builds)`);
    });
  }
}

/** Starts every service of the platform on free loopback ports with a temporary data folder. */
async function startLocalPlatform() {
  const { resolvePlatformConfig } = await import('../services/platform/dist/config.js');
  const { startPlatform } = await import('../services/platform/dist/platform.js');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'esm-guide-'));
  // The embedded server may run under the unprivileged postgres account, which must reach the folder.
  await chmod(dataDir, 0o755);
  const portVariables = [
    'HTTPS', 'HTTP', 'ADMIN', 'REGISTRATION', 'DEFAULT_BACKEND', 'ADMIN_METRICS',
    'REGISTRATION_METRICS', 'DEFAULT_BACKEND_METRICS', 'GATEWAY_METRICS', 'POSTGRES',
  ];
  const env = { ESM_DATA_DIR: dataDir, ESM_BIND_HOST: '127.0.0.1' };
  for (const name of portVariables) env[`ESM_${name}_PORT`] = String(await findFreePort());
  const tenantFrom = await findFreePort();
  // A range above a port the kernel just handed out is very likely free.
  env.ESM_TENANT_PORTS = `${tenantFrom}-${Math.min(tenantFrom + 20, 65535)}`;

  const config = resolvePlatformConfig(env);
  const running = await startPlatform(config, {
    logger: createLogger('guide-screenshots', { level: 'warn' }),
    onStep: (step, index, total) => progress(`platform ${index}/${total}: ${step}`),
  });
  return {
    config,
    stop: async () => {
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers and deploys the tenant through admin, as the registration service does. */
async function deployTenant(config) {
  const admin = createAdminClient(adminBaseUrl(config), await readServiceCredential(config, 'registration'));
  const registered = await admin.request('POST', '/v1/registrations', {
    organisation: 'Ekviks kommun',
    tenantName: TENANT,
    contactEmail: ADMINISTRATOR,
    contactMobile: '+46 70 123 45 67',
    locale: 'en',
  });
  if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${JSON.stringify(registered.body)}`);
  const started = await admin.request('POST', '/v1/deployments', { token: registered.body.deploymentToken });
  if (started.status !== 202) throw new Error(`deployment failed to start: ${started.status} ${JSON.stringify(started.body)}`);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const status = await admin.request('GET', `/v1/deployments/${started.body.deploymentId}`);
    if (status.body.failed) throw new Error(`deployment failed: ${JSON.stringify(status.body)}`);
    if (status.body.finished) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('deployment did not finish within 120 s');
}

/** Waits for an e-mail to `recipient` in the platform's outbox whose text matches `pattern`. */
async function waitForMail(config, recipient, pattern) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const files = (await readdir(config.mail.outboxDir).catch(() => [])).filter((file) => file.endsWith('.eml')).sort().reverse();
    for (const file of files) {
      const message = await simpleParser(await readFile(path.join(config.mail.outboxDir, file)));
      const to = Array.isArray(message.to) ? message.to.map((address) => address.text).join(', ') : (message.to?.text ?? '');
      const match = to.includes(recipient) ? (message.text ?? '').match(pattern) : null;
      if (match) return match[0];
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no e-mail to ${recipient} matching ${pattern} within ${WAIT_MS} ms`);
}

/** Returns the TOTP code of the next time step, so that it differs from a code used a moment before. */
function nextTotpCode(secret) {
  return authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret);
}

function imagePath(language, name) {
  return path.join(IMAGES_DIR, language, `${name}.png`);
}

/**
 * Waits until the bars of the charts stop moving, because the chart library
 * animates them in. Gives up quietly after a few seconds: a still-moving bar
 * makes a worse image, not a wrong one.
 */
async function waitForStillCharts(page) {
  let previous = '';
  let unchanged = 0;
  for (let poll = 0; poll < 50 && unchanged < 3; poll += 1) {
    const shapes = await page.locator('.recharts-surface path, .recharts-surface rect').evaluateAll((nodes) =>
      nodes.map((node) => `${node.getAttribute('d') ?? ''}${node.getAttribute('width') ?? ''}${node.getAttribute('height') ?? ''}`).join('|'),
    );
    unchanged = shapes === previous ? unchanged + 1 : 0;
    previous = shapes;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Returns the rendered text of the page without the audit log's table, whose
 * action codes (`object.updated`) look like translation keys. The rendered
 * text puts line breaks between blocks, so a sentence ending in "object."
 * does not run into the next block's first word and look like a key.
 */
function visibleText(page) {
  return page.locator('body').evaluate((body) => {
    let text = body.innerText;
    for (const table of body.querySelectorAll('[data-testid="audit-table"]')) text = text.replace(table.innerText, '');
    return text;
  });
}

/** Saves a screenshot of the viewport, or of the whole page when `fullPage` is set, and reports its size. */
async function saveImage(page, language, name, { fullPage = false } = {}) {
  const file = imagePath(language, name);
  await mkdir(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage });
  const { size } = await stat(file);
  const warning = size > MAX_IMAGE_BYTES ? ` (larger than ${MAX_IMAGE_BYTES / 1024} KB)` : '';
  progress(`wrote ${path.relative(ROOT, file)}, ${Math.round(size / 1024)} KB${warning}`);
}

/**
 * Takes one screenshot per language of the signed-in page at `pagePath`,
 * each in the browser of a user whose account has that language (`pages`
 * maps language to page). `ready` is a selector that shows the page has its
 * data; `prepare` can act on the page (scroll, choose, print) before the
 * screenshot. A failure is recorded and the run goes on with the next page.
 */
async function shoot(pages, origin, name, pagePath, ready, prepare) {
  if (onlyPages.size > 0 && !onlyPages.has(name)) return;
  for (const language of LANGUAGES) {
    const page = pages[language];
    try {
      await page.goto(`${origin}${pagePath}`);
      await page.locator(`html[lang="${language}"]`).waitFor({ timeout: WAIT_MS });
      await page.locator('main h1').first().waitFor({ timeout: WAIT_MS });
      await page.locator(ready).first().waitFor({ timeout: WAIT_MS });
      await waitForStillCharts(page);
      if (prepare) await prepare(page, language);
      const untranslated = new Set((await visibleText(page)).match(UNTRANSLATED_KEY) ?? []);
      if (untranslated.size > 0) {
        warnings.push(`${name} (${language}) shows untranslated keys: ${[...untranslated].join(', ')}`);
      }
      await saveImage(page, language, name);
    } catch (error) {
      failures.push(`${name} (${language}): ${error.message.split('\n')[0]}`);
      progress(`FAILED ${name} (${language}): ${error.message.split('\n')[0]}`);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  }
}

/** Sends an API request from the signed-in page with its own access token and returns the parsed body. */
function createApi(page) {
  let token;
  let tokenAt = 0;
  return async function api(method, requestPath, body, contentType = 'application/json') {
    // Access tokens expire after 15 minutes, so a fresh one from the refresh cookie is fetched well before that.
    if (Date.now() - tokenAt > 5 * 60_000) {
      token = await page.evaluate(async () => {
        const response = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
        return (await response.json()).accessToken;
      });
      tokenAt = Date.now();
    }
    let sent = body;
    if (body !== undefined && typeof body !== 'string') sent = JSON.stringify(body);
    const { status, text } = await page.evaluate(
      async ({ method, requestPath, sent, contentType, token }) => {
        const headers = { Authorization: `Bearer ${token}` };
        if (sent !== undefined) headers['Content-Type'] = contentType;
        const response = await fetch(requestPath, { method, headers, body: sent });
        return { status: response.status, text: await response.text() };
      },
      { method, requestPath, sent, contentType, token },
    );
    if (status >= 300) throw new Error(`${method} ${requestPath} failed: ${status} ${text.slice(0, 300)}`);
    if (text === '') return undefined;
    // Imports respond with NDJSON progress lines, and the last line is the result.
    return JSON.parse(text.trim().split('\n').at(-1));
  };
}

/** Creates the municipality model and both requirement sets, and returns the ids that the screenshots need. */
async function seedModel(api) {
  const ids = {};
  for (const [key, type, name, description, attributes] of OBJECTS) {
    ids[key] = (await api('POST', '/api/objects', { type, name, description, attributes })).id;
  }
  progress(`created ${OBJECTS.length} objects`);
  for (const [source, type, target] of RELATIONS) {
    await api('POST', '/api/relations', { type, sourceId: ids[source], targetId: ids[target] });
  }
  progress(`created ${RELATIONS.length} relations`);
  for (const [object, dimension, level, justification] of LEVELS) {
    await api('PUT', `/api/objects/${ids[object]}/classification/${dimension}`, { level, justification });
  }
  progress(`set ${LEVELS.length} classification levels`);

  const catalog = await api('POST', '/api/requirement-sets/imports/oscal', await readFile(OSCAL_CATALOG, 'utf8'), 'application/xml');
  if (catalog.phase !== 'finished') throw new Error(`OSCAL import did not finish: ${JSON.stringify(catalog)}`);
  ids.requirementSet = catalog.setId;
  await api('POST', `/api/requirement-sets/${catalog.setId}/applicability-rules`, { objectTypes: ['application'] });
  progress(`imported the NIST CSF 2.0 catalog with ${catalog.requirements} requirements`);

  for (const [object, batches] of Object.entries(STATEMENTS)) {
    const { missing } = await api('GET', `/api/objects/${ids[object]}/statements`);
    let next = 0;
    for (const [status, count, details] of batches) {
      const items = missing.slice(next, next + count).map((requirement) => ({ objectId: ids[object], requirementId: requirement.id }));
      next += count;
      await api('POST', '/api/statements/bulk', { status, ...details, items });
    }
  }
  progress('set compliance statements');

  await seedManualSet(api, ids);
  return ids;
}

/** Creates the requirement set maintained by hand, with its requirements, rules and a few statements. */
async function seedManualSet(api, ids) {
  const set = await api('POST', '/api/requirement-sets', { name: MANUAL_SET.name, description: MANUAL_SET.description });
  ids.manualSet = set.id;
  const requirementIds = {};
  for (const [key, kind, identifier, title, statement, parent] of MANUAL_SET.requirements) {
    const body = { kind, identifier, title };
    if (statement !== null) body.statement = statement;
    if (parent !== null) body.parentId = requirementIds[parent];
    requirementIds[key] = (await api('POST', `/api/requirement-sets/${set.id}/requirements`, body)).id;
  }
  for (const rule of MANUAL_SET.setRules) {
    await api('POST', `/api/requirement-sets/${set.id}/applicability-rules`, rule);
  }
  for (const [requirement, rule] of MANUAL_SET.requirementRules) {
    await api('POST', `/api/requirements/${requirementIds[requirement]}/applicability-rules`, rule);
  }
  for (const [object, requirement, status, details] of MANUAL_SET.statements) {
    await api('POST', '/api/statements/bulk', { status, ...details, items: [{ objectId: ids[object], requirementId: requirementIds[requirement] }] });
  }
  ids.manualRuleRequirement = MANUAL_SET.requirements.find(([key]) => key === MANUAL_SET.requirementRules[0][0])[2];
  progress(`created the requirement set ${MANUAL_SET.name} by hand`);
}

/**
 * Accepts an invitation in the browser and saves the invitation, TOTP and
 * recovery-code steps in `language`. Returns the TOTP secret.
 */
async function acceptInvitation(page, invitationUrl, language) {
  await page.goto(invitationUrl);
  await page.getByTestId('invite-password').waitFor({ timeout: WAIT_MS });
  await saveImage(page, language, 'invite-password');
  await page.getByTestId('invite-password').fill(PASSWORD);
  await page.getByTestId('invite-password-confirm').fill(PASSWORD);
  await page.getByTestId('invite-password-submit').click();
  const totpSecret = (await page.getByTestId('totp-secret').textContent({ timeout: WAIT_MS })).replace(/\s+/g, '');
  await saveImage(page, language, 'invite-totp');
  await page.getByTestId('invite-totp-code').fill(authenticator.generate(totpSecret));
  await page.getByTestId('invite-totp-submit').click();
  await page.getByTestId('recovery-codes').waitFor({ timeout: WAIT_MS });
  await saveImage(page, language, 'recovery-codes');
  await page.getByTestId('recovery-codes-saved').check();
  await page.getByTestId('recovery-codes-continue').click();
  await page.getByTestId('invite-success').waitFor({ timeout: WAIT_MS });
  return totpSecret;
}

/** Signs in through the sign-in page with a TOTP code and saves both steps in `language`. */
async function signIn(page, origin, email, totpSecret, language) {
  await page.goto(`${origin}/sign-in`);
  await page.getByTestId('sign-in-email').waitFor({ timeout: WAIT_MS });
  await saveImage(page, language, 'sign-in');
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('sign-in-password').fill(PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('sign-in-second-factor').waitFor({ timeout: WAIT_MS });
  const totp = page.getByTestId('sign-in-factor-totp');
  if ((await totp.count()) > 0) await totp.check();
  await saveImage(page, language, 'sign-in-second-factor');
  await page.getByTestId('sign-in-code').fill(nextTotpCode(totpSecret));
  await page.getByTestId('sign-in-code-submit').click();
  await page.getByTestId('nav-objects').waitFor({ timeout: WAIT_MS });
}

/** Scrolls the first element matching `selector` to the top of the viewport. */
function scrollTo(selector) {
  return async (page) => {
    await page.locator(selector).first().evaluate((element) => element.scrollIntoView({ block: 'start' }));
  };
}

/**
 * Starts an edit of the object's description on the page, saves another
 * description through the API in between, as a colleague would, and then
 * saves the edit, so that the page shows the conflict.
 */
function showConflict(objectId) {
  return async (page) => {
    const api = createApi(page);
    await page.getByTestId('edit-object-description').fill('Ansökan, granskning, beslut och expediering av bygglov.');
    const current = await api('GET', `/api/objects/${objectId}`);
    const theirs = `Ansökan, granskning och beslut om bygglov, rivningslov och marklov (version ${current.version + 1}).`;
    await api('PATCH', `/api/objects/${objectId}`, { version: current.version, description: theirs });
    await page.getByTestId('object-description').filter({ hasText: theirs }).waitFor({ timeout: WAIT_MS });
    await page.getByTestId('edit-object-submit').click();
    await page.getByTestId('edit-object-conflict').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('edit-object-conflict').evaluate((element) => element.scrollIntoView({ block: 'start' }));
  };
}

async function shootSignedInPages(pages, origin, ids) {
  const application = `/objects/${ids.verksamhetssystem_social}`;
  await shoot(pages, origin, 'home', '/', '[data-testid="type-list"]');
  await shoot(pages, origin, 'object-list', '/objects?type=application', '[data-testid="object-row"]');
  await shoot(pages, origin, 'object-search', '/objects?q=elev', '[data-testid="object-row"]');
  await shoot(pages, origin, 'object', application, '[data-testid="object-attributes"]');
  await shoot(pages, origin, 'object-relations', application, '[data-testid="relation-row"]', scrollTo('#incoming-heading'));
  await shoot(pages, origin, 'object-classification', application, '[data-testid="classification-path"]', scrollTo('[data-testid="classification"]'));
  await shoot(pages, origin, 'information-object', `/objects/${ids.personakt}`, '[data-testid="classification-table"]', scrollTo('[data-testid="classification"]'));

  await shoot(pages, origin, 'object-attributes', application, '[data-testid="object-attributes"]', scrollTo('#attributes-heading'));
  await shoot(pages, origin, 'object-history', `/objects/${ids.personakt}`, '[data-testid="history-entry"]', scrollTo('[data-testid="history"]'));
  await shoot(pages, origin, 'edit-conflict', `/objects/${ids.bygglov}`, '[data-testid="edit-object-description"]', showConflict(ids.bygglov));

  await shoot(pages, origin, 'graph-settings', `${application}/graph`, '[data-testid="graph-canvas"] canvas');
  await shoot(pages, origin, 'graph', `${application}/graph`, '[data-testid="graph-canvas"] canvas', scrollTo('[data-testid="graph-canvas"]'));
  await shoot(pages, origin, 'graph-by-level', `${application}/graph`, '[data-testid="graph-canvas"] canvas', async (graphPage) => {
    await graphPage.getByTestId('graph-colour-level').check();
    await graphPage.getByTestId('graph-legend').locator('li').nth(1).waitFor({ timeout: WAIT_MS });
    await scrollTo('[data-testid="graph-canvas"]')(graphPage);
  });

  await shoot(pages, origin, 'classification-overview', '/classification', '[data-testid="overview-table"]');
  await shoot(pages, origin, 'classification-cycles', '/classification', '[data-testid="cycle"]', scrollTo('[data-testid="cycles"]'));
  await shoot(pages, origin, 'requirement-sets', '/requirements', '[data-testid="requirement-set-row"]');
  await shoot(pages, origin, 'requirement-set', `/requirements/${ids.requirementSet}`, '[data-testid="requirement-node"]');
  await shoot(pages, origin, 'requirement-set-print', `/requirements/${ids.requirementSet}`, '[data-testid="requirement-node"]', async (reportPage) => {
    await reportPage.emulateMedia({ media: 'print' });
  });
  const manualSet = `/requirements/${ids.manualSet}`;
  await shoot(pages, origin, 'requirement-set-manual', manualSet, '[data-testid="requirement-node"]');
  await shoot(pages, origin, 'requirement-add', manualSet, '[data-testid="requirement-node"]', async (setPage) => {
    await setPage.getByTestId('requirement-add').click();
    await setPage.getByTestId('requirement-form').waitFor({ timeout: WAIT_MS });
    await scrollTo('#set-tree-heading')(setPage);
  });
  await shoot(pages, origin, 'requirement-rules', manualSet, '[data-testid="requirement-node"]', async (setPage) => {
    const node = setPage.locator(`[data-testid="requirement-node"][data-identifier="${ids.manualRuleRequirement}"]`);
    await node.getByTestId('requirement-rules-toggle').first().click();
    await node.getByTestId('rule').first().waitFor({ timeout: WAIT_MS });
    await node.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  });
  await shoot(pages, origin, 'applicability-rules', manualSet, '[data-testid="set-rules"] [data-testid="rule"]', scrollTo('[data-testid="set-rules"]'));
  await shoot(pages, origin, 'requirement-set-delete', manualSet, '[data-testid="requirement-node"]', async (setPage) => {
    await setPage.getByTestId('set-delete').click();
    await setPage.getByTestId('set-delete-counts').waitFor({ timeout: WAIT_MS });
  });
  await shoot(pages, origin, 'statements', `${application}/statements`, '[data-testid="statement-form"]');
  await shoot(pages, origin, 'statements-table', `${application}/statements`, '[data-testid="statement-row"]', scrollTo('[data-testid="statement-table"]'));
  await shoot(pages, origin, 'organisation-unit-gap', `/objects/${ids.socialforvaltningen}/statements`, '[data-testid="unit-gap-section"]');

  await shoot(pages, origin, 'import', '/import', '[data-testid="import-file"]');
  await shoot(pages, origin, 'import-preview', '/import', '[data-testid="import-file"]', async (importPage) => {
    await importPage.getByTestId('import-file').setInputFiles(ARCHIMATE_MODEL);
    await importPage.getByTestId('import-preview').click();
    await importPage.getByTestId('import-preview-result').first().waitFor({ timeout: WAIT_MS });
    await scrollTo('[data-testid="import-preview-result"]')(importPage);
  });
  await shoot(pages, origin, 'import-administrator', '/import', '[data-testid="oscal-import"]', scrollTo('[data-testid="csv-import"]'));
  await shoot(pages, origin, 'export', '/export', '[data-testid="export-model"]');
  await shoot(pages, origin, 'users', '/users', '[data-testid="user-row"]');
  await shoot(pages, origin, 'meta-model', '/admin/meta-model', '[data-testid="object-type-row"]');
  await shoot(pages, origin, 'classification-scale', '/admin/classification-scale', '[data-testid="scale-dimension"]');
  await shoot(pages, origin, 'audit', '/audit', '[data-testid="audit-row"]');
  await shoot(pages, origin, 'account', '/account', '[data-testid="account-profile-form"]');
}

async function main() {
  await requireBuild();
  const started = Date.now();
  progress('starting the platform on loopback');
  const platform = await startLocalPlatform();
  let browser;
  try {
    await deployTenant(platform.config);
    const origin = tenantOrigin(platform.config, TENANT);
    progress(`deployed ${origin}`);

    browser = await chromium.launch({
      executablePath: process.env.ESM_CHROMIUM ?? '/usr/bin/chromium',
      // The background-networking flags keep Chromium from calling Google's hosts.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    // The gateway's certificate comes from the platform's own CA, which this throwaway profile does not trust.
    const english = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', viewport: VIEWPORT });
    const page = await english.newPage();
    const administratorSecret = await acceptInvitation(page, await waitForMail(platform.config, ADMINISTRATOR, INVITATION_LINK), 'en');
    await signIn(page, origin, ADMINISTRATOR, administratorSecret, 'en');
    progress('signed in as the first administrator');

    const api = createApi(page);
    const ids = await seedModel(api);
    await api('POST', '/api/users/invitations', { email: SECOND_USER, accessLevel: 'admin', mobile: '+46 70 765 43 21', locale: 'sv' });

    // The second administrator's account is in Swedish, so she takes the
    // Swedish screenshots. Switching the language in one browser instead
    // would store each switch on the account and fill the audit log.
    const swedish = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'sv-SE', viewport: VIEWPORT });
    const swedishPage = await swedish.newPage();
    const secondSecret = await acceptInvitation(swedishPage, await waitForMail(platform.config, SECOND_USER, INVITATION_LINK), 'sv');
    await signIn(swedishPage, origin, SECOND_USER, secondSecret, 'sv');
    progress('signed in as the second administrator, in Swedish');

    await shootSignedInPages({ en: page, sv: swedishPage }, origin, ids);
  } finally {
    await browser?.close();
    await platform.stop();
  }
  progress(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  if (warnings.length > 0) {
    console.warn(`[guide-screenshots] ${warnings.length} warning(s):\n  ${warnings.join('\n  ')}`);
  }
  if (failures.length > 0) {
    console.error(`[guide-screenshots] ${failures.length} page(s) failed:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`[guide-screenshots] failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
