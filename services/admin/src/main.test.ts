import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createAdminTestFiles } from './test-support/admin-test-platform.js';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('admin entry point', () => {
  it('starts from dist and stops on SIGTERM', async () => {
    const files = await createAdminTestFiles();
    const config = { ...files.config, postgres: { ...files.config.postgres, embedded: true } };
    const configFile = path.join(files.dir, 'platform.json');
    await writeFile(configFile, JSON.stringify(config));

    const child = spawn(process.execPath, [ENTRY], { env: { PATH: process.env.PATH, ESM_PLATFORM_CONFIG: configFile, ESM_LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let healthy = false;
      for (let attempt = 0; attempt < 100 && !healthy; attempt++) {
        healthy = await fetch(`http://127.0.0.1:${config.ports.admin}/healthz`).then((response) => response.ok, () => false);
        if (!healthy) await sleep(100);
      }
      expect(healthy).toBe(true);
      const unauthenticated = await fetch(`http://127.0.0.1:${config.ports.admin}/v1/tenants`);
      expect(unauthenticated.status).toBe(401);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      const client = new pg.Client({ ...inject('postgres'), database: 'postgres' });
      await client.connect();
      await client.query('DROP DATABASE IF EXISTS esm_platform WITH (FORCE)');
      await client.end();
      await rm(files.dir, { recursive: true, force: true });
    }
  });

  it('public bind host stops start', async () => {
    const files = await createAdminTestFiles();
    const configFile = path.join(files.dir, 'platform.json');
    await writeFile(configFile, JSON.stringify({ ...files.config, bindHost: '0.0.0.0' }));
    const child = spawn(process.execPath, [ENTRY], { env: { PATH: process.env.PATH, ESM_PLATFORM_CONFIG: configFile }, stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(1);
    await rm(files.dir, { recursive: true, force: true });
  });
});
