import { mkdtemp, chmod, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createLogger, randomSecret } from '@esm/common';
import { startEmbeddedPostgres, EMBEDDED_SUPERUSER } from '../../services/platform/src/embedded-postgres.js';
import { findFreePort } from './ports.js';

/** Connection to the PostgreSQL server shared by the integration tests. */
export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: TestPostgres;
  }
}

/**
 * Starts one embedded PostgreSQL server for the whole test run. Tests that
 * need a whole platform start their own through the launcher.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'esm-test-pg-'));
  // The server may run under the unprivileged postgres account, which must reach the folder.
  await chmod(root, 0o755);
  const port = await findFreePort();
  const password = randomSecret();
  const server = await startEmbeddedPostgres({
    dataDir: path.join(root, 'postgres'),
    port,
    password,
    logger: createLogger('test-postgres', { level: 'warn' }),
    allowSystemUser: process.env.ESM_POSTGRES_SYSTEM_USER === '1',
  });
  project.provide('postgres', { host: '127.0.0.1', port, user: EMBEDDED_SUPERUSER, password });
  return async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  };
}
