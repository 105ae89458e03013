import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { Logger } from '@esm/common';
import type { ProvisioningServer } from '../provisioning/tenant-database.js';

/** Name of the platform database with the tenant registry, unless a test names another. */
export const DEFAULT_REGISTRY_DATABASE = 'esm_platform';

// Only the compiled migrations (or their TypeScript sources under vitest) are
// migrations; declaration files, source maps and tests in the folder are not.
const MIGRATION_IGNORE_PATTERN = '(?:\\..*|.*\\.d\\.ts|.*\\.map|.*\\.test\\.[jt]s)';

/**
 * Creates the registry database on the server if it is missing, closes it
 * to every role but its owner, runs the pending migrations and returns a
 * connection pool to it.
 */
export async function openRegistry(server: ProvisioningServer, database: string, logger: Logger): Promise<pg.Pool> {
  await createRegistryDatabase(server, database);
  const pool = new pg.Pool({ ...connection(server), database, max: 10 });
  pool.on('error', (error) => logger.error({ err: error }, 'registry connection failed'));
  try {
    await migrateRegistry(pool, logger);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}

async function createRegistryDatabase(server: ProvisioningServer, database: string): Promise<void> {
  const client = new pg.Client({ ...connection(server), database: server.database });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)} ENCODING 'UTF8' TEMPLATE template0`).catch((error: unknown) => {
        // Another admin created it between the check and the statement.
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
    // Tenant roles live on the same server and must never reach the registry.
    await client.query(`REVOKE ALL ON DATABASE ${pg.escapeIdentifier(database)} FROM PUBLIC`);
  } finally {
    await client.end();
  }
}

/**
 * Runs the registry migrations with node-pg-migrate. Its runner loads plain
 * ES modules from a folder, so the same migrations run from `dist/` in
 * production and from TypeScript sources under vitest, and it takes an
 * advisory lock so that two admins never migrate at once.
 */
async function migrateRegistry(pool: pg.Pool, logger: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: fileURLToPath(new URL('./migrations', import.meta.url)),
      ignorePattern: MIGRATION_IGNORE_PATTERN,
      migrationsTable: 'pgmigrations',
      direction: 'up',
      checkOrder: true,
      advisoryLockMode: 'wait',
      logger: {
        debug: (message) => logger.debug({ migration: message }, 'registry migration output'),
        info: (message) => logger.debug({ migration: message }, 'registry migration output'),
        warn: (message) => logger.warn({ migration: message }, 'registry migration warning'),
        error: (message) => logger.error({ migration: message }, 'registry migration error'),
      },
    });
    if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, 'registry migrated');
  } finally {
    client.release();
  }
}

function connection(server: ProvisioningServer) {
  return { host: server.host, port: server.port, user: server.user, password: server.password };
}
