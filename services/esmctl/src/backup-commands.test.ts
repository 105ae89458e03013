import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndDeploy, startAdminTestPlatform, type AdminTestPlatform } from '../../admin/src/test-support/admin-test-platform.js';
import { migrateTenant, seedTenant } from '../../admin/src/test-support/backup-fixture.js';
import { runEsmctl } from './test-support/run-esmctl.js';


describe('esmctl backup commands', () => {
  let platform: AdminTestPlatform;
  let configFile: string;

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    configFile = path.join(platform.dir, 'platform.json');
    await writeFile(configFile, JSON.stringify({ ...platform.config, ports: { ...platform.config.ports, admin: platform.admin.port } }));
    await registerAndDeploy(platform, 'cli-backup');
    await seedTenant(await migrateTenant(platform, 'cli-backup'), { limit: 30 });
  });

  afterAll(async () => {
    await platform.cleanup(['cli-backup']);
  });

  const esmctl = (...args: string[]) => runEsmctl(configFile, ...args);

  it('backup, list, restore and drill', async () => {
    const backup = await esmctl('backup', 'cli-backup');
    expect(backup.code).toBe(0);
    expect(backup.stderr).toMatch(/^backup cli-backup: /m);
    const id = /^cli-backup: backup (\S+) written \(\d+ bytes, \d+ rows\)\n$/.exec(backup.stdout)?.[1];
    expect(id, backup.stdout).toBeDefined();
    // Hex only: an id starting with '-' would be read as an option on the command line.
    expect(id).toMatch(/^[0-9a-f]{24}$/);

    const list = await esmctl('backups', 'cli-backup');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+STARTED\s+OUTCOME\s+BYTES\s+ROWS\s+SCHEMA VERSION\n/);
    expect(list.stdout).toContain(`${id!}  `);
    expect(list.stdout).toContain('succeeded');

    const restore = await esmctl('restore', 'cli-backup', id!, '--yes');
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stderr).toMatch(/^restore cli-backup: \w+, \d+\/\d+ tables, \d+ rows$/m);
    expect(restore.stdout).toMatch(new RegExp(`^cli-backup: restored from backup ${id!} in \\d+\\.\\d s \\(\\d+ rows in \\d+ tables\\)\\n$`));

    const drill = await esmctl('drill', 'cli-backup');
    expect(drill.code, drill.stderr).toBe(0);
    expect(drill.stdout).toMatch(new RegExp(`^cli-backup: restore drill of backup ${id!} passed in \\d+\\.\\d s `));
  });

  it('restore without --yes fails', async () => {
    const result = await esmctl('restore', 'cli-backup', 'any-backup');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^esmctl: (RESTORE_CONFIRMATION_REQUIRED|BACKUP_NOT_FOUND): /);
  });

  it('failed job prints its code', async () => {
    const missing = await esmctl('backup', 'no-such-tenant');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('esmctl: TENANT_NOT_FOUND: There is no tenant named no-such-tenant.\n');
    const unknown = await esmctl('restore', 'cli-backup', 'no-such-backup', '--yes');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^esmctl: BACKUP_NOT_FOUND: /);
  });
});
