import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartDelay } from './local-orchestrator.js';
import { fakeTenantStarts, startAdminTestPlatform, type AdminTestPlatform } from '../test-support/admin-test-platform.js';

const ALLOWED_VARIABLES = ['ESM_TENANT_SECRET_FILE', 'ESM_TENANT_PORT', 'ESM_TENANT_HOST', 'ESM_SUPERVISED', 'ESM_LOG_LEVEL', 'PATH', 'NODE_ENV'];

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('LocalOrchestrator', () => {
  let platform: AdminTestPlatform;

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
  });

  afterAll(async () => {
    await platform.cleanup([]);
  });

  it('gives a tenant only its own environment', async () => {
    process.env.ESM_PLATFORM_CONFIG = '/should/not/leak.json';
    process.env.ADMIN_ONLY_SECRET = 'must-not-leak';
    try {
      const upstream = await platform.admin.orchestrator.start('orch-env');
      const dump = JSON.parse(await readFile(path.join(platform.fakeTenantDir, 'orch-env.env.json'), 'utf8')) as { env: Record<string, string> };

      for (const name of Object.keys(dump.env)) expect(ALLOWED_VARIABLES, name).toContain(name);
      expect(dump.env.ESM_TENANT_PORT).toBe(String(upstream.port));
      expect(dump.env.ESM_TENANT_HOST).toBe('127.0.0.1');
      expect(dump.env.ESM_TENANT_SECRET_FILE).toBe(path.join(platform.config.secretsDir, 'tenants', 'orch-env.json'));
    } finally {
      delete process.env.ESM_PLATFORM_CONFIG;
      delete process.env.ADMIN_ONLY_SECRET;
      await platform.admin.orchestrator.stop('orch-env');
    }
  });

  it('takes ports from the tenant range, one per tenant', async () => {
    const [first, last] = platform.config.ports.tenantRange;
    const a = await platform.admin.orchestrator.start('orch-port-a');
    const b = await platform.admin.orchestrator.start('orch-port-b');
    expect(a.port).not.toBe(b.port);
    for (const port of [a.port, b.port]) {
      expect(port).toBeGreaterThanOrEqual(first);
      expect(port).toBeLessThanOrEqual(last);
    }
    await platform.admin.orchestrator.stopAll();
  });

  it('restarts a crashed tenant', async () => {
    await platform.admin.orchestrator.start('orch-crash');
    const [pid] = await fakeTenantStarts(platform, 'orch-crash');
    process.kill(pid!, 'SIGKILL');

    await waitFor(async () => (await fakeTenantStarts(platform, 'orch-crash')).length === 2);
    await waitFor(() => platform.admin.orchestrator.upstream('orch-crash') !== null);
    const upstream = platform.admin.orchestrator.upstream('orch-crash')!;
    expect((await fetch(`http://${upstream.host}:${upstream.port}/healthz`)).status).toBe(200);
    await platform.admin.orchestrator.stop('orch-crash');
  });

  it('does not restart a tenant after stop', async () => {
    await platform.admin.orchestrator.start('orch-stop');
    await platform.admin.orchestrator.stop('orch-stop');
    await sleep(500);
    expect(await fakeTenantStarts(platform, 'orch-stop')).toHaveLength(1);
    expect(platform.admin.orchestrator.upstream('orch-stop')).toBeNull();
  });

  it('shares one start between concurrent calls', async () => {
    const upstreams = await Promise.all([1, 2, 3].map(() => platform.admin.orchestrator.start('orch-shared')));
    expect(new Set(upstreams.map((upstream) => upstream.port)).size).toBe(1);
    expect(await fakeTenantStarts(platform, 'orch-shared')).toHaveLength(1);
    await platform.admin.orchestrator.stop('orch-shared');
  });

  it('writes the tenant output to its log file', async () => {
    await platform.admin.orchestrator.start('orch-log');
    await platform.admin.orchestrator.stop('orch-log');
    const log = path.join(platform.config.dataDir, 'logs', 'orch-log.log');
    await expect(readFile(log, 'utf8')).resolves.toBeTypeOf('string');
  });
});

describe('restartDelay', () => {
  it('doubles from 1 s up to 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((crashes) => restartDelay(crashes, 1_000, 30_000))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});

describe('LocalOrchestrator liveness checks', () => {
  let platform: AdminTestPlatform;

  beforeAll(async () => {
    platform = await startAdminTestPlatform({ admin: { localOrchestrator: { livenessIntervalMs: 200, maxFailedChecks: 3 } } });
  });

  afterAll(async () => {
    await platform.cleanup([]);
  });

  it('restarts a tenant that stops answering', async () => {
    await platform.admin.orchestrator.start('orch-hung');
    const [pid] = await fakeTenantStarts(platform, 'orch-hung');
    // A stopped process keeps its port open but answers nothing, like a hung event loop.
    process.kill(pid!, 'SIGSTOP');

    await waitFor(async () => (await fakeTenantStarts(platform, 'orch-hung')).length === 2);
    await waitFor(() => platform.admin.orchestrator.upstream('orch-hung') !== null);
    const upstream = platform.admin.orchestrator.upstream('orch-hung')!;
    expect((await fetch(`http://${upstream.host}:${upstream.port}/healthz`)).status).toBe(200);
    expect(() => process.kill(pid!, 0)).toThrow();
    await platform.admin.orchestrator.stop('orch-hung');
  });
});
