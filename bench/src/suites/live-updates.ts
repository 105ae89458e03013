import { performance } from 'node:perf_hooks';
import pg from 'pg';
import WebSocket from 'ws';
import { CHANGE_CHANNEL } from '@esm/tenant/dist/live/notify.js';
import { figure, round, type Figure } from '../figures.js';
import { formatCount, progress } from '../progress.js';
import { DurationRecorder } from '../statistics.js';
import { pickObjects, type ModelTenant, type SuiteContext } from './context.js';

const SUITE = 'live';
const CLIENTS = 200;
const DELIVERY_TIMEOUT_MS = 5_000;
const PAUSE_BETWEEN_COMMITS_MS = 100;

interface LiveClient {
  socket: WebSocket;
  /** Called with each `changed` message and the time it arrived. */
  onChange?: (message: { id?: string; version?: number }, receivedAt: number) => void;
}

/**
 * Connects 200 WebSocket clients to /api/live, commits object changes with
 * the app login as the tenant's routes do (an UPDATE and a pg_notify in one
 * transaction), and times each client's receipt from the moment COMMIT
 * returned. Clients and committer run in the benchmark process and the
 * server in the tenant process, so both clocks are the same machine's.
 */
export async function runLiveSuite(context: SuiteContext): Promise<Figure[]> {
  const model = await context.modelTenant();
  const commits = context.scale.quick ? 10 : 50;

  const connectStart = performance.now();
  const clients = await connectClients(model);
  const connectMs = performance.now() - connectStart;
  progress(SUITE, `${CLIENTS} clients connected and authenticated in ${round(connectMs / 1000, 2)} s`);

  const latency = new DurationRecorder();
  let missing = 0;
  let early = 0;
  const committer = new pg.Client({ ...model.tenant.secret.database.app, application_name: 'esm-bench-live' });
  await committer.connect();
  try {
    const ids = pickObjects(model.model, commits, ['application']);
    for (const [index, id] of ids.entries()) {
      const outcome = await commitAndWait(committer, clients, id, index);
      for (const receivedAt of outcome.receipts) {
        const delay = receivedAt - outcome.committedAt;
        if (delay < 0) early += 1;
        latency.recordMs(delay);
      }
      missing += CLIENTS - outcome.receipts.length;
      if ((index + 1) % 10 === 0) progress(SUITE, `${index + 1} of ${commits} commits delivered`);
      await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_COMMITS_MS));
    }
  } finally {
    await committer.end();
    for (const client of clients) client.socket.close();
  }

  const summary = latency.summary();
  return [
    figure({
      id: 'live.delivery',
      suite: SUITE,
      label: `Live update from commit to delivery, ${CLIENTS} connected clients`,
      result: `p95 ${round(summary.p95Ms)} ms (p50 ${round(summary.p50Ms)}, p99 ${round(summary.p99Ms)}, max ${round(summary.maxMs)} ms) over ${formatCount(summary.count)} deliveries${missing > 0 ? `; ${formatCount(missing)} missing` : ''}`,
      measurements: { p50Ms: summary.p50Ms, p95Ms: summary.p95Ms, p99Ms: summary.p99Ms, maxMs: summary.maxMs, deliveries: summary.count, missing, commits },
      target: { measurement: 'p95Ms', name: 'p95', comparison: 'at most', value: 100, unit: 'ms' },
      method: {
        timed: `from the moment COMMIT returned to the committing connection until each client's 'message' event, per client; the transaction updates one object and runs pg_notify('${CHANGE_CHANNEL}') with the notice an object update sends, through the tenant's LISTEN connection and WebSocket fan-out`,
        samples: `${commits} commits × ${CLIENTS} clients, one commit at a time, ${PAUSE_BETWEEN_COMMITS_MS} ms apart`,
        warmUp: 'none beyond connecting',
        concurrency: `${CLIENTS} WebSocket clients on the tenant process, all in the benchmark process`,
        notes: `Connecting and authenticating all clients took ${round(connectMs)} ms. ${early} deliveries arrived before COMMIT returned to the committer and count as 0 ms.`,
      },
    }),
  ];
}

async function connectClients(model: ModelTenant): Promise<LiveClient[]> {
  const clients: LiveClient[] = [];
  // In groups, so the tenant's connection backlog is not the thing measured.
  for (let start = 0; start < CLIENTS; start += 50) {
    const group = await Promise.all(Array.from({ length: Math.min(50, CLIENTS - start) }, () => connectClient(model)));
    clients.push(...group);
  }
  return clients;
}

/** Opens one socket with the tenant's Origin, sends the auth message with a token of its own and waits for `authenticated`. */
async function connectClient(model: ModelTenant): Promise<LiveClient> {
  const token = await model.tenant.signToken(model.reader);
  const socket = new WebSocket(`ws://127.0.0.1:${model.server.port}/api/live`, { headers: { origin: model.tenant.secret.origin } });
  const client: LiveClient = { socket };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a live client was not authenticated within 10 s')), 10_000);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
    socket.once('close', (code) => reject(new Error(`the tenant closed a live connection with code ${code}`)));
    socket.on('message', (data) => {
      const receivedAt = performance.now();
      const message = JSON.parse(String(data)) as { type: string; id?: string; version?: number };
      if (message.type === 'authenticated') {
        clearTimeout(timer);
        resolve();
      } else if (message.type === 'changed') {
        client.onChange?.(message, receivedAt);
      }
    });
  });
  return client;
}

/** Commits one change of `id` and waits until every client received its notice or DELIVERY_TIMEOUT_MS passed. */
async function commitAndWait(
  committer: pg.Client,
  clients: LiveClient[],
  id: string,
  index: number,
): Promise<{ committedAt: number; receipts: number[] }> {
  const receipts: number[] = [];
  let version = -1;
  let allReceived: () => void = () => undefined;
  const delivered = new Promise<void>((resolve) => {
    allReceived = resolve;
  });
  for (const client of clients) {
    client.onChange = (message, receivedAt) => {
      if (message.id !== id || message.version !== version) return;
      receipts.push(receivedAt);
      if (receipts.length === clients.length) allReceived();
    };
  }

  await committer.query('BEGIN');
  const updated = await committer.query<{ version: number }>(
    'UPDATE esm.objects SET description = $2, version = version + 1, updated_at = now() WHERE id = $1 RETURNING version',
    [id, `Ändrad av prestandatestet för liveuppdateringar (${index + 1}).`],
  );
  version = updated.rows[0]!.version;
  await committer.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify({ entity: 'object', action: 'updated', id, version })]);
  await committer.query('COMMIT');
  const committedAt = performance.now();

  let timer: NodeJS.Timeout | undefined;
  await Promise.race([delivered, new Promise<void>((resolve) => (timer = setTimeout(resolve, DELIVERY_TIMEOUT_MS)))]);
  clearTimeout(timer);
  for (const client of clients) client.onChange = undefined;
  return { committedAt, receipts };
}
