import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRegistry, registerAndDeploy, startAdminTestPlatform, type AdminTestPlatform } from '../test-support/admin-test-platform.js';
import { migrateTenant } from '../test-support/backup-fixture.js';
import { startSecondPostgres, type SecondPostgres } from '../test-support/second-postgres.js';
import type { MoveJobView } from './move-jobs.js';

// Deployed in this order, each to the server with the fewest tenants, where a tie goes to pg-a (listed first).
const TENANTS = ['pm-one', 'pm-two', 'pm-three', 'pm-four'];

describe('placement on two servers, then a move', () => {
  let platform: AdminTestPlatform;
  let second: SecondPostgres;

  beforeAll(async () => {
    second = await startSecondPostgres();
    platform = await startAdminTestPlatform({
      serverIds: ['pg-a'],
      extraServers: [{ id: 'pg-b', host: second.host, port: second.port, user: second.user, password: second.password }],
    });
    for (const tenant of TENANTS) await registerAndDeploy(platform, tenant);
  });

  afterAll(async () => {
    await platform?.cleanup(TENANTS);
    await second?.stop();
  });

  async function serversByTenant(): Promise<Record<string, string>> {
    const registry = await connectRegistry(platform);
    try {
      const rows = await registry.query<{ name: string; server: string }>(
        'SELECT name, database_server AS server FROM tenants WHERE name = ANY($1)',
        [TENANTS],
      );
      return Object.fromEntries(rows.rows.map((row) => [row.name, row.server]));
    } finally {
      await registry.end();
    }
  }

  function countPerServer(servers: Record<string, string>): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const server of Object.values(servers)) counts[server] = (counts[server] ?? 0) + 1;
    return counts;
  }

  it('places tenants on both servers', async () => {
    const servers = await serversByTenant();

    expect(servers).toEqual({ 'pm-one': 'pg-a', 'pm-two': 'pg-b', 'pm-three': 'pg-a', 'pm-four': 'pg-b' });
    expect(countPerServer(servers)).toEqual({ 'pg-a': 2, 'pg-b': 2 });
  });

  it('move changes the counts per server', async () => {
    await migrateTenant(platform, 'pm-one');
    const cli = platform.client('cli');

    const started = await cli.request<MoveJobView>('POST', '/v1/tenants/pm-one/move', { server: 'pg-b' });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    let job = started.body;
    for (let attempt = 0; attempt < 1200 && job.status === 'running'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await cli.request<MoveJobView>('GET', `/v1/move-jobs/${started.body.id}`)).body;
    }

    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    const servers = await serversByTenant();
    expect(servers['pm-one']).toBe('pg-b');
    expect(countPerServer(servers)).toEqual({ 'pg-a': 1, 'pg-b': 3 });
    const onSecond = await second.query<{ name: string }>("SELECT datname AS name FROM pg_database WHERE datname = 'esm_tenant_pm_one'", [], 'postgres');
    expect(onSecond).toHaveLength(1);
  });
});
