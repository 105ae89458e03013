import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndDeploy, startAdminTestPlatform, type AdminTestPlatform } from '../../admin/src/test-support/admin-test-platform.js';
import { runEsmctl } from './test-support/run-esmctl.js';


describe('esmctl lifecycle commands', () => {
  let platform: AdminTestPlatform;
  let configFile: string;

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    configFile = path.join(platform.dir, 'platform.json');
    await writeFile(configFile, JSON.stringify({ ...platform.config, ports: { ...platform.config.ports, admin: platform.admin.port } }));
    await registerAndDeploy(platform, 'cli-life');
  });

  afterAll(async () => {
    await platform.cleanup(['cli-life']);
  });

  const esmctl = (...args: string[]) => runEsmctl(configFile, ...args);

  it('template on and off', async () => {
    expect(await esmctl('template', 'cli-life', 'on')).toMatchObject({ code: 0, stdout: 'cli-life is a template\n' });
    expect(await esmctl('template', 'cli-life', 'off')).toMatchObject({ code: 0, stdout: 'cli-life is not a template\n' });
    const wrong = await esmctl('template', 'cli-life', 'maybe');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('REQUEST_INVALID');
  });

  it('archive and unarchive print steps', async () => {
    const archived = await esmctl('archive', 'cli-life');
    expect(archived).toMatchObject({ code: 0, stdout: 'cli-life is archived\n' });
    expect(archived.stderr).toContain('Archiving cli-life...');
    expect(archived.stderr).toContain('  backup: done');
    const restored = await esmctl('unarchive', 'cli-life');
    expect(restored).toMatchObject({ code: 0, stdout: 'cli-life is active\n' });
    expect(restored.stderr).toContain('  start: done');
  });

  it('delete needs confirmation and retention', async () => {
    expect((await esmctl('archive', 'cli-life')).code).toBe(0);
    const unconfirmed = await esmctl('delete', 'cli-life');
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('--confirm');
    const early = await esmctl('delete', 'cli-life', '--confirm', 'cli-life');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('TENANT_RETENTION_NOT_PASSED');
  });
});
