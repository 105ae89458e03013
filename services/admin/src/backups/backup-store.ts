import type { Actor } from '../registry/tenant-store.js';
import type { Queryable } from '../registry/transaction.js';

export type BackupOutcome = 'running' | 'succeeded' | 'failed';

/** One backup as the registry records it. */
export interface BackupRecord {
  id: string;
  tenant: string;
  /** Path relative to `<dataDir>/backups`. */
  file: string;
  actor: Actor;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: BackupOutcome;
  sizeBytes: number | null;
  rows: number | null;
  migrationVersion: string | null;
  errorCode: string | null;
}

/** One restore or drill as the registry records it. */
export interface RestoreRecord {
  id: string;
  tenant: string;
  backupId: string | null;
  kind: 'restore' | 'drill';
  actor: Actor;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  outcome: BackupOutcome;
  errorCode: string | null;
  checks: unknown;
}

const BACKUP_COLUMNS = `id, tenant, file, actor, started_at AS "startedAt", finished_at AS "finishedAt", outcome,
  size_bytes::float8 AS "sizeBytes", rows::float8 AS rows, migration_version AS "migrationVersion", error_code AS "errorCode"`;
const RESTORE_COLUMNS = `id, tenant, backup_id AS "backupId", kind, actor, started_at AS "startedAt", finished_at AS "finishedAt",
  duration_ms AS "durationMs", outcome, error_code AS "errorCode", checks`;

/** Records a backup that is starting. */
export async function insertBackup(db: Queryable, backup: { id: string; tenant: string; file: string; actor: Actor }): Promise<void> {
  await db.query('INSERT INTO backups (id, tenant, file, actor) VALUES ($1, $2, $3, $4)', [backup.id, backup.tenant, backup.file, backup.actor]);
}

/** Records how a backup ended. */
export async function finishBackup(
  db: Queryable,
  id: string,
  result: { outcome: 'succeeded' | 'failed'; sizeBytes?: number; rows?: number; migrationVersion?: string | null; errorCode?: string },
): Promise<void> {
  await db.query(
    `UPDATE backups SET finished_at = now(), outcome = $2, size_bytes = $3, rows = $4, migration_version = $5, error_code = $6 WHERE id = $1`,
    [id, result.outcome, result.sizeBytes ?? null, result.rows ?? null, result.migrationVersion ?? null, result.errorCode ?? null],
  );
}

/** Returns a tenant's backups, newest first. */
export async function listBackups(db: Queryable, tenant: string): Promise<BackupRecord[]> {
  return (await db.query<BackupRecord>(`SELECT ${BACKUP_COLUMNS} FROM backups WHERE tenant = $1 ORDER BY started_at DESC, id`, [tenant])).rows;
}

/** Returns one backup of a tenant, or null. */
export async function findBackup(db: Queryable, tenant: string, id: string): Promise<BackupRecord | null> {
  const result = await db.query<BackupRecord>(`SELECT ${BACKUP_COLUMNS} FROM backups WHERE tenant = $1 AND id = $2`, [tenant, id]);
  return result.rows[0] ?? null;
}

/** Returns a tenant's newest successful backup, or null. */
export async function findLatestBackup(db: Queryable, tenant: string): Promise<BackupRecord | null> {
  const result = await db.query<BackupRecord>(
    `SELECT ${BACKUP_COLUMNS} FROM backups WHERE tenant = $1 AND outcome = 'succeeded' ORDER BY started_at DESC LIMIT 1`,
    [tenant],
  );
  return result.rows[0] ?? null;
}

/**
 * Returns the backups that retention removes: every successful backup after
 * the newest `keep`, and every failed one older than the oldest kept.
 */
export async function listExpiredBackups(db: Queryable, tenant: string, keep: number): Promise<BackupRecord[]> {
  const result = await db.query<BackupRecord>(
    `WITH kept AS (
       SELECT started_at FROM backups WHERE tenant = $1 AND outcome = 'succeeded' ORDER BY started_at DESC LIMIT $2
     )
     SELECT ${BACKUP_COLUMNS} FROM backups
      WHERE tenant = $1 AND outcome <> 'running' AND (SELECT count(*) FROM kept) = $2
        AND started_at < (SELECT min(started_at) FROM kept)`,
    [tenant, keep],
  );
  return result.rows;
}

/** Deletes a backup's record, after its file is gone. */
export async function deleteBackup(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM backups WHERE id = $1', [id]);
}

/** Records a restore or drill that is starting. */
export async function insertRestore(
  db: Queryable,
  restore: { id: string; tenant: string; backupId: string | null; kind: 'restore' | 'drill'; actor: Actor },
): Promise<void> {
  await db.query('INSERT INTO backup_restores (id, tenant, backup_id, kind, actor) VALUES ($1, $2, $3, $4, $5)', [
    restore.id,
    restore.tenant,
    restore.backupId,
    restore.kind,
    restore.actor,
  ]);
}

/** Records how a restore or drill ended, with the time it took. */
export async function finishRestore(
  db: Queryable,
  id: string,
  result: { outcome: 'succeeded' | 'failed'; durationMs: number; errorCode?: string; checks?: unknown },
): Promise<void> {
  await db.query(
    'UPDATE backup_restores SET finished_at = now(), outcome = $2, duration_ms = $3, error_code = $4, checks = $5 WHERE id = $1',
    [id, result.outcome, Math.round(result.durationMs), result.errorCode ?? null, result.checks === undefined ? null : JSON.stringify(result.checks)],
  );
}

/** Returns one restore or drill, or null. */
export async function findRestore(db: Queryable, id: string): Promise<RestoreRecord | null> {
  const result = await db.query<RestoreRecord>(`SELECT ${RESTORE_COLUMNS} FROM backup_restores WHERE id = $1`, [id]);
  return result.rows[0] ?? null;
}

/** Returns when each tenant last started a backup (any outcome) or a drill, for the schedule. */
export async function lastStartedByTenant(db: Queryable, kind: 'backup' | 'drill'): Promise<Map<string, Date>> {
  const sql =
    kind === 'backup'
      ? 'SELECT tenant, max(started_at) AS at FROM backups GROUP BY tenant'
      : "SELECT tenant, max(started_at) AS at FROM backup_restores WHERE kind = 'drill' GROUP BY tenant";
  const result = await db.query<{ tenant: string; at: Date }>(sql);
  return new Map(result.rows.map((row) => [row.tenant, row.at]));
}

/**
 * Marks backups, restores and drills that never finished as failed. Run at
 * start: they were cut off when an earlier admin process stopped.
 */
export async function failInterruptedBackupWork(db: Queryable): Promise<number> {
  const backups = await db.query("UPDATE backups SET finished_at = now(), outcome = 'failed', error_code = 'BACKUP_FAILED' WHERE outcome = 'running'");
  const restores = await db.query(
    "UPDATE backup_restores SET finished_at = now(), outcome = 'failed', error_code = 'RESTORE_FAILED' WHERE outcome = 'running'",
  );
  return (backups.rowCount ?? 0) + (restores.rowCount ?? 0);
}
