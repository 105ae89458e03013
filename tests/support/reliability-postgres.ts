import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { createLogger, randomSecret, type Logger, type TenantSecret } from '@esm/common';
import { dropTenantDatabase, provisionTenantDatabase, type ProvisioningServer } from '../../services/admin/src/provisioning/tenant-database.js';
import { EMBEDDED_SUPERUSER, startEmbeddedPostgres } from '../../services/platform/src/embedded-postgres.js';
import { buildTenantApp } from '../../services/tenant/src/app.js';
import { prepareTenantDatabase } from '../../services/tenant/src/prepare.js';
import { generateSigningKey, type TestTenant } from '../../services/tenant/src/test-support/tenant-fixture.js';
import { findFreePort } from './ports.js';

/**
 * An embedded PostgreSQL server of one test file that the test may stop and
 * start again, keeping its data folder. The run's shared server must never
 * be stopped, because every test file uses it.
 */
export interface RestartablePostgres {
  server: ProvisioningServer;
  /** Stops the server with PostgreSQL's fast shutdown: open transactions roll back, connections end. */
  stop(): Promise<void>;
  /** Starts the stopped server again on the same port and data folder. */
  start(): Promise<void>;
  /** Stops the server if it runs and removes its data folder. */
  remove(): Promise<void>;
}

export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'esm-test-pg-restart-'));
  // The server may run under the unprivileged postgres account, which must reach the folder.
  await chmod(root, 0o755);
  const options = {
    dataDir: path.join(root, 'postgres'),
    port: await findFreePort(),
    password: randomSecret(),
    logger: createLogger('test-postgres-restart', { level: 'warn' }),
    allowSystemUser: process.env.ESM_POSTGRES_SYSTEM_USER === '1',
  };
  let running: { stop: () => Promise<void> } | null = await startEmbeddedPostgres(options);
  return {
    server: { id: 'restartable', host: '127.0.0.1', port: options.port, user: EMBEDDED_SUPERUSER, password: options.password, database: 'postgres' },
    async stop() {
      await running?.stop();
      running = null;
    },
    async start() {
      running = await startEmbeddedPostgres(options);
    },
    async remove() {
      await running?.stop();
      running = null;
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * Provisions and migrates a tenant on `server` and builds its app, which
 * listens on a free loopback port, as createTestTenant does on the run's
 * shared server. The superuser pool in `admin` logs lost connections
 * instead of crashing the test while the server is down.
 */
export async function createTenantOnServer(server: ProvisioningServer, prefix: string): Promise<TestTenant & { baseUrl: string }> {
  const name = `${prefix}-${randomSecret(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const logins = await provisionTenantDatabase(server, name);
  const outbox = await mkdtemp(path.join(os.tmpdir(), 'esm-tenant-outbox-'));
  const secret: TenantSecret = {
    tenant: name,
    origin: `https://${name}.esm.test`,
    database: logins,
    signingKeys: [generateSigningKey()],
    mail: { from: 'ESM <noreply@esm.test>', outboxDir: outbox },
    sms: { provider: 'outbox', outboxDir: outbox },
    firstAdministrator: { email: `admin@${name}.example`, locale: 'en' },
  };
  const logger: Logger = createLogger('tenant-test', { level: process.env.ESM_TEST_LOG_LEVEL ?? 'silent' });
  await prepareTenantDatabase(secret, logger);
  const app: FastifyInstance = await buildTenantApp(secret, { logger });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const admin = new pg.Pool({ host: server.host, port: server.port, user: server.user, password: server.password, database: logins.owner.database, max: 2 });
  admin.on('error', (error) => logger.warn({ err: error }, 'idle superuser connection lost'));
  return {
    name,
    secret,
    app,
    outbox,
    admin,
    baseUrl: address,
    async close() {
      await app.close();
      await admin.end();
      await dropTenantDatabase(server, name);
      await rm(outbox, { recursive: true, force: true });
    },
  };
}
