import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, type TestTenant } from '../../services/tenant/src/test-support/tenant-fixture.js';
import { findHalfAppliedChanges, findLostWrites, noAcknowledgedWrites, verifyAuditChainWith } from '../support/reliability-consistency.js';
import { findLeaks } from '../support/reliability-leaks.js';
import { createTenantOnServer, startRestartablePostgres, type RestartablePostgres } from '../support/reliability-postgres.js';
import { createModelWorkload, runConcurrently, WRITE_HEAVY_MIX, type Outcome, type SendRequest } from '../support/reliability-workload.js';

/** Clients sending requests at the same time, each waiting for its response before the next request. */
const CLIENTS = 8;
/** How long each phase lasts: load before the stop, the outage, and load after recovery. */
const PHASE_MS = 2_000;
/** How long the tenant has after PostgreSQL is back until a write succeeds again. */
const RECOVERY_TIMEOUT_MS = 30_000;

/** Formats outcomes for a failure message, one line each. */
function describeOutcomes(outcomes: Outcome[]): string {
  return outcomes
    .slice(0, 20)
    .map((outcome) => `${outcome.operation}: ${outcome.status} ${outcome.body.slice(0, 300)}`)
    .join('\n');
}

describe('PostgreSQL stopped and started under load', () => {
  let postgres: RestartablePostgres;
  let tenant: TestTenant & { baseUrl: string };
  let token: string;

  beforeAll(async () => {
    postgres = await startRestartablePostgres();
    tenant = await createTenantOnServer(postgres.server, 'pgrestart');
    token = (await createUserWithToken(tenant, 'write')).token;
  });

  afterAll(async () => {
    await tenant?.close();
    await postgres?.remove();
  });

  it('returns 503 during outage and recovers', { timeout: 120_000 }, async () => {
    const send: SendRequest = async (method, path, body) => {
      const response = await fetch(`${tenant.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
    };
    const acknowledged = noAcknowledgedWrites();
    const workloads = Array.from({ length: CLIENTS }, (_, client) => createModelWorkload({ send, acknowledged, mix: WRITE_HEAVY_MIX, label: `client ${client}` }));
    let running = true;
    const load = runConcurrently(CLIENTS, (client) => workloads[client]!.step(), () => running);

    await sleep(PHASE_MS);
    await postgres.stop();
    const stoppedAt = Date.now();
    await sleep(PHASE_MS);
    const restartAt = Date.now();
    await postgres.start();
    const startedAt = Date.now();

    // The load's outcomes arrive only at its end, so recovery is watched with requests of its own.
    let recoveredAt = 0;
    while (Date.now() - startedAt < RECOVERY_TIMEOUT_MS) {
      const probe = await send('POST', '/api/objects', { type: 'application', name: 'Recovery probe' });
      if (probe.status === 201) {
        acknowledged.objects.set(JSON.parse(probe.body).id, 1);
        recoveredAt = Date.now();
        break;
      }
      await sleep(100);
    }
    await sleep(PHASE_MS);
    running = false;
    const outcomes = await load;

    expect(recoveredAt, 'no write succeeded after PostgreSQL came back').toBeGreaterThan(0);
    const duringOutage = outcomes.filter((outcome) => outcome.at > stoppedAt && outcome.at < restartAt);
    const afterRecovery = outcomes.filter((outcome) => outcome.at > recoveredAt + 1_000);
    expect(outcomes.filter((outcome) => outcome.at < stoppedAt && outcome.status >= 200 && outcome.status < 300).length).toBeGreaterThan(CLIENTS);
    expect(duringOutage.length, 'no request was answered during the outage').toBeGreaterThan(CLIENTS);
    expect(afterRecovery.length, 'no request was answered after recovery').toBeGreaterThan(CLIENTS);

    const unclean = outcomes.filter(
      (outcome) => !(outcome.status >= 200 && outcome.status < 300) && outcome.status !== 409 && !(outcome.status === 503 && outcome.code === 'SERVICE_UNAVAILABLE'),
    );
    expect(unclean, `answers other than 2xx, 409 or 503 SERVICE_UNAVAILABLE:\n${describeOutcomes(unclean)}`).toEqual([]);
    const succeededDuringOutage = duringOutage.filter((outcome) => outcome.status !== 503);
    expect(succeededDuringOutage, `answers other than 503 while PostgreSQL was down:\n${describeOutcomes(succeededDuringOutage)}`).toEqual([]);
    const failedAfterRecovery = afterRecovery.filter((outcome) => outcome.status >= 500);
    expect(failedAfterRecovery, `failures after recovery:\n${describeOutcomes(failedAfterRecovery)}`).toEqual([]);

    for (const outcome of outcomes.filter((o) => o.status === 503)) {
      expect(Object.keys(JSON.parse(outcome.body).error).sort()).toEqual(['code', 'message', 'requestId']);
      expect(findLeaks({ headers: outcome.headers, rawPayload: Buffer.from(outcome.body) })).toEqual([]);
    }
    expect(await findHalfAppliedChanges(tenant.admin)).toEqual([]);
    expect(await findLostWrites(tenant.admin, acknowledged)).toEqual([]);
    const chain = await verifyAuditChainWith(tenant.admin);
    expect(chain.firstBroken).toBeNull();
    expect(chain.entries).toBeGreaterThan(acknowledged.objects.size);

    console.info(
      `PostgreSQL restart: ${outcomes.length} requests, ${duringOutage.length} during the outage, ` +
        `restart took ${startedAt - restartAt} ms, first write ${recoveredAt - startedAt} ms after the restart`,
    );
  });
});
