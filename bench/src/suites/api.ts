import { performance } from 'node:perf_hooks';
import type autocannon from 'autocannon';
import { figure, round, type Figure, type Method } from '../figures.js';
import { countFailures, runLoad, type LoadResult } from '../http-load.js';
import { formatCount, progress } from '../progress.js';
import { DurationRecorder, type DurationSummary } from '../statistics.js';
import { pickObjects, type ModelTenant, type SuiteContext } from './context.js';

const SUITE = 'api';

/** Filtered and sorted list pages that a user of a large model opens; a load run takes them in turn. */
const LIST_QUERIES: [string, string][] = [
  ['applications in use, by name', 'type=application&attribute.lifecycle=in_use&sort=name&limit=50'],
  ['servers, newest first', 'type=server&sort=-updatedAt&limit=50'],
  ['applications with 100 to 2,000 users, by name', 'type=application&attribute.user_count.min=100&attribute.user_count.max=2000&sort=name&limit=50'],
];

/** A full-text search with a word that occurs in about 12,000 objects, so the list reads in name order and filters. */
const SEARCH_QUERIES: [string, string][] = [['information objects matching "kund", by name', 'type=information_object&q=kund&sort=name&limit=50']];

const LIST_TARGET = { measurement: 'p95Ms', name: 'p95', comparison: 'at most', value: 30, unit: 'ms' } as const;

/** Reads objects, lists pages and changes objects through the tenant process of the seeded model. */
export async function runApiSuite(context: SuiteContext): Promise<Figure[]> {
  const model = await context.modelTenant();
  const read = await measureReads(context, model);
  const list = await measureLists(context, model, 'api.list', 'List page of 50 filtered and sorted objects (GET /api/objects)', LIST_QUERIES);
  const search = await measureLists(context, model, 'api.search', 'List page of 50 found by full-text search (GET /api/objects?q=)', SEARCH_QUERIES);
  const update = await measureUpdates(context, model);
  return [read, list, search, update];
}

async function measureReads(context: SuiteContext, model: ModelTenant): Promise<Figure> {
  const ids = pickObjects(model.model, 1_000);
  let next = 0;
  const requests: autocannon.Request[] = [
    { method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/objects/${ids[next++ % ids.length]}` }) },
  ];
  const result = await warmAndRun(context, model, 'reading objects', requests, false);
  return loadFigure('api.read', 'Read one object (GET /api/objects/:id)', result, undefined, {
    ...loadMethod(context, result, 'GET /api/objects/:id as a read user, 1,000 objects of every type in turn; the response includes the object\'s relations'),
  });
}

async function measureLists(context: SuiteContext, model: ModelTenant, id: string, label: string, queries: [string, string][]): Promise<Figure> {
  let next = 0;
  const requests: autocannon.Request[] = [
    { method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/objects?${queries[next++ % queries.length]![1]}` }) },
  ];
  const result = await warmAndRun(context, model, `${id}: pages of 50`, requests, false);

  progress(SUITE, `${id}: timing each list on its own, one request at a time`);
  const token = await model.tenant.signToken(model.reader);
  const perQuery: Record<string, DurationSummary> = {};
  for (const [name, query] of queries) {
    perQuery[name] = await timeSequentially(`${model.server.baseUrl}/api/objects?${query}`, token, context.scale.quick ? 20 : 100);
  }
  const alone = Object.entries(perQuery)
    .map(([name, summary]) => `${name}: p50 ${round(summary.p50Ms)}, p95 ${round(summary.p95Ms)} ms`)
    .join('; ');
  const method = loadMethod(context, result, `GET /api/objects as a read user, the first page of ${queries.length === 1 ? 'one list' : `${queries.length} lists in turn`}: ${queries.map(([name, query]) => `${name} (${query})`).join('; ')}`);
  method.notes = `Each list on its own, one request at a time (${context.scale.quick ? 20 : 100} requests after a tenth as many for warm-up): ${alone}.`;
  return loadFigure(id, label, result, LIST_TARGET, method, { listsOneAtATime: perQuery });
}

async function measureUpdates(context: SuiteContext, model: ModelTenant): Promise<Figure> {
  // Two sets of objects: a warm-up request still in flight when its run stops
  // could otherwise change an object after the timed run read its version.
  const ids = pickObjects(model.model, 2_000, ['application']);
  const stored = await model.tenant.owner.query<{ id: string; version: number }>('SELECT id, version FROM esm.objects WHERE id = ANY($1::uuid[])', [ids]);
  const versions = new Map(stored.rows.map((row) => [row.id, row.version]));
  const result = await warmAndRun(context, model, 'changing objects', updateRequests(ids.slice(0, 1_000), versions), true, updateRequests(ids.slice(1_000), versions));
  return loadFigure('api.update', 'Change one object with its version (PATCH /api/objects/:id)', result, undefined, {
    ...loadMethod(
      context,
      result,
      'PATCH /api/objects/:id as a write user with { version, description }, 1,000 applications in turn (another 1,000 for the warm-up), each naming the version of its last response; each change checks the attributes, writes an audit entry and queues a change notice',
    ),
  });
}

/** PATCH requests that change the objects in turn, each naming the version that the object's last response returned. */
function updateRequests(ids: string[], versions: Map<string, number>): autocannon.Request[] {
  let next = 0;
  let change = 0;
  return [
    {
      method: 'PATCH',
      setupRequest: (request, requestContext) => {
        const id = ids[next++ % ids.length]!;
        (requestContext as { objectId?: string }).objectId = id;
        change += 1;
        return { ...request, path: `/api/objects/${id}`, body: JSON.stringify({ version: versions.get(id), description: `Beskrivningen ändrades av prestandatestet (${change}).` }) };
      },
      onResponse: (status, body, requestContext) => {
        const id = (requestContext as { objectId?: string }).objectId;
        if (!id) return;
        const parsed = JSON.parse(body) as { version?: number; error?: { current?: { version?: number } } };
        const version = status === 200 ? parsed.version : parsed.error?.current?.version;
        if (version !== undefined) versions.set(id, version);
      },
    },
  ];
}

/** Runs a warm-up and then the timed run, of the same requests unless `requests` is given, with a fresh token for the user. */
async function warmAndRun(
  context: SuiteContext,
  model: ModelTenant,
  runName: string,
  warmUpRequests: autocannon.Request[],
  write: boolean,
  requests = warmUpRequests,
): Promise<LoadResult> {
  const { scale } = context;
  const token = await model.tenant.signToken(write ? model.writer : model.reader);
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(write ? { 'content-type': 'application/json' } : {}) };
  const load = { baseUrl: model.server.baseUrl, connections: scale.connections, headers };
  progress(SUITE, `${runName}: warming up for ${scale.warmUpSeconds} s`);
  await runLoad({ ...load, requests: warmUpRequests, durationSeconds: scale.warmUpSeconds });
  progress(SUITE, `${runName}: measuring for ${scale.runSeconds} s with ${scale.connections} connections`);
  const result = await runLoad({ ...load, requests, durationSeconds: scale.runSeconds });
  progress(SUITE, `${runName}: ${formatCount(Math.round(result.requestsPerSecond))} requests/s, p95 ${round(result.latency.p95Ms)} ms`);
  return result;
}

function loadMethod(context: SuiteContext, result: LoadResult, timed: string): Method {
  const { scale } = context;
  return {
    timed: `${timed}; over HTTP on 127.0.0.1 against the tenant process; each response from request written to last byte (autocannon)`,
    samples: `${formatCount(result.requests)} requests in ${scale.runSeconds} s`,
    warmUp: `${scale.warmUpSeconds} s of the same requests`,
    concurrency: `${scale.connections} connections, each sending its next request when the previous response has arrived`,
  };
}

function loadFigure(
  id: string,
  label: string,
  result: LoadResult,
  target: Figure['target'],
  method: Method,
  details: Record<string, unknown> = {},
): Figure {
  const failures = countFailures(result);
  const { latency } = result;
  return figure({
    id,
    suite: SUITE,
    label,
    result: `${formatCount(Math.round(result.requestsPerSecond))} requests/s; p50 ${round(latency.p50Ms)}, p95 ${round(latency.p95Ms)}, p99 ${round(latency.p99Ms)} ms${failures > 0 ? `; ${formatCount(failures)} failed` : ''}`,
    measurements: {
      requestsPerSecond: result.requestsPerSecond,
      p50Ms: latency.p50Ms,
      p95Ms: latency.p95Ms,
      p99Ms: latency.p99Ms,
      maxMs: latency.maxMs,
      requests: result.requests,
      failures,
    },
    ...(target ? { target } : {}),
    method,
    details: { statuses: result.statuses, connectionErrors: result.errors, ...details },
  });
}

/** Sends `count` requests one after another after 10 % as many for warm-up, and summarises their times. */
async function timeSequentially(url: string, token: string, count: number): Promise<DurationSummary> {
  const recorder = new DurationRecorder();
  const warmUp = Math.max(1, Math.round(count / 10));
  for (let index = 0; index < warmUp + count; index += 1) {
    const start = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`GET ${url} responded with ${response.status}`);
    if (index >= warmUp) recorder.recordMs(performance.now() - start);
  }
  return recorder.summary();
}
