import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantSecret } from '@esm/common';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import { connectRegistry, registerAndDeploy, startAdminTestPlatform, type AdminTestPlatform } from '../test-support/admin-test-platform.js';
import { migrateTenant, queryServer, seedTenant } from '../test-support/backup-fixture.js';
import { startSecondPostgres, type SecondPostgres } from '../test-support/second-postgres.js';
import type { MoveJobView } from './move-jobs.js';

// Placement puts the first tenant on pg-a and the second, on the emptier server, on pg-b.
const MOVED = 'mv-main';
const FAILING = 'mv-fail';

async function snapshot(login: pg.ClientConfig): Promise<Record<string, unknown[]>> {
  const client = new pg.Client(login);
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'esm' ORDER BY tablename");
    const result: Record<string, unknown[]> = {};
    for (const { name } of tables.rows) {
      result[name] = (await client.query(`SELECT * FROM esm.${pg.escapeIdentifier(name)} t ORDER BY t::text`)).rows;
    }
    return result;
  } finally {
    await client.end();
  }
}

describe('tenant move between servers', () => {
  let platform: AdminTestPlatform;
  let second: SecondPostgres;
  const secrets = new Map<string, TenantSecret>();

  beforeAll(async () => {
    second = await startSecondPostgres();
    platform = await startAdminTestPlatform({
      serverIds: ['pg-a'],
      extraServers: [{ id: 'pg-b', host: second.host, port: second.port, user: second.user, password: second.password }],
      admin: {
        moveHooks: {
          afterStep: async (step, tenant) => {
            if (tenant === FAILING && step === 'secret') throw new Error('injected failure after the secret step');
          },
        },
      },
    });
    for (const tenant of [MOVED, FAILING]) {
      await registerAndDeploy(platform, tenant);
      const secret = await migrateTenant(platform, tenant);
      await seedTenant(secret, { limit: 30, label: tenant });
      secrets.set(tenant, secret);
      // An anchor that the copy must match.
      const verified = await cli().request<{ intact: boolean }>('POST', `/v1/tenants/${tenant}/audit/verify`);
      expect(verified.body.intact).toBe(true);
    }
  });

  afterAll(async () => {
    await platform?.cleanup([MOVED, FAILING]);
    await second?.stop();
  });

  const cli = () => platform.client('cli');

  async function move(tenant: string, server: string): Promise<MoveJobView> {
    const started = await cli().request<MoveJobView>('POST', `/v1/tenants/${tenant}/move`, { server });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    for (let attempt = 0; attempt < 1200; attempt += 1) {
      const reply = await cli().request<MoveJobView>('GET', `/v1/move-jobs/${started.body.id}`);
      if (reply.body.status !== 'running') return reply.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`move of ${tenant} did not finish`);
  }

  async function registeredServer(tenant: string): Promise<string> {
    const registry = await connectRegistry(platform);
    const row = await registry.query<{ server: string }>('SELECT database_server AS server FROM tenants WHERE name = $1', [tenant]);
    await registry.end();
    return row.rows[0]!.server;
  }

  async function readSecret(tenant: string): Promise<TenantSecret> {
    return JSON.parse(await readFile(tenantSecretFile(platform, tenant), 'utf8')) as TenantSecret;
  }

  it('placement uses both servers', async () => {
    expect(await registeredServer(MOVED)).toBe('pg-a');
    expect(await registeredServer(FAILING)).toBe('pg-b');
  });

  it('move copies data to the target', async () => {
    const old = secrets.get(MOVED)!;
    const before = await snapshot(old.database.owner);
    expect(before.audit_entries!.length).toBeGreaterThan(30);

    const job = await move(MOVED, 'pg-b');

    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    expect(job.steps.map((step) => step.status)).toEqual(Array(10).fill('done'));
    expect(job.downtimeMs).toBeGreaterThan(0);
    expect(job.result).toMatchObject({ fromServer: 'pg-a', toServer: 'pg-b', oldDatabaseDropped: true, auditEntries: before.audit_entries!.length });
    // The downtime measured here is quoted in the README.
    process.stderr.write(`move of ${MOVED}: downtime ${job.downtimeMs} ms, steps ${JSON.stringify(job.steps.map((s) => [s.step, s.durationMs]))}\n`);

    const secret = await readSecret(MOVED);
    expect(secret.database.app).toMatchObject({ host: second.host, port: second.port, user: old.database.app.user });
    expect(secret.database.app.password).not.toBe(old.database.app.password);
    expect(secret.signingKeys).toEqual(old.signingKeys);
    expect(await snapshot({ ...second, database: secret.database.app.database })).toEqual(before);
    expect(await registeredServer(MOVED)).toBe('pg-b');
  });

  it('moved tenant runs on the target', async () => {
    expect(platform.admin.orchestrator.upstream(MOVED)).not.toBeNull();
    const secret = await readSecret(MOVED);
    const app = new pg.Client(secret.database.app);
    await app.connect();
    await app.query("INSERT INTO audit_entries (action, entity_type) VALUES ('test.after-move', 'test')");
    await app.end();
    const verified = await cli().request<{ intact: boolean; anchorsChecked: number }>('POST', `/v1/tenants/${MOVED}/audit/verify`);
    expect(verified.body).toMatchObject({ intact: true });
    expect(verified.body.anchorsChecked).toBeGreaterThan(0);
  });

  it('old database and roles are dropped', async () => {
    expect(await queryServer("SELECT datname FROM pg_database WHERE datname = 'esm_tenant_mv_main'")).toEqual([]);
    expect(await queryServer("SELECT rolname FROM pg_roles WHERE rolname LIKE 'esm_mv_main_%'")).toEqual([]);
  });

  it('failure before the switch puts the tenant back', async () => {
    const original = await readFile(tenantSecretFile(platform, FAILING), 'utf8');
    const before = await snapshot(secrets.get(FAILING)!.database.owner);

    const job = await move(FAILING, 'pg-a');

    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('MOVE_FAILED');
    expect(job.error?.message).toContain('at the step secret');
    expect(job.steps.find((step) => step.step === 'secret')?.status).toBe('failed');
    expect(job.steps.find((step) => step.step === 'registry')?.status).toBe('pending');
    expect(await registeredServer(FAILING)).toBe('pg-b');
    expect(await readFile(tenantSecretFile(platform, FAILING), 'utf8')).toBe(original);
    expect(await queryServer("SELECT datname FROM pg_database WHERE datname = 'esm_tenant_mv_fail'")).toEqual([]);
    expect(await queryServer("SELECT rolname FROM pg_roles WHERE rolname LIKE 'esm_mv_fail_%'")).toEqual([]);
    expect(platform.admin.orchestrator.upstream(FAILING)).not.toBeNull();
    expect(await snapshot(secrets.get(FAILING)!.database.app)).toEqual(before);
  });

  it('occupied target is rejected', async () => {
    await queryServer('CREATE ROLE esm_mv_main_owner');
    try {
      const reply = await cli().request<{ error: { code: string } }>('POST', `/v1/tenants/${MOVED}/move`, { server: 'pg-a' });
      expect(reply.status).toBe(409);
      expect(reply.body.error.code).toBe('MOVE_TARGET_NOT_EMPTY');
    } finally {
      await queryServer('DROP ROLE esm_mv_main_owner');
    }
    expect(await registeredServer(MOVED)).toBe('pg-b');
  });

  it('bad requests are rejected', async () => {
    const unknown = await cli().request<{ error: { code: string } }>('POST', `/v1/tenants/${MOVED}/move`, { server: 'pg-z' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('MOVE_SERVER_UNKNOWN');
    const same = await cli().request<{ error: { code: string } }>('POST', `/v1/tenants/${MOVED}/move`, { server: 'pg-b' });
    expect(same.status).toBe(409);
    expect(same.body.error.code).toBe('MOVE_SAME_SERVER');
    const missing = await cli().request<{ error: { code: string } }>('POST', '/v1/tenants/no-such-tenant/move', { server: 'pg-a' });
    expect(missing.body.error.code).toBe('TENANT_NOT_FOUND');
    const job = await cli().request<{ error: { code: string } }>('GET', '/v1/move-jobs/unknown');
    expect(job.body.error.code).toBe('MOVE_JOB_NOT_FOUND');
  });

  it('only the cli may move', async () => {
    const reply = await platform.client('registration').request<{ error: { code: string } }>('POST', `/v1/tenants/${MOVED}/move`, { server: 'pg-a' });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('ADMIN_CALLER_FORBIDDEN');
  });
});
