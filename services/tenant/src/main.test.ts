import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { writeSecretFile } from '@esm/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, readOutbox, type TestTenant } from './test-support/tenant-fixture.js';

const MAIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../dist/main.js');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, timeoutMs = 20_000): Promise<Response> {
  const started = Date.now();
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

// Runs the compiled dist/main.js, so the migrations are loaded from .js files as in production.
describe('dist/main.js', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTestTenant('process');
  });

  afterAll(async () => tenant.close());

  it('starts, answers /healthz and stops on SIGTERM', async () => {
    const secretFile = path.join(tenant.outbox, 'secret.json');
    await writeSecretFile(secretFile, tenant.secret);
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, ESM_TENANT_SECRET_FILE: secretFile, ESM_TENANT_PORT: String(port), ESM_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const health = await waitForHealth(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    // The invitation was sent by the fixture already, so the process sends none.
    expect(await readOutbox(tenant.outbox)).toHaveLength(1);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
