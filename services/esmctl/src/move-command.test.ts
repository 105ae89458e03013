import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndDeploy, startAdminTestPlatform, type AdminTestPlatform } from '../../admin/src/test-support/admin-test-platform.js';
import { migrateTenant, seedTenant } from '../../admin/src/test-support/backup-fixture.js';
import { startSecondPostgres, type SecondPostgres } from '../../admin/src/test-support/second-postgres.js';
import { runEsmctl } from './test-support/run-esmctl.js';


describe('esmctl move', () => {
  let platform: AdminTestPlatform;
  let second: SecondPostgres;
  let configFile: string;

  beforeAll(async () => {
    second = await startSecondPostgres();
    platform = await startAdminTestPlatform({
      serverIds: ['pg-a'],
      extraServers: [{ id: 'pg-b', host: second.host, port: second.port, user: second.user, password: second.password }],
    });
    configFile = path.join(platform.dir, 'platform.json');
    await writeFile(configFile, JSON.stringify({ ...platform.config, ports: { ...platform.config.ports, admin: platform.admin.port } }));
    await registerAndDeploy(platform, 'cli-move');
    await seedTenant(await migrateTenant(platform, 'cli-move'), { limit: 10 });
  });

  afterAll(async () => {
    await platform?.cleanup(['cli-move']);
    await second?.stop();
  });

  const esmctl = (...args: string[]) => runEsmctl(configFile, ...args);

  it('move prints steps and downtime', async () => {
    const result = await esmctl('move', 'cli-move', 'pg-b');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^move cli-move: pg-a -> pg-b, job \S+$/m);
    for (const step of ['backup', 'stop', 'final-backup', 'provision', 'restore', 'verify', 'secret', 'registry', 'start', 'drop-old']) {
      expect(result.stderr).toMatch(new RegExp(`^move cli-move: ${step} done \\(\\d+\\.\\d s\\)$`, 'm'));
    }
    expect(result.stderr).toMatch(/^move cli-move: downtime \d+\.\d s$/m);
    expect(result.stdout).toMatch(/^cli-move: moved from pg-a to pg-b, downtime \d+\.\d s\n$/);
    const list = await esmctl('list');
    expect(list.stdout).toMatch(/^cli-move\s+.*\s+pg-b\s+/m);
  });

  it('unknown server fails with its code', async () => {
    const result = await esmctl('move', 'cli-move', 'pg-z');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('esmctl: MOVE_SERVER_UNKNOWN: There is no PostgreSQL server with the id pg-z. The configured servers are: pg-a, pg-b.\n');
  });
});
