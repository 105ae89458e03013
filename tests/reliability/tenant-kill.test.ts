import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { findLeaks } from '../support/reliability-leaks.js';
import { findHalfAppliedChanges, findLostWrites, noAcknowledgedWrites } from '../support/reliability-consistency.js';
import { findTenantProcess, openTenantDatabase, sendThroughGateway, signInInvitedUser, waitUntilTenantResponds } from '../support/reliability-platform.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { deployTenant, registerTenant, signInFirstAdministrator } from '../support/tenant-flow.js';
import type { HttpResult } from '../support/reliability-workload.js';

/** Writes sent at once, each creating one object. */
const WRITES = 1_000;
/** Acknowledged writes after which the process is killed, so that some writes have finished and most are still in flight. */
const KILL_AFTER_ACKNOWLEDGED = 150;

describe('a tenant process killed during concurrent writes', () => {
  const tenant = 'crashing';
  let platform: TestPlatform;
  let writerToken: string;
  let database: pg.Pool;

  beforeAll(async () => {
    platform = await startTestPlatform();
    await deployTenant(platform, await registerTenant(platform, tenant));
    const adminToken = await signInFirstAdministrator(platform, tenant);
    writerToken = await signInInvitedUser(platform, tenant, adminToken, `writer@${tenant}.example`, 'write');
    database = await openTenantDatabase(platform, tenant);
  });

  afterAll(async () => {
    await database?.end();
    await platform?.stop();
  });

  it('keeps acknowledged writes and restarts', { timeout: 300_000 }, async () => {
    const killedPid = await findTenantProcess(platform, tenant);
    expect(killedPid, 'no running tenant process found').not.toBeNull();
    const send = sendThroughGateway(platform, tenant, writerToken);
    const acknowledged = noAcknowledgedWrites();
    let killedAt = 0;

    const results = await Promise.all(
      Array.from({ length: WRITES }, async (_, index): Promise<HttpResult> => {
        let result: HttpResult;
        try {
          result = await send('POST', '/api/objects', { type: 'application', name: `Application ${index}` });
        } catch (error) {
          return { status: 0, headers: {}, body: String((error as Error).message) };
        }
        if (result.status === 201) {
          const object = JSON.parse(result.body) as { id: string; version: number };
          acknowledged.objects.set(object.id, object.version);
        }
        if (acknowledged.objects.size >= KILL_AFTER_ACKNOWLEDGED && killedAt === 0) {
          killedAt = Date.now();
          process.kill(killedPid!, 'SIGKILL');
        }
        return result;
      }),
    );
    await waitUntilTenantResponds(platform, tenant, writerToken);
    const recoveryMs = Date.now() - killedAt;

    expect(killedAt, 'the tenant was not killed: too few writes succeeded').toBeGreaterThan(0);
    const restartedPid = await findTenantProcess(platform, tenant);
    expect(restartedPid).not.toBeNull();
    expect(restartedPid).not.toBe(killedPid);

    const unanswered = results.filter((result) => result.status === 0);
    expect(unanswered.map((result) => result.body).slice(0, 5), `${unanswered.length} requests got no HTTP response`).toEqual([]);
    const failed = results.filter((result) => result.status !== 201);
    for (const result of failed) {
      expect(result.status, result.body).not.toBe(500);
      expect(JSON.parse(result.body).error.code, result.body).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
      expect(findLeaks({ headers: result.headers, rawPayload: Buffer.from(result.body) })).toEqual([]);
    }

    const stored = await database.query<{ count: number }>('SELECT count(*)::int AS count FROM esm.objects');
    expect(await findLostWrites(database, acknowledged)).toEqual([]);
    expect(await findHalfAppliedChanges(database)).toEqual([]);
    const verification = await (await platform.admin('cli')).request<{ intact: boolean; entries: number; firstBroken: unknown }>('POST', `/v1/tenants/${tenant}/audit/verify`);
    expect(verification.status).toBe(200);
    expect(verification.body.firstBroken).toBeNull();
    expect(verification.body.intact).toBe(true);
    expect(verification.body.entries).toBeGreaterThanOrEqual(acknowledged.objects.size);

    const afterRecovery = await send('POST', '/api/objects', { type: 'application', name: 'Written after the restart' });
    expect(afterRecovery.status).toBe(201);

    const statuses = new Map<number, number>();
    for (const { status } of results) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const counts = [...statuses].map(([status, count]) => `${count} × ${status}`).join(', ');
    console.info(
      `tenant kill: ${WRITES} writes (${counts}), ${stored.rows[0]!.count - acknowledged.objects.size} stored without a 201, ` +
        `responding again at most ${recoveryMs} ms after the kill`,
    );
  });
});
