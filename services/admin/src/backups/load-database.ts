import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { AppError, type DatabaseLogin, type Logger } from '@esm/common';
import { runMigrations, type MigrationRoles } from '@esm/tenant/dist/db/migrate.js';
import type { ProvisioningServer } from '../provisioning/tenant-database.js';
import type { UnpackedArchive } from './archive-format.js';
import { readAppliedMigrations, serverLogin, type TableProgress } from './dump-database.js';
import { BACKUP_ERRORS } from './errors.js';
import { createDigestStream } from './archive-format.js';
import { dumpQuery, qualifiedName, STABLE_OUTPUT_SETTINGS } from './table-catalog.js';

/** An empty database (schema `esm` without tables) that a backup is loaded into. */
export interface LoadTarget {
  server: ProvisioningServer;
  database: string;
  /** The tenant's owner login, pointed at `database`; migrations run with it. */
  owner: DatabaseLogin;
  roles: MigrationRoles;
}

/** Row count of one restored table, checked against the manifest. */
export interface TableCheck {
  table: string;
  rows: number;
}

/**
 * Loads an unpacked backup into an empty database, all or nothing:
 *
 * 1. runs the tenant's migrations up to the backup's version only, so the
 *    tables have the columns the backup's rows were written with;
 * 2. empties the tables of the rows those migrations installed, copies
 *    every table in dependency order in one transaction, resets the
 *    sequences, and compares each table's row count and SHA-256 with the
 *    manifest before it commits;
 * 3. runs the migrations after the backup's version, so that they convert
 *    the restored rows as they converted the live ones.
 *
 * A failure leaves the database half-built; the caller drops it.
 * Throws BACKUP_VERSION_UNSUPPORTED or RESTORE_VERIFICATION_FAILED.
 */
export async function loadIntoDatabase(
  archive: UnpackedArchive,
  target: LoadTarget,
  label: string,
  logger: Logger,
  onProgress?: (progress: TableProgress) => void,
): Promise<TableCheck[]> {
  const { manifest } = archive;
  const report = (phase: string, tablesDone: number, rows: number) =>
    onProgress?.({ phase, tablesDone, tablesTotal: manifest.tables.length, rows });

  report('migrating', 0, 0);
  await runMigrations(target.owner, target.roles, logger, { count: manifest.migrations.length });
  const client = new pg.Client({ ...serverLogin(target.server), database: target.database, application_name: 'esm-restore' });
  await client.connect();
  let checks: TableCheck[];
  try {
    const applied = await readAppliedMigrations(client);
    if (applied.join('\n') !== manifest.migrations.join('\n')) {
      throw new AppError(BACKUP_ERRORS.versionUnsupported, {
        values: { backup: label, version: manifest.migrationVersion ?? 'none' },
        detail: `backup migrations ${manifest.migrations.join(', ')}; available ${applied.join(', ')}`,
      });
    }
    checks = await copyTablesIn(client, archive, label, report);
  } finally {
    await client.end().catch(() => undefined);
  }
  report('migrating', manifest.tables.length, countRows(checks));
  await runMigrations(target.owner, target.roles, logger);
  return checks;
}

async function copyTablesIn(
  client: pg.Client,
  archive: UnpackedArchive,
  label: string,
  report: (phase: string, tablesDone: number, rows: number) => void,
): Promise<TableCheck[]> {
  const { manifest } = archive;
  for (const setting of STABLE_OUTPUT_SETTINGS) await client.query(setting);
  await client.query('BEGIN');
  try {
    // Replica mode turns off ordinary triggers, including the foreign key
    // checks and the audit table's triggers. The rows come from one
    // consistent snapshot and must stay exactly as they were: an insert
    // trigger that computes the audit hash chain would otherwise rewrite
    // each restored entry's hash and link. Changing this setting needs the
    // provisioning role, a superuser; triggers marked ENABLE ALWAYS or
    // ENABLE REPLICA would still fire, and the tenant schema has none.
    await client.query('SET LOCAL session_replication_role = replica');
    // Migrations install default rows (the default meta-model and
    // classification scale), which the backup's own rows replace.
    for (const table of [...manifest.tables].reverse()) {
      await client.query(`DELETE FROM ${qualifiedName(manifest.schema, table.name)}`);
    }
    let rows = 0;
    for (const [index, table] of manifest.tables.entries()) {
      const columns = table.columns.map((column) => pg.escapeIdentifier(column)).join(', ');
      const sql = `COPY ${qualifiedName(manifest.schema, table.name)} (${columns}) FROM STDIN (FORMAT csv)`;
      await pipeline(createReadStream(archive.tableFiles.get(table.name)!), client.query(copyFrom(sql)));
      rows += table.rows;
      report('loading', index + 1, rows);
    }
    await resetSequences(client, manifest.schema);

    const checks: TableCheck[] = [];
    for (const [index, table] of manifest.tables.entries()) {
      const digest = createDigestStream();
      const copy = client.query(copyTo(dumpQuery(manifest.schema, table)));
      await pipeline(copy, digest, async function discard(source: AsyncIterable<Buffer>) {
        for await (const _chunk of source) void _chunk;
      });
      if (copy.rowCount !== table.rows || digest.sha256() !== table.sha256) {
        throw new AppError(BACKUP_ERRORS.verificationFailed, {
          values: { table: table.name, backup: label },
          detail: `${table.name}: ${copy.rowCount} rows restored, ${table.rows} in the backup`,
        });
      }
      checks.push({ table: table.name, rows: copy.rowCount });
      report('verifying', index + 1, rows);
    }
    await client.query('COMMIT');
    return checks;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Sets every sequence that a column of the schema owns (serial and identity
 * columns) to the column's maximum, so new rows continue after the restored
 * ones. The sequence of an empty table starts again at its first value.
 */
async function resetSequences(client: pg.Client, schema: string): Promise<void> {
  const owned = await client.query<{ table: string; column: string; sequence: string }>(
    `SELECT c.relname AS table, a.attname AS column, pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) AS sequence
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
        AND pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) IS NOT NULL`,
    [schema],
  );
  for (const { table, column, sequence } of owned.rows) {
    const columnName = pg.escapeIdentifier(column);
    await client.query(
      `SELECT CASE WHEN max(${columnName}) IS NULL THEN setval($1::regclass, (SELECT seqstart FROM pg_sequence WHERE seqrelid = $1::regclass), false)
                   ELSE setval($1::regclass, max(${columnName})) END
         FROM ${qualifiedName(schema, table)}`,
      [sequence],
    );
  }
}

/** Sums the rows of the restored tables. */
export function countRows(checks: TableCheck[]): number {
  return checks.reduce((total, check) => total + check.rows, 0);
}
