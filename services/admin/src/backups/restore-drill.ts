import pg from 'pg';
import { AppError } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { createTenantScratchDatabase, TENANT_SCHEMA, type ProvisioningServer } from '../provisioning/tenant-database.js';
import type { TenantRecord } from '../registry/tenant-store.js';
import type { BackupManifest } from './archive-format.js';
import { serverLogin, type TableProgress } from './dump-database.js';
import { BACKUP_ERRORS } from './errors.js';
import { countRows, loadIntoDatabase, type TableCheck } from './load-database.js';
import { dropScratchDatabase, scratchDatabaseName } from './scratch-database.js';
import { loadTarget, readTenantLogins, tenantServer, withUnpackedArchive } from './tenant-restore.js';

const AUDIT_TABLE = 'audit_entries';

/** Results of a drill's checks on the restored copy. */
export interface DrillChecks {
  tables: TableCheck[];
  audit: { entries: number; chainChecked: boolean };
}

/**
 * Restores a backup into a scratch database `esm_drill_<tenant>_<random>`
 * on the tenant's server, checks it, and drops it again, also on failure.
 * The load itself compares each table's row count and SHA-256 with the
 * manifest. The drill then checks that every audit entry is there. When
 * the audit table has `hash` and `previous_hash`, it also checks that the
 * chain links.
 * Throws the load's errors or DRILL_AUDIT_CHAIN_BROKEN.
 */
export async function runRestoreDrill(
  context: AdminContext,
  tenant: TenantRecord,
  archiveFile: string,
  label: string,
  onProgress: (progress: TableProgress) => void,
): Promise<DrillChecks> {
  const server = tenantServer(context, tenant);
  const secret = await readTenantLogins(context, tenant.name);
  return withUnpackedArchive(context, archiveFile, label, async (archive) => {
    const scratch = scratchDatabaseName('drill', tenant.name);
    try {
      await createTenantScratchDatabase(server, tenant.name, scratch);
      const tables = await loadIntoDatabase(archive, loadTarget(server, scratch, secret.database), label, context.logger, onProgress);
      onProgress({ phase: 'checking', tablesDone: tables.length, tablesTotal: tables.length, rows: countRows(tables) });
      const audit = await checkAuditTable(server, scratch, archive.manifest, tenant.name, label);
      return { tables, audit };
    } finally {
      await dropScratchDatabase(server, scratch);
    }
  });
}

/**
 * Checks that the restored audit table has as many entries as the manifest
 * and, when it has a hash chain, that the chain links. Moves reuse it.
 */
export async function checkAuditTable(
  server: ProvisioningServer,
  database: string,
  manifest: BackupManifest,
  tenant: string,
  label: string,
): Promise<DrillChecks['audit']> {
  const expected = manifest.tables.find((table) => table.name === AUDIT_TABLE);
  if (!expected) return { entries: 0, chainChecked: false };
  const client = new pg.Client({ ...serverLogin(server), database });
  await client.connect();
  try {
    const table = `${pg.escapeIdentifier(TENANT_SCHEMA)}.${pg.escapeIdentifier(AUDIT_TABLE)}`;
    const count = await client.query<{ entries: number }>(`SELECT count(*)::int AS entries FROM ${table}`);
    const entries = count.rows[0]!.entries;
    if (entries !== expected.rows) {
      throw new AppError(BACKUP_ERRORS.verificationFailed, { values: { table: AUDIT_TABLE, backup: label } });
    }
    return { entries, chainChecked: await checkAuditChain(client, tenant) };
  } finally {
    await client.end();
  }
}

/**
 * Checks the audit hash chain when the audit table has `hash` and
 * `previous_hash` columns: each entry's previous_hash must equal the hash of
 * the entry before it in id order. Returns false when there is no chain to
 * check; throws DRILL_AUDIT_CHAIN_BROKEN with the first entry that does not link.
 */
export async function checkAuditChain(client: Pick<pg.ClientBase, 'query'>, tenant: string): Promise<boolean> {
  const table = `${pg.escapeIdentifier(TENANT_SCHEMA)}.${pg.escapeIdentifier(AUDIT_TABLE)}`;
  const columns = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attname IN ('hash', 'previous_hash') AND NOT attisdropped`,
    [table],
  );
  if (columns.rowCount !== 2) return false;
  const broken = await client.query<{ id: string }>(
    `SELECT id::text FROM (
       SELECT id, previous_hash, lag(hash) OVER (ORDER BY id) AS prior, row_number() OVER (ORDER BY id) AS position FROM ${table}
     ) chain
     WHERE position > 1 AND previous_hash IS DISTINCT FROM prior ORDER BY id LIMIT 1`,
  );
  const first = broken.rows[0];
  if (first) throw new AppError(BACKUP_ERRORS.auditChainBroken, { values: { tenant, entry: first.id } });
  return true;
}
