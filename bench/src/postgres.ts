import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger, randomSecret } from '@esm/common';
import type { ProvisioningServer } from '@esm/admin/dist/provisioning/tenant-database.js';
import { EMBEDDED_SUPERUSER, startEmbeddedPostgres, SYSTEM_USER_VARIABLE } from '@esm/platform/dist/embedded-postgres.js';

/** An embedded PostgreSQL server that the benchmark started for itself. */
export interface BenchPostgres {
  server: ProvisioningServer;
  version: string;
  stop(): Promise<void>;
}

/**
 * Starts an embedded PostgreSQL server in a temporary folder on a free
 * loopback port, as the test suite's global setup does. As root it needs
 * ESM_POSTGRES_SYSTEM_USER=1, because PostgreSQL refuses to run as root.
 */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'esm-bench-pg-'));
  // The server may run under the unprivileged postgres account, which must reach the folder.
  await chmod(root, 0o755);
  const port = await findFreePort();
  const password = randomSecret();
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(root, 'postgres'),
    port,
    password,
    logger: createLogger('bench-postgres', { level: 'warn' }),
    allowSystemUser: process.env[SYSTEM_USER_VARIABLE] === '1',
  });
  const server: ProvisioningServer = { id: 'bench', host: '127.0.0.1', port, user: EMBEDDED_SUPERUSER, password, database: 'postgres' };
  return {
    server,
    version: await readServerVersion(server),
    async stop() {
      await postgres.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function readServerVersion(server: ProvisioningServer): Promise<string> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database: server.database });
  await client.connect();
  try {
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return result.rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

/** Asks the kernel for a free loopback port. Another process could take it before use, which is rare. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('the kernel returned no port'))));
    });
  });
}
