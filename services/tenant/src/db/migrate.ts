import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { DatabaseLogin, Logger } from '@esm/common';

/**
 * The migrations folder beside this file. node-pg-migrate (v9) loads the files
 * through jiti, which reads both the compiled `.js` in dist and the `.ts`
 * sources under vitest, so one folder path works in both.
 */
const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

// Declarations and source maps sit beside the compiled migrations in dist.
const IGNORED_FILES = '\\..*|.*\\.d\\.ts|.*\\.map';

/** The names of the roles that migrations grant to or revoke from. */
export interface MigrationRoles {
  app: string;
  readOnly: string;
}

/**
 * Brings the tenant's schema up to date with the owner login, then closes the
 * connection. The migrations table lives in its own schema `esm_migrations`,
 * where the default privileges of `esm` do not reach, so the app role cannot
 * read or change it. The role names reach the migrations as the session
 * settings `esm.migration_app_role` and `esm.migration_read_only_role`.
 * `options.count` limits how many pending migrations run (all by default).
 */
export async function runMigrations(
  owner: DatabaseLogin,
  roles: MigrationRoles,
  logger: Logger,
  options: { count?: number } = {},
): Promise<void> {
  const client = new pg.Client({ ...owner, application_name: 'esm-tenant-migrations' });
  await client.connect();
  try {
    await client.query("SELECT set_config('esm.migration_app_role', $1, false)", [roles.app]);
    await client.query("SELECT set_config('esm.migration_read_only_role', $1, false)", [roles.readOnly]);
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      ignorePattern: IGNORED_FILES,
      direction: 'up',
      // Admin's restore stops at a backup's version, loads the rows, then runs the rest.
      count: options.count ?? Infinity,
      schema: 'esm',
      migrationsSchema: 'esm_migrations',
      createMigrationsSchema: true,
      migrationsTable: 'migrations',
      singleTransaction: true,
      checkOrder: true,
      // A second process of the same tenant waits instead of failing.
      advisoryLockMode: 'wait',
      logger: {
        debug: (message: string) => logger.trace({ message }, 'migration runner'),
        info: (message: string) => logger.debug({ message }, 'migration runner'),
        warn: (message: string) => logger.warn({ message }, 'migration runner'),
        error: (message: string) => logger.error({ message }, 'migration runner'),
      },
    });
    logger.info({ applied: applied.map((migration) => migration.name) }, 'migrations done');
  } finally {
    await client.end();
  }
}
