import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ProvisioningServer } from '../provisioning/tenant-database.js';
import { serverLogin } from './dump-database.js';

// How long to wait for a terminated connection to the live database to end.
const TERMINATE_TIMEOUT_MS = 5_000;

/**
 * Returns a new database name such as `esm_drill_<tenant>_<8 hex digits>`.
 * Tenant names have at most 40 characters, so the name stays within
 * PostgreSQL's 63-byte limit.
 */
export function scratchDatabaseName(purpose: 'drill' | 'restore' | 'replaced', tenant: string): string {
  return `esm_${purpose}_${tenant.replace(/-/g, '_')}_${randomBytes(4).toString('hex')}`;
}

/** Drops a database and ends every connection to it; does nothing when it does not exist. */
export async function dropScratchDatabase(server: ProvisioningServer, database: string): Promise<void> {
  await withMaintenanceClient(server, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`));
}

/**
 * Puts a fully restored database in place of the live one: the live
 * database stops accepting connections, its sessions are ended, and both
 * renames commit in one transaction, so the live name always points to one
 * complete database. The replaced database is dropped afterwards.
 */
export async function replaceDatabase(server: ProvisioningServer, live: string, restored: string): Promise<void> {
  const id = pg.escapeIdentifier;
  const replaced = scratchDatabaseName('replaced', live.replace(/^esm_tenant_/, ''));
  await withMaintenanceClient(server, async (client) => {
    await client.query(`ALTER DATABASE ${id(live)} WITH ALLOW_CONNECTIONS false`);
    try {
      await client.query('SELECT pg_terminate_backend(pid, $2) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
        live,
        TERMINATE_TIMEOUT_MS,
      ]);
      await client.query('BEGIN');
      await client.query(`ALTER DATABASE ${id(live)} RENAME TO ${id(replaced)}`);
      await client.query(`ALTER DATABASE ${id(restored)} RENAME TO ${id(live)}`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.query(`ALTER DATABASE ${id(live)} WITH ALLOW_CONNECTIONS true`);
      throw error;
    }
    await client.query(`DROP DATABASE ${id(replaced)} WITH (FORCE)`);
  });
}

async function withMaintenanceClient<T>(server: ProvisioningServer, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...serverLogin(server), database: server.database, application_name: 'esm-restore' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
