import { randomSecret } from '@esm/common';
import type { Actor, TenantState } from '../registry/tenant-store.js';
import type { Queryable } from '../registry/transaction.js';

export type OperationKind = 'archive' | 'restore-archived' | 'delete';
export type OperationStepStatus = 'pending' | 'running' | 'done' | 'failed';
export type OperationOutcome = 'running' | 'succeeded' | 'rolled-back' | 'failed';

export interface OperationStep {
  step: string;
  status: OperationStepStatus;
}

/** Values that later steps, or a run resumed after a crash, need. */
export interface OperationData {
  /** The state before archiving, which a rolled-back archive returns to. */
  fromState?: TenantState;
  /** Whether archiving keeps the database; fixed when the operation starts, so a resumed run follows the same plan. */
  keepDatabase?: boolean;
  /** The final backup of an archive, or the backup a restore from archive loads. */
  backupId?: string;
  /** Whether the tenant's database existed when a restore from archive started. */
  databaseExisted?: boolean;
}

/** One multi-step operation as the journal `tenant_operations` records it. */
export interface OperationRecord {
  id: string;
  tenant: string;
  kind: OperationKind;
  actor: Actor;
  steps: OperationStep[];
  data: OperationData;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: OperationOutcome;
  errorCode: string | null;
}

const OPERATION_COLUMNS = `id, tenant, kind, actor, steps, data, started_at AS "startedAt", finished_at AS "finishedAt", outcome, error_code AS "errorCode"`;

/** Records a new operation with every step pending, before its first step acts. */
export async function insertOperation(
  db: Queryable,
  operation: { tenant: string; kind: OperationKind; actor: Actor; steps: string[]; data: OperationData },
): Promise<OperationRecord> {
  const steps: OperationStep[] = operation.steps.map((step) => ({ step, status: 'pending' }));
  const result = await db.query<OperationRecord>(
    `INSERT INTO tenant_operations (id, tenant, kind, actor, steps, data) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${OPERATION_COLUMNS}`,
    [randomSecret(16), operation.tenant, operation.kind, operation.actor, JSON.stringify(steps), JSON.stringify(operation.data)],
  );
  return result.rows[0]!;
}

/** Stores the status of every step and the operation's data. */
export async function saveOperation(db: Queryable, operation: OperationRecord): Promise<void> {
  await db.query('UPDATE tenant_operations SET steps = $2, data = $3 WHERE id = $1', [
    operation.id,
    JSON.stringify(operation.steps),
    JSON.stringify(operation.data),
  ]);
}

/** Marks an operation finished with its outcome. */
export async function finishOperation(db: Queryable, id: string, outcome: Exclude<OperationOutcome, 'running'>, errorCode: string | null = null): Promise<void> {
  await db.query('UPDATE tenant_operations SET finished_at = now(), outcome = $2, error_code = $3 WHERE id = $1', [id, outcome, errorCode]);
}

/** Returns the tenant's unfinished operation, or null. */
export async function findUnfinishedOperation(db: Queryable, tenant: string): Promise<OperationRecord | null> {
  const result = await db.query<OperationRecord>(`SELECT ${OPERATION_COLUMNS} FROM tenant_operations WHERE tenant = $1 AND finished_at IS NULL`, [tenant]);
  return result.rows[0] ?? null;
}

/** Returns every unfinished operation, oldest first: at start, the ones an earlier admin process left. */
export async function listUnfinishedOperations(db: Queryable): Promise<OperationRecord[]> {
  return (await db.query<OperationRecord>(`SELECT ${OPERATION_COLUMNS} FROM tenant_operations WHERE finished_at IS NULL ORDER BY started_at`)).rows;
}

/** Returns the tenant's newest operations, newest first. */
export async function listOperations(db: Queryable, tenant: string, limit = 10): Promise<OperationRecord[]> {
  const result = await db.query<OperationRecord>(
    `SELECT ${OPERATION_COLUMNS} FROM tenant_operations WHERE tenant = $1 ORDER BY started_at DESC LIMIT $2`,
    [tenant, limit],
  );
  return result.rows;
}
