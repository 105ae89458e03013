import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { TENANT_SCHEMA, type ProvisioningServer } from '../provisioning/tenant-database.js';
import { ARCHIVE_FORMAT, createDigestStream, writeArchive, type BackupManifest, type ManifestTable } from './archive-format.js';
import { dumpQuery, listTablesInDependencyOrder, STABLE_OUTPUT_SETTINGS } from './table-catalog.js';

/** Progress of a backup, restore or drill, reported after each table. */
export interface TableProgress {
  phase: string;
  tablesDone: number;
  tablesTotal: number;
  rows: number;
}

/** What to back up and where the archive goes. */
export interface DumpRequest {
  server: ProvisioningServer;
  database: string;
  tenant: string;
  /** The archive's final path; its folder must exist. */
  archiveFile: string;
  onProgress?: (progress: TableProgress) => void;
}

/** The written archive's manifest and its size in bytes. */
export interface DumpResult {
  manifest: BackupManifest;
  sizeBytes: number;
}

/**
 * Backs up one tenant database to a compressed archive. Every table of
 * schema `esm` is copied as CSV inside one REPEATABLE READ, READ ONLY
 * transaction, so all tables and the migration version come from the same
 * snapshot while the tenant keeps writing.
 *
 * This uses COPY through pg-copy-streams rather than pg_dump because the
 * embedded server is PostgreSQL 18 and ships no pg_dump, and the pg_dump
 * that Debian's packages provide (version 15) rejects a newer server. The
 * archive also carries per-table SHA-256 sums and row counts, which a
 * restore and a drill check.
 */
export async function dumpTenantDatabase(request: DumpRequest): Promise<DumpResult> {
  const workFolder = await mkdtemp(path.join(path.dirname(request.archiveFile), '.dump-'));
  const client = new pg.Client({ ...serverLogin(request.server), database: request.database, application_name: 'esm-backup' });
  await client.connect();
  try {
    for (const setting of STABLE_OUTPUT_SETTINGS) await client.query(setting);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const createdAt = new Date().toISOString();
    const migrations = await readAppliedMigrations(client);
    const serverVersion = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const tables = await listTablesInDependencyOrder(client, TENANT_SCHEMA);

    const progress: TableProgress = { phase: 'dumping', tablesDone: 0, tablesTotal: tables.length, rows: 0 };
    request.onProgress?.({ ...progress });
    const manifestTables: ManifestTable[] = [];
    const tableFiles = new Map<string, string>();
    for (const [index, table] of tables.entries()) {
      const file = path.join(workFolder, `${index}.csv`);
      const digest = createDigestStream();
      const copy = client.query(copyTo(dumpQuery(TENANT_SCHEMA, table)));
      await pipeline(copy, digest, createWriteStream(file, { mode: 0o600, flags: 'wx' }));
      const entry = { ...table, file: `tables/${table.name}.csv`, rows: copy.rowCount, bytes: digest.bytes(), sha256: digest.sha256() };
      manifestTables.push(entry);
      tableFiles.set(table.name, file);
      progress.tablesDone += 1;
      progress.rows += entry.rows;
      request.onProgress?.({ ...progress });
    }
    await client.query('COMMIT');

    const manifest: BackupManifest = {
      format: ARCHIVE_FORMAT,
      tenant: request.tenant,
      createdAt,
      schema: TENANT_SCHEMA,
      migrations,
      migrationVersion: migrations.at(-1) ?? null,
      serverVersion,
      tables: manifestTables,
    };
    request.onProgress?.({ ...progress, phase: 'archiving' });
    const sizeBytes = await writeArchive(request.archiveFile, manifest, tableFiles);
    return { manifest, sizeBytes };
  } finally {
    await client.end().catch(() => undefined);
    await rm(workFolder, { recursive: true, force: true });
  }
}

/** Returns the names of the applied tenant migrations in the order they ran; none when the schema was never migrated. */
export async function readAppliedMigrations(client: Pick<pg.ClientBase, 'query'>): Promise<string[]> {
  const exists = await client.query<{ found: string | null }>("SELECT to_regclass('esm_migrations.migrations')::text AS found");
  if (!exists.rows[0]?.found) return [];
  const result = await client.query<{ name: string }>('SELECT name FROM esm_migrations.migrations ORDER BY run_on, id');
  return result.rows.map((row) => row.name);
}

/** Creates `<dataDir>/backups/<tenant>` with mode 0700 on each folder it creates. */
export async function ensureBackupFolder(backupsRoot: string, tenant: string): Promise<string> {
  const folder = path.join(backupsRoot, tenant);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  return folder;
}

/** The provisioning role's connection settings, without the maintenance database. */
export function serverLogin(server: ProvisioningServer) {
  return { host: server.host, port: server.port, user: server.user, password: server.password };
}
