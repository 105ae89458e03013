import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMailer } from '@esm/common';
import {
  registrationBody,
  startAdminTestPlatform,
  type AdminTestPlatform,
} from '../../admin/src/test-support/admin-test-platform.js';
import { runEsmctl } from './test-support/run-esmctl.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/esmctl.js', import.meta.url));

describe('esmctl', () => {
  let platform: AdminTestPlatform;
  let configFile: string;

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    configFile = path.join(platform.dir, 'platform.json');
    await writeFile(configFile, JSON.stringify({ ...platform.config, ports: { ...platform.config.ports, admin: platform.admin.port } }));
    const registered = await platform.client('registration').request('POST', '/v1/registrations', registrationBody('cli-tenant'));
    expect(registered.status).toBe(201);
  });

  afterAll(async () => {
    await platform.cleanup(['cli-tenant']);
  });

  const esmctl = (...args: string[]) => runEsmctl(configFile, ...args);

  it('lists tenants in a table', async () => {
    const result = await esmctl('list');
    expect(result.code).toBe(0);
    const [header, row] = result.stdout.trim().split('\n');
    expect(header).toMatch(/^NAME\s+ORGANISATION\s+STATE\s+DATABASE SERVER\s+UPDATED$/);
    expect(row).toMatch(/^cli-tenant\s+Testbolaget AB\s+registered\s+-\s+\d{4}-/);
  });

  it('changes tenant states', async () => {
    const deployed = await esmctl('deploy', 'cli-tenant');
    expect(deployed).toMatchObject({ code: 0, stdout: 'cli-tenant is active\n' });
    expect(deployed.stderr).toContain('Deploying cli-tenant');
    expect((await esmctl('stop', 'cli-tenant')).stdout).toBe('cli-tenant is inactive\n');
    expect((await esmctl('start', 'cli-tenant')).stdout).toBe('cli-tenant is active\n');
    expect((await esmctl('archive', 'cli-tenant')).stdout).toBe('cli-tenant is archived\n');
  });

  it('shows a tenant with its state history', async () => {
    const result = await esmctl('show', 'cli-tenant');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/state\s+archived/);
    expect(result.stdout).toMatch(/database server\s+embedded/);
    expect(result.stdout).toContain('State history:');
    expect(result.stdout).toMatch(/inactive\s+active\s+cli/);
  });

  it('prints raw JSON with --json', async () => {
    const result = await esmctl('--json', 'show', 'cli-tenant');
    const tenant = JSON.parse(result.stdout) as { name: string; history: unknown[] };
    expect(tenant.name).toBe('cli-tenant');
    expect(tenant.history.length).toBeGreaterThanOrEqual(6);
  });

  it('error prints code on one line', async () => {
    const missing = await esmctl('show', 'no-such-tenant');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('esmctl: TENANT_NOT_FOUND: There is no tenant named no-such-tenant.\n');

    const conflict = await esmctl('stop', 'cli-tenant');
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/^Stopping cli-tenant\.\.\.\nesmctl: TENANT_STATE_CONFLICT: /);
  });

  it('prints the newest outbox e-mail decoded', async () => {
    const link = `https://register.esm.localhost:8443/deploy?token=${'a'.repeat(43)}&lang=sv`;
    const mailer = createMailer({ ...platform.config.mail }, createLogger('esmctl-test', { level: 'silent' }));
    await mailer.send({ to: 'first@example.test', subject: 'Older', text: 'older message' });
    await mailer.send({ to: 'kontakt@example.test', subject: 'Driftsätt din arbetsyta', text: `Öppna länken:\n${link}\n` });

    const result = await esmctl('outbox');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('To:      kontakt@example.test');
    expect(result.stdout).toContain('Subject: Driftsätt din arbetsyta');
    expect(result.stdout).toContain(link);
    expect(result.stdout).not.toContain('older message');
    expect((await esmctl('outbox', '--count', '2')).stdout).toContain('older message');
  });

  it('rejects an invalid outbox count', async () => {
    const result = await esmctl('outbox', '--count', 'zero');

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^esmctl: ESMCTL_COUNT_INVALID: /);
  });

  it('missing configuration fails clearly', async () => {
    const { code, stderr } = await run(process.execPath, [BIN, 'list'], { env: { PATH: process.env.PATH, ESM_DATA_DIR: platform.dir } }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/^esmctl: ESMCTL_CONFIG_NOT_FOUND: /);
  });
});
