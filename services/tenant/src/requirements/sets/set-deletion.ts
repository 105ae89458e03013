import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { notifyChange } from '../../live/notify.js';
import { lockClassification, recomputeFrom } from '../../classification/propagation.js';
import { REQUIREMENT_ERRORS } from '../errors.js';
import { readRequirementSet } from './requirement-sets.js';

/** Counts of the rows that deleting a set removes besides the set itself. */
export interface SetDeletionPreview {
  /** Groups and requirements, withdrawn ones included. */
  requirements: number;
  statements: number;
  applicabilityRules: number;
}

/** Counts what deleting the set would remove. Throws REQUIREMENT_SET_NOT_FOUND. */
export async function previewSetDeletion(transaction: Transaction, id: string): Promise<SetDeletionPreview> {
  await readRequirementSet(transaction, id);
  return countDependents(transaction, id);
}

/**
 * Deletes a set with its groups, requirements, their compliance statements
 * and applicability rules, imported or not. The caller confirms with the
 * counts that the preview showed. When they differ from the current counts,
 * because someone added statements since, the delete is rejected with 409
 * REQUIREMENT_SET_DELETE_UNCONFIRMED and the current counts. So no statement
 * is deleted unseen.
 */
export async function deleteRequirementSet(
  transaction: Transaction,
  source: AuditSource,
  id: string,
  confirmed: { requirements: number; statements: number },
): Promise<void> {
  // Relations may connect requirement objects to other objects, so deleting them can change inherited levels.
  await lockClassification(transaction);
  const locked = await transaction.query('SELECT 1 FROM requirement_sets WHERE object_id = $1 FOR UPDATE', [id]);
  if (locked.rowCount === 0) throw new AppError(REQUIREMENT_ERRORS.setNotFound);
  const set = await readRequirementSet(transaction, id);
  const counts = await countDependents(transaction, id);
  if (counts.requirements !== confirmed.requirements || counts.statements !== confirmed.statements) {
    throw new AppError(REQUIREMENT_ERRORS.deleteUnconfirmed, {
      values: { requirements: counts.requirements, statements: counts.statements },
      detail: `confirmed ${confirmed.requirements} requirements and ${confirmed.statements} statements`,
    });
  }

  const statements = await transaction.query(
    `SELECT s.object_id, r.identifier, s.status, s.version FROM compliance_statements s
     JOIN requirements r ON r.object_id = s.requirement_id WHERE r.set_id = $1 ORDER BY r.sort_order, s.object_id`,
    [id],
  );
  const removedIds = (await transaction.query<{ id: string }>('SELECT object_id AS id FROM requirements WHERE set_id = $1', [id])).rows
    .map((row) => row.id)
    .concat(id);
  const neighbours = await transaction.query<{ id: string }>(
    `SELECT DISTINCT CASE WHEN source_id = ANY($1::uuid[]) THEN target_id ELSE source_id END AS id
     FROM relations WHERE source_id = ANY($1::uuid[]) OR target_id = ANY($1::uuid[])`,
    [removedIds],
  );
  const removed = new Set(removedIds);
  const affected = neighbours.rows.map((row) => row.id).filter((objectId) => !removed.has(objectId));

  // Requirement rows, statements and rules go with their objects by ON DELETE CASCADE.
  await transaction.query('DELETE FROM objects WHERE id = ANY($1::uuid[])', [removedIds]);
  if (affected.length > 0) await recomputeFrom(transaction, affected);

  await notifyChange(transaction, { entity: 'requirement-set', action: 'deleted', id });
  await writeAuditEntry(transaction, source, {
    action: 'requirement-set.deleted',
    entityType: 'requirement-set',
    entityId: id,
    before: {
      ...set,
      removed: counts,
      statements: statements.rows.map((row) => ({ objectId: row.object_id, requirement: row.identifier, status: row.status, version: row.version })),
    },
    after: null,
    summary: `Requirement set ${set.name} with ${counts.requirements} requirements and ${counts.statements} statements`,
  });
}

async function countDependents(transaction: Transaction, id: string): Promise<SetDeletionPreview> {
  const result = await transaction.query(
    `SELECT (SELECT count(*) FROM requirements WHERE set_id = $1)::int AS requirements,
            (SELECT count(*) FROM compliance_statements s JOIN requirements r ON r.object_id = s.requirement_id
             WHERE r.set_id = $1)::int AS statements,
            (SELECT count(*) FROM applicability_rules a
             WHERE a.subject_id = $1 OR a.subject_id IN (SELECT object_id FROM requirements WHERE set_id = $1))::int AS applicability_rules`,
    [id],
  );
  const row = result.rows[0];
  return { requirements: row.requirements, statements: row.statements, applicabilityRules: row.applicability_rules };
}
