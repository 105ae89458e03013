import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger, randomSecret } from '@esm/common';
import { EMBEDDED_SUPERUSER, startEmbeddedPostgres } from '../../../platform/src/embedded-postgres.js';
import { findFreePort } from '../../../../tests/support/ports.js';

/** A second PostgreSQL server for one test file, beside the run's shared one. */
export interface SecondPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Runs one query as the superuser on a database of this server. */
  query<T extends pg.QueryResultRow>(sql: string, values?: unknown[], database?: string): Promise<T[]>;
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

/**
 * Starts an embedded PostgreSQL server on a free loopback port with a fresh
 * data folder. Tenant database and role names are the same on every server,
 * so a test that moves a tenant needs a server of its own as the target.
 */
export async function startSecondPostgres(): Promise<SecondPostgres> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'esm-test-pg2-'));
  // The server may run under the unprivileged postgres account, which must reach the folder.
  await chmod(root, 0o755);
  const port = await findFreePort();
  const password = randomSecret();
  const server = await startEmbeddedPostgres({
    dataDir: path.join(root, 'postgres'),
    port,
    password,
    logger: createLogger('test-postgres-2', { level: 'warn' }),
    allowSystemUser: process.env.ESM_POSTGRES_SYSTEM_USER === '1',
  });
  const login = { host: '127.0.0.1', port, user: EMBEDDED_SUPERUSER, password };
  return {
    ...login,
    async query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = [], database = 'postgres') {
      const client = new pg.Client({ ...login, database });
      await client.connect();
      try {
        return (await client.query<T>(sql, values)).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
