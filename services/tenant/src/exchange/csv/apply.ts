import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { recomputeAll } from '../../classification/propagation.js';
import { notifyChange } from '../../live/notify.js';
import type { ImportProgress } from '../progress.js';
import type { CsvImportPlan, PlannedRow } from './plan.js';

/** The counts of a finished CSV import. */
export interface CsvImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  levels: number;
  warnings: number;
}

// Rows per statement: large enough to be fast, small enough for regular progress lines.
const BATCH_SIZE = 500;

/**
 * Writes a checked plan: creates and updates the objects, sets the levels,
 * recomputes inherited levels, queues the change notice and writes one
 * `import.csv` audit entry, in the caller's transaction. The caller has
 * taken lockClassification before making the plan.
 */
export async function applyCsvImport(
  transaction: Transaction,
  source: AuditSource,
  plan: CsvImportPlan,
  onProgress: (progress: ImportProgress) => void,
): Promise<CsvImportCounts> {
  const created = plan.rows.filter((row) => row.action === 'create');
  const updated = plan.rows.filter((row) => row.action === 'update');
  // A row that changes only levels leaves the object's row, and its version, as they are.
  const rewritten = updated.filter((row) => row.changes.some((change) => !change.startsWith('levels.')));
  const total = created.length + rewritten.length;
  for (let start = 0; start < created.length; start += BATCH_SIZE) {
    await insertObjects(transaction, created.slice(start, start + BATCH_SIZE), source.actorId);
    onProgress({ phase: 'objects', done: Math.min(start + BATCH_SIZE, created.length), total });
  }
  for (let start = 0; start < rewritten.length; start += BATCH_SIZE) {
    await updateObjects(transaction, rewritten.slice(start, start + BATCH_SIZE));
    onProgress({ phase: 'objects', done: created.length + Math.min(start + BATCH_SIZE, rewritten.length), total });
  }

  const levels = plan.rows.flatMap((row) => row.levels.map((level) => ({ objectId: row.objectId, ...level })));
  for (let start = 0; start < levels.length; start += BATCH_SIZE) {
    const batch = levels.slice(start, start + BATCH_SIZE);
    await transaction.query(
      `INSERT INTO classification_assignments (object_id, dimension, level, justification, updated_by)
       SELECT object_id, dimension, level, justification, $5
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[]) AS item(object_id, dimension, level, justification)
       ON CONFLICT (object_id, dimension) DO UPDATE SET level = EXCLUDED.level, justification = EXCLUDED.justification,
         version = classification_assignments.version + 1, updated_at = now(), updated_by = EXCLUDED.updated_by`,
      [batch.map((level) => level.objectId), batch.map((level) => level.dimension), batch.map((level) => level.level), batch.map((level) => level.justification), source.actorId],
    );
    onProgress({ phase: 'levels', done: start + batch.length, total: levels.length });
  }

  onProgress({ phase: 'classification', done: 0, total: 1 });
  await recomputeAll(transaction);
  onProgress({ phase: 'classification', done: 1, total: 1 });

  const counts: CsvImportCounts = {
    created: created.length,
    updated: updated.length,
    unchanged: plan.rows.length - created.length - updated.length,
    levels: levels.length,
    warnings: plan.warnings.length,
  };
  await notifyChange(transaction, { entity: 'model', action: 'imported', id: null, ids: [...created, ...updated].map((row) => row.objectId) });
  await writeAuditEntry(transaction, source, {
    action: 'import.csv',
    entityType: 'model',
    entityId: null,
    before: null,
    after: { ...counts, encoding: plan.encoding, createdIds: created.map((row) => row.objectId), updatedIds: updated.map((row) => row.objectId) },
    summary: `CSV import: ${counts.created} created, ${counts.updated} updated, ${counts.levels} levels set`,
  });
  return counts;
}

async function insertObjects(transaction: Transaction, rows: readonly PlannedRow[], actorId: string | null): Promise<void> {
  await transaction.query(
    `INSERT INTO objects (id, type, name, description, external_id, attributes, created_by)
     SELECT id, type, name, description, external_id, attributes, $7
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) AS item(id, type, name, description, external_id, attributes)`,
    [
      rows.map((row) => row.objectId),
      rows.map((row) => row.type),
      rows.map((row) => row.name),
      rows.map((row) => row.description),
      rows.map((row) => row.externalId),
      rows.map((row) => JSON.stringify(row.attributes)),
      actorId,
    ],
  );
}

async function updateObjects(transaction: Transaction, rows: readonly PlannedRow[]): Promise<void> {
  await transaction.query(
    `UPDATE objects o SET name = item.name, description = item.description, external_id = item.external_id, attributes = item.attributes,
       version = o.version + 1, updated_at = now()
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) AS item(id, name, description, external_id, attributes)
     WHERE o.id = item.id`,
    [
      rows.map((row) => row.objectId),
      rows.map((row) => row.name),
      rows.map((row) => row.description),
      rows.map((row) => row.externalId),
      rows.map((row) => JSON.stringify(row.attributes)),
    ],
  );
}
