import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '@esm/common';
import { tenantDatabaseNames } from '../../../services/admin/src/provisioning/tenant-database.js';
import { noAcknowledgedWrites } from '../../support/reliability-consistency.js';
import { countConnections, findPortRangeBelowEphemeral, openPlatformSuperuserPool, sendThroughGateway } from '../../support/reliability-platform.js';
import { createModelWorkload, READ_HEAVY_MIX, runConcurrently, type Outcome } from '../../support/reliability-workload.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { deployTenant, registerTenant, signInFirstAdministrator } from '../../support/tenant-flow.js';

/** Tenants under load at the same time; ESM_LOAD_TENANTS lowers it for a quick trial. */
const TENANTS = Number(process.env.ESM_LOAD_TENANTS ?? 50);
/** How long the load runs; ESM_LOAD_SECONDS changes it. */
const LOAD_MS = Number(process.env.ESM_LOAD_SECONDS ?? 60) * 1000;
/** Clients per tenant, each sending its next request when the response to the previous one has arrived. */
const CLIENTS_PER_TENANT = 2;
/** Tenants deployed and signed in at the same time while the test prepares. */
const SETUP_CONCURRENCY = 5;
/**
 * Maximum connections of one tenant: the request pool's `max` of 10 in
 * createAppPool, and the change listener's one connection.
 */
const MAX_CONNECTIONS_PER_TENANT = 11;
/** How long the pools have to close their idle connections after the load: their idle timeout of 30 s, and a margin. */
const SETTLE_TIMEOUT_MS = 45_000;

/** Runs `work` for every item with at most `limit` running at once. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

/** Returns the last lines of a service's or tenant's log file in the platform's log folder. */
async function logTail(platform: TestPlatform, name: string, lines = 20): Promise<string> {
  const log = await readFile(path.join(dataPaths(platform.config).logDir, `${name}.log`), 'utf8').catch(() => '(no log file)');
  return log.trimEnd().split('\n').slice(-lines).join('\n');
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

describe('load on many tenants', () => {
  const tenants = Array.from({ length: TENANTS }, (_, index) => `load-${String(index + 1).padStart(2, '0')}`);
  const databases = tenants.map((tenant) => tenantDatabaseNames(tenant).database);
  const tokens = new Map<string, string>();
  let platform: TestPlatform;
  let superuser: pg.Pool;
  let setupMs: number;

  beforeAll(async () => {
    const startedAt = Date.now();
    // The default test range has only 40 tenant ports, and it lies in the ephemeral range.
    const [firstPort, lastPort] = await findPortRangeBelowEphemeral(TENANTS + 40);
    platform = await startTestPlatform({ ESM_TENANT_PORTS: `${firstPort}-${lastPort}` });
    superuser = await openPlatformSuperuserPool(platform);
    await forEachLimited(tenants, SETUP_CONCURRENCY, async (tenant) => {
      try {
        await deployTenant(platform, await registerTenant(platform, tenant), 300_000);
      } catch (error) {
        const logs = `end of the tenant's log:\n${await logTail(platform, tenant)}\nend of admin's log:\n${await logTail(platform, 'admin')}`;
        throw new Error(`${(error as Error).message}\n${logs}`, { cause: error });
      }
      tokens.set(tenant, await signInFirstAdministrator(platform, tenant));
    });
    setupMs = Date.now() - startedAt;
  });

  afterAll(async () => {
    await superuser?.end();
    await platform?.stop();
  });

  it('serves mixed load without errors or leaks', { timeout: LOAD_MS + 300_000 }, async () => {
    const baseline = await countConnections(superuser, databases);
    const peak = new Map(baseline);
    const clients = tenants.flatMap((tenant) =>
      Array.from({ length: CLIENTS_PER_TENANT }, (_, client) => ({
        tenant,
        workload: createModelWorkload({ send: sendThroughGateway(platform, tenant, tokens.get(tenant)!), acknowledged: noAcknowledgedWrites(), mix: READ_HEAVY_MIX, label: `client ${client}` }),
      })),
    );

    const endAt = Date.now() + LOAD_MS;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const [database, count] of await countConnections(superuser, databases)) peak.set(database, Math.max(peak.get(database) ?? 0, count));
        await sleep(1_000);
      }
    })();
    const outcomes: (Outcome & { tenant: string })[] = [];
    await runConcurrently(clients.length, async (index) => {
      const outcome = await clients[index]!.workload.step();
      outcomes.push({ ...outcome, tenant: clients[index]!.tenant });
      return outcome;
    }, () => Date.now() < endAt);
    sampling = false;
    await sampler;

    const failures = outcomes.filter((outcome) => outcome.status < 200 || outcome.status >= 300);
    const failureLines = failures.slice(0, 20).map((outcome) => `${outcome.tenant} ${outcome.operation}: ${outcome.status} ${outcome.body.slice(0, 200)}`);
    expect(failureLines, `${failures.length} of ${outcomes.length} requests failed`).toEqual([]);

    const overBound = [...peak].filter(([, count]) => count > MAX_CONNECTIONS_PER_TENANT);
    expect(overBound, 'tenants that held more connections than their pool allows').toEqual([]);

    // Idle pool connections close after 30 s; the count must return to where it was before the load.
    let settled = await countConnections(superuser, databases);
    const settleStartedAt = Date.now();
    const grown = () => [...settled].filter(([database, count]) => count > (baseline.get(database) ?? 0));
    while (grown().length > 0 && Date.now() - settleStartedAt < SETTLE_TIMEOUT_MS) {
      await sleep(1_000);
      settled = await countConnections(superuser, databases);
    }
    expect(grown().map(([database, count]) => `${database}: ${baseline.get(database)} before, ${count} after`)).toEqual([]);

    const logErrors: string[] = [];
    for (const tenant of tenants) {
      const log = await readFile(path.join(dataPaths(platform.config).logDir, `${tenant}.log`), 'utf8').catch(() => '');
      // pino writes the level as a number; 50 is error and 60 is fatal.
      logErrors.push(...log.split('\n').filter((line) => /"level":(50|60)\b/.test(line)).map((line) => `${tenant}: ${line.slice(0, 300)}`));
    }
    expect(logErrors.slice(0, 10), `${logErrors.length} error lines in the tenant logs`).toEqual([]);

    const summary = Object.entries(READ_HEAVY_MIX).map(([operation]) => {
      const durations = outcomes.filter((outcome) => outcome.operation === operation).map((outcome) => outcome.durationMs).sort((a, b) => a - b);
      return `${operation}: ${durations.length} requests, p50 ${percentile(durations, 0.5)} ms, p95 ${percentile(durations, 0.95)} ms, p99 ${percentile(durations, 0.99)} ms`;
    });
    const peakTotal = [...peak.values()].reduce((sum, count) => sum + count, 0);
    console.info(
      [
        `load: ${TENANTS} tenants, ${clients.length} clients, ${outcomes.length} requests in ${LOAD_MS / 1000} s (${Math.round(outcomes.length / (LOAD_MS / 1000))} per second); setup took ${Math.round(setupMs / 1000)} s`,
        ...summary,
        `connections per tenant: at most ${Math.max(...peak.values())} during the load (sum of peaks ${peakTotal}), at most ${Math.max(...settled.values())} after`,
      ].join('\n'),
    );
  });
});
