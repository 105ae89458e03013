import diagnostics from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '../../services/tenant/src/auth/access-token.js';
import { loadTenantKeys } from '../../services/tenant/src/auth/signing-keys.js';
import { createRequirementSetThroughApi } from '../../services/tenant/src/test-support/requirements.js';
import {
  bearer,
  createTestSession,
  createTestTenant,
  createUserWithToken,
  invitationTokenFrom,
  readOutbox,
  type TestTenant,
} from '../../services/tenant/src/test-support/tenant-fixture.js';
import { buildRawBodies, requestsFor, type FuzzRequest, type FuzzRoute, type KnownValues } from '../support/reliability-fuzz-inputs.js';
import { findLeaks } from '../support/reliability-leaks.js';
import { changedTables, checksumTables, listTables, type TableChecksums } from '../support/reliability-tables.js';

/** Generated requests per route. ESM_FUZZ_RUNS raises it for a longer search. */
const RUNS_PER_ROUTE = Number(process.env.ESM_FUZZ_RUNS ?? 25);

/** Generated requests per HEAD route, which runs the handler of its GET route. */
const HEAD_RUNS = Math.min(5, RUNS_PER_ROUTE);

/** The fast-check seed of the first route; each later route adds its index. A failure prints it, and ESM_FUZZ_SEED replays the run. */
const SEED = Number(process.env.ESM_FUZZ_SEED ?? Date.now() % 2 ** 31);

/**
 * What a rejected request may still change: the count of failed sign-ins
 * per address and the attempts left on a sign-in challenge, and audit
 * entries that record a failed or locked sign-in. These are security
 * records that exist because a request was rejected. No model data, user,
 * session or other audit entry may change.
 */
const SECURITY_RECORD_TABLES: readonly string[] = ['sign_in_failures', 'sign_in_challenges'];
const SECURITY_AUDIT_ACTIONS: readonly string[] = ['auth.sign-in-failed', 'auth.reauthentication-failed', 'auth.locked'];

/**
 * Headers the gateway sets on every request it forwards, besides the
 * client's address in X-Forwarded-For, which the generator chooses. With
 * them the app treats the request as coming from outside, as in
 * production, so internal routes such as `/metrics` respond as they do to
 * the public.
 */
const GATEWAY_HEADERS = { 'x-forwarded-proto': 'https', 'x-forwarded-port': '443' };

/**
 * Creates the test tenant and records every route its app registers, with
 * an onRoute hook added through Fastify's `fastify.initialization`
 * diagnostics channel: the channel fires when the instance is created,
 * before buildTenantApp registers any route.
 */
async function createTenantRecordingRoutes(): Promise<{ tenant: TestTenant; routes: FuzzRoute[] }> {
  const routes: FuzzRoute[] = [];
  const addRouteHook = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    fastify.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) {
        routes.push({ method, url: route.url, schema: route.schema as FuzzRoute['schema'], websocket: route.websocket === true });
      }
    });
  };
  diagnostics.subscribe('fastify.initialization', addRouteHook);
  try {
    const tenant = await createTestTenant('fuzz');
    return { tenant, routes };
  } finally {
    diagnostics.unsubscribe('fastify.initialization', addRouteHook);
  }
}

/** Creates objects, relations, a requirement set and a second user through the API, and returns their ids and keys. */
async function seedModel(tenant: TestTenant, adminToken: string): Promise<KnownValues> {
  const post = async (url: string, payload: object) => {
    const response = await tenant.app.inject({ method: 'POST', url, headers: bearer(adminToken), payload });
    if (response.statusCode !== 201) throw new Error(`seeding ${url} failed: ${response.statusCode} ${response.body}`);
    return response.json() as { id: string };
  };
  const application = await post('/api/objects', { type: 'application', name: 'Ledger', attributes: { lifecycle: 'in_use', user_count: 40 } });
  const database = await post('/api/objects', { type: 'application', name: 'Ledger database' });
  const information = await post('/api/objects', { type: 'information_object', name: 'Invoices' });
  const unit = await post('/api/objects', { type: 'organisation_unit', name: 'Finance' });
  const relation = await post('/api/relations', { type: 'depends_on', sourceId: application.id, targetId: database.id });
  await post('/api/relations', { type: 'handled_in', sourceId: information.id, targetId: application.id });
  const set = await createRequirementSetThroughApi(tenant, adminToken, 'Baseline', [{ identifier: 'AC-1', kind: 'group', children: [{ identifier: 'AC-1.1' }] }]);
  const writer = await createUserWithToken(tenant, 'write');
  const [invitation] = await readOutbox(tenant.outbox);

  return {
    ids: [application.id, database.id, information.id, unit.id, relation.id, set.setId, ...Object.values(set.ids), writer.id],
    keys: ['application', 'process', 'information_object', 'depends_on', 'lifecycle', 'user_count', 'confidentiality', 'objects', 'relations'],
    tokens: invitation ? [invitationTokenFrom(invitation.text)] : [],
  };
}

const { tenant, routes } = await createTenantRecordingRoutes();
const admin = await createUserWithToken(tenant, 'admin');
const known = await seedModel(tenant, admin.token);
const tables = await listTables(tenant.admin);
const rawBodies = buildRawBodies();

/** Responses per route and status, printed with ESM_FUZZ_SUMMARY=1 to see how many requests reached a handler. */
const statusCounts = new Map<string, Record<number, number>>();

afterAll(async () => {
  if (process.env.ESM_FUZZ_SUMMARY === '1') {
    for (const [route, counts] of statusCounts) console.info(route.padEnd(70), JSON.stringify(counts));
  }
  await tenant.close();
});

/** Starts a new session of the admin user and signs a token for it. */
async function startAdminSession(): Promise<{ id: string; authorization: string }> {
  const id = await createTestSession(tenant, admin.id);
  const keys = loadTenantKeys(tenant.secret.signingKeys);
  const { token } = await signAccessToken(keys, { tenant: tenant.name, origin: tenant.secret.origin }, { id: admin.id, email: admin.email, accessLevel: 'admin' }, id);
  return { id, authorization: `Bearer ${token}` };
}

/** Returns whether a session is still valid, because a fuzzed sign-out or session revocation may have ended it. */
async function isSessionValid(id: string): Promise<boolean> {
  const result = await tenant.admin.query('SELECT 1 FROM esm.sessions WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()', [id]);
  return result.rowCount === 1;
}

interface Snapshot {
  tables: TableChecksums;
  lastAuditId: string;
}

async function takeSnapshot(): Promise<Snapshot> {
  const last = await tenant.admin.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM esm.audit_entries');
  return { tables: await checksumTables(tenant.admin, tables), lastAuditId: last.rows[0]!.id };
}

/** Lists what changed between two snapshots beyond the security records that a rejected request may write. */
async function unexpectedChanges(before: Snapshot, after: Snapshot): Promise<string[]> {
  const changes = changedTables(before.tables, after.tables).filter((table) => !SECURITY_RECORD_TABLES.includes(table) && table !== 'audit_entries');
  const added = await tenant.admin.query<{ action: string }>('SELECT action FROM esm.audit_entries WHERE id > $1 ORDER BY id', [before.lastAuditId]);
  for (const { action } of added.rows) {
    if (!SECURITY_AUDIT_ACTIONS.includes(action)) changes.push(`audit entry ${action}`);
  }
  return changes;
}

/** Returns whether a request was rejected: a 4xx status, or an NDJSON import stream that ends with a `failed` line. */
function isRejected(statusCode: number, contentType: string, body: string): boolean {
  if (statusCode >= 400) return true;
  if (!contentType.includes('ndjson')) return false;
  const lastLine = body.trim().split('\n').pop() ?? '';
  try {
    return (JSON.parse(lastLine) as { phase?: string }).phase === 'failed';
  } catch {
    return false;
  }
}

/** Returns the strings a request sent, which a correct response may echo: decoded path and query parts, and the body's string values. */
function echoesOf(request: FuzzRequest): string[] {
  const echoes = request.url.split(/[/?&=]/).map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  const text = request.payload === undefined ? '' : request.payload.toString();
  echoes.push(text);
  try {
    JSON.stringify(JSON.parse(text), (_key, value: unknown) => {
      if (typeof value === 'string') echoes.push(value);
      return value;
    });
  } catch {
    // Not JSON: the text itself is the echo.
  }
  return echoes;
}

/** Returns `error.code` of an error body, or '' when the body is not such JSON. */
function errorCodeOf(body: string): string {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === 'string' ? code : '';
  } catch {
    return '';
  }
}

/**
 * The admin session that requests use, and the snapshot of the tables after
 * the last request, which is the "before" of the next one.
 */
const state = { session: await startAdminSession(), snapshot: await takeSnapshot() };

/**
 * Strings of requests that were accepted. The tenant stored them, so any
 * later response (a list or an export) may return them; they are user
 * data, not a leak.
 */
const storedEchoes: string[] = [];

/** Sends one hostile request as the admin user and checks the response and the database. */
async function sendAndCheck(route: FuzzRoute, request: FuzzRequest): Promise<void> {
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).join(',');
  const before = state.snapshot;

  const response = await tenant.app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: { ...request.headers, ...GATEWAY_HEADERS, authorization: state.session.authorization },
    payload: request.payload,
  });
  const after = await takeSnapshot();
  state.snapshot = after;
  const counts = statusCounts.get(`${route.method} ${route.url}`) ?? {};
  counts[response.statusCode] = (counts[response.statusCode] ?? 0) + 1;
  statusCounts.set(`${route.method} ${route.url}`, counts);

  const contentType = String(response.headers['content-type'] ?? '');
  const context = `replay with ESM_FUZZ_SEED=${SEED}\n${request.description}\n→ ${response.statusCode} ${contentType}\n${response.body.slice(0, 1000)}`;
  expect(response.statusCode, context).toBeLessThan(500);
  expect(findLeaks(response, [...echoesOf(request), ...storedEchoes]), context).toEqual([]);
  if (response.statusCode < 300 && request.method !== 'GET' && request.method !== 'HEAD') storedEchoes.push(...echoesOf(request));
  expect(Object.getOwnPropertyNames(Object.prototype).join(','), `Object.prototype changed\n${context}`).toBe(prototypeKeys);
  // @fastify/websocket responds to a plain GET on a WebSocket-only route itself, with an empty 404.
  if (response.statusCode >= 400 && request.method !== 'HEAD' && !route.websocket) {
    expect(errorCodeOf(response.body), `an error response without a code\n${context}`).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
  }
  if (isRejected(response.statusCode, contentType, response.body)) {
    expect(await unexpectedChanges(before, after), `a rejected request changed data\n${context}`).toEqual([]);
  }

  if (!(await isSessionValid(state.session.id))) {
    state.session = await startAdminSession();
    state.snapshot = await takeSnapshot();
  }
}

describe('hostile input on every route', () => {
  it('finds the routes of the app', () => {
    expect(routes.map((route) => `${route.method} ${route.url}`)).toEqual(expect.arrayContaining(['POST /api/objects', 'PATCH /api/objects/:id', 'POST /api/auth/password']));
  });

  it('sees a change outside the security records', async () => {
    const before = await takeSnapshot();
    await tenant.admin.query(`INSERT INTO esm.objects (type, name) VALUES ('application', 'Written behind the API')`);

    expect(await unexpectedChanges(before, await takeSnapshot())).toEqual(['objects']);
  });

  it('finds a stack trace, SQL and a path in a response', () => {
    const body = JSON.stringify({ error: { message: 'Error: boom\n    at run (/work/main/services/tenant/src/app.ts:1:1)', sql: 'SELECT id FROM esm.users' } });

    const kinds = findLeaks({ headers: { 'x-powered-by': 'Express' }, rawPayload: Buffer.from(body) }).map((leak) => leak.split(':')[0]);

    expect(kinds.sort()).toEqual(['SQL in body', 'file path in body', 'header x-powered-by', 'stack trace in body']);
  });

  for (const [index, route] of routes.entries()) {
    it(`${route.method} ${route.url} survives hostile input`, { timeout: 120_000 }, async () => {
      const seed = SEED + index;
      // A failed check of the previous route may have left the snapshot out of date.
      state.snapshot = await takeSnapshot();
      await fc.assert(
        fc.asyncProperty(requestsFor(route, known, rawBodies), (request) => sendAndCheck(route, request)),
        // Shrinking would send many more requests; the failure message already shows the whole request.
        { numRuns: route.method === 'HEAD' ? HEAD_RUNS : RUNS_PER_ROUTE, seed, endOnFailure: true },
      );
    });
  }
});
