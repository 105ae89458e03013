import pg from 'pg';
import { AppError, inspectAuditSchema, walkAuditChain, type AuditChainReport, type DatabaseLogin } from '@esm/common';
import type { AuditAnchor } from '../audit/anchor-store.js';
import { readAuditChain, type AuditReader } from '../audit/tenant-audit-database.js';
import type { BackupManifest } from '../backups/archive-format.js';
import { serverLogin } from '../backups/dump-database.js';
import { checkAuditTable } from '../backups/restore-drill.js';
import { tenantDatabaseNames, type ProvisioningServer } from '../provisioning/tenant-database.js';
import { MOVE_ERRORS } from './errors.js';

/** The audit chain of a tenant database as a move compares it; null when the log has no hash chain yet. */
export type AuditChainState = (AuditChainReport & { anchorMismatchId: string | null }) | null;

/**
 * Throws MOVE_TARGET_NOT_EMPTY when the target server already has the
 * tenant's database or one of its roles. Roles belong to the whole server,
 * so provisioning there would change the passwords of roles that the move
 * did not create, and cleaning up after a failure would drop them. When two
 * server entries name one PostgreSQL server, this check stops the move.
 */
export async function assertTargetEmpty(server: ProvisioningServer, tenant: string): Promise<void> {
  const names = tenantDatabaseNames(tenant);
  const client = new pg.Client({ ...serverLogin(server), database: server.database, application_name: 'esm-move' });
  await client.connect();
  try {
    const database = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [names.database]);
    if (database.rowCount !== 0) throw targetNotEmpty(server, tenant, `database ${names.database}`);
    const roles = await client.query<{ name: string }>('SELECT rolname AS name FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname', [
      [names.owner, names.app, names.readOnly],
    ]);
    const [role] = roles.rows;
    if (role) throw targetNotEmpty(server, tenant, `role ${role.name}`);
  } finally {
    await client.end();
  }
}

/**
 * Reads a tenant database's audit chain with its read-only login in one
 * read-only snapshot: the walk of the chain and the first recorded anchor it
 * no longer matches. Returns null for a log without a hash chain.
 */
export async function readChainState(login: DatabaseLogin, tenant: string, anchors: AuditAnchor[]): Promise<AuditChainState> {
  const reader: AuditReader = new pg.Client({ ...login, application_name: 'esm-move' });
  await reader.connect();
  try {
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const schema = await inspectAuditSchema(reader);
    if (schema.kind === 'unchained' && anchors.length === 0) return null;
    const reading = await readAuditChain(reader, tenant, anchors);
    const report = await walkAuditChain(reader);
    await reader.query('COMMIT');
    return { ...report, anchorMismatchId: reading.anchorMismatchId };
  } finally {
    await reader.end().catch(() => undefined);
  }
}

/**
 * Checks the restored copy's audit log: the drill's checks (every entry is
 * there and each links to the one before it), then the same walk, head and
 * anchor comparison as on the source. Throws DRILL_AUDIT_CHAIN_BROKEN,
 * RESTORE_VERIFICATION_FAILED or MOVE_AUDIT_MISMATCH.
 */
export async function verifyMovedAudit(options: {
  server: ProvisioningServer;
  login: DatabaseLogin;
  manifest: BackupManifest;
  tenant: string;
  label: string;
  anchors: AuditAnchor[];
  source: AuditChainState;
}): Promise<{ entries: number; chainChecked: boolean }> {
  const { server, login, manifest, tenant, label, anchors, source } = options;
  const audit = await checkAuditTable(server, login.database, manifest, tenant, label);
  const target = await readChainState(login, tenant, anchors);
  const reason = describeDifference(source, target);
  if (reason) throw new AppError(MOVE_ERRORS.auditMismatch, { values: { tenant, server: server.id, reason } });
  return audit;
}

function describeDifference(source: AuditChainState, target: AuditChainState): string | null {
  if (source === null || target === null) return source === target ? null : 'one copy has no hash chain';
  if (source.entries !== target.entries) return `${target.entries} entries instead of ${source.entries}`;
  if (source.head?.id !== target.head?.id || source.head?.hash !== target.head?.hash) return `head #${target.head?.id ?? 'none'} differs`;
  if (source.firstBroken?.id !== target.firstBroken?.id) return `first broken entry #${target.firstBroken?.id ?? 'none'}`;
  if (source.anchorMismatchId !== target.anchorMismatchId) return `anchor at entry #${target.anchorMismatchId ?? 'none'}`;
  return null;
}

function targetNotEmpty(server: ProvisioningServer, tenant: string, object: string): AppError {
  return new AppError(MOVE_ERRORS.targetNotEmpty, { values: { server: server.id, tenant, object } });
}
