import { AppError } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../audit/audit.js';
import { notifyChange } from '../live/notify.js';
import { AppErrorWithDetails } from '../model/error-details.js';
import { localizedName, readDimensionName } from '../meta-model/names.js';
import { MODEL_ERRORS } from '../model/errors.js';
import { CLASSIFICATION_ERRORS } from './errors.js';
import { lockClassification, recomputeFrom, type LevelChange } from './propagation.js';

/** A level to set by hand on an object, with the version of the level it replaces (none for a first level). */
export interface LevelInput {
  level: number;
  justification?: string;
  version?: number;
}

interface StoredAssignment {
  level: number;
  justification: string;
  version: number;
}

// The audit entry lists at most this many moved inherited levels, and always their number.
const MAX_AUDITED_LEVEL_CHANGES = 100;

/**
 * Sets the level of `dimension` on an object by hand, recomputes the levels
 * that inherit from it, and audits and announces the change. Throws 404
 * OBJECT_NOT_FOUND, 422 CLASSIFICATION_DIMENSION_UNKNOWN,
 * CLASSIFICATION_LEVEL_UNKNOWN or CLASSIFICATION_JUSTIFICATION_MISSING, and
 * 409 CLASSIFICATION_LEVEL_VERSION_CONFLICT when `version` is not the current
 * level's (or is missing while a level is set, or given while none is).
 */
export async function setLevel(
  transaction: Transaction,
  source: AuditSource,
  objectId: string,
  dimension: string,
  input: LevelInput,
): Promise<LevelChange[]> {
  await lockClassification(transaction);
  await checkObjectExists(transaction, objectId);
  await checkLevelOnScale(transaction, dimension, input.level);
  const justification = input.justification?.trim() ?? '';
  if (justification === '') throw new AppError(CLASSIFICATION_ERRORS.justificationMissing);

  const before = await readAssignment(transaction, objectId, dimension);
  await checkAssignmentVersion(transaction, before, input.version, dimension);
  const result = await transaction.query<StoredAssignment>(
    `INSERT INTO classification_assignments (object_id, dimension, level, justification, updated_by)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (object_id, dimension) DO UPDATE SET level = excluded.level, justification = excluded.justification,
       updated_by = excluded.updated_by, updated_at = now(), version = classification_assignments.version + 1
     RETURNING level, justification, version`,
    [objectId, dimension, input.level, justification, source.actorId],
  );
  const after = result.rows[0]!;

  const changes = await recomputeFrom(transaction, [objectId]);
  await announce(transaction, objectId, after.version, changes);
  await writeAuditEntry(transaction, source, {
    action: 'classification.set',
    entityType: 'classification',
    entityId: objectId,
    before: before ? { dimension, ...before } : null,
    after: { dimension, ...after, ...auditedChanges(changes) },
    summary: `${dimension} level ${after.level} on object ${objectId}`,
  });
  return changes;
}

/**
 * Removes the level of `dimension` set by hand on an object, recomputes,
 * audits and announces. Throws 404 OBJECT_NOT_FOUND or
 * CLASSIFICATION_LEVEL_NOT_SET, and 409 CLASSIFICATION_LEVEL_VERSION_CONFLICT.
 */
export async function removeLevel(
  transaction: Transaction,
  source: AuditSource,
  objectId: string,
  dimension: string,
  version: number,
): Promise<LevelChange[]> {
  await lockClassification(transaction);
  await checkObjectExists(transaction, objectId);
  const before = await readAssignment(transaction, objectId, dimension);
  if (!before) throw new AppError(CLASSIFICATION_ERRORS.levelNotSet, { values: { dimension: await readDimensionName(transaction, dimension) } });
  await checkAssignmentVersion(transaction, before, version, dimension);
  await transaction.query('DELETE FROM classification_assignments WHERE object_id = $1 AND dimension = $2', [objectId, dimension]);

  const changes = await recomputeFrom(transaction, [objectId]);
  await announce(transaction, objectId, null, changes);
  await writeAuditEntry(transaction, source, {
    action: 'classification.removed',
    entityType: 'classification',
    entityId: objectId,
    before: { dimension, ...before },
    after: auditedChanges(changes),
    summary: `${dimension} level removed from object ${objectId}`,
  });
  return changes;
}

async function checkObjectExists(transaction: Transaction, objectId: string): Promise<void> {
  // FOR KEY SHARE keeps the object from being deleted until the level is stored.
  const result = await transaction.query<{ role: string }>(
    'SELECT t.role FROM objects o JOIN object_types t ON t.key = o.type WHERE o.id = $1 FOR KEY SHARE OF o',
    [objectId],
  );
  if (result.rowCount === 0) throw new AppError(MODEL_ERRORS.objectNotFound, { detail: `object ${objectId}` });
  const role = result.rows[0]!.role;
  if (role === 'requirement_set' || role === 'requirement') {
    throw new AppError(CLASSIFICATION_ERRORS.objectNotClassifiable, { detail: `object ${objectId} has role ${role}` });
  }
}

async function checkLevelOnScale(transaction: Transaction, dimension: string, level: number): Promise<void> {
  // The scale is changed only under the classification lock, which the caller holds.
  const result = await transaction.query<{ has_level: boolean; name_sv: string; name_en: string }>(
    `SELECT EXISTS (SELECT 1 FROM classification_levels WHERE dimension = $1 AND level = $2) AS has_level, name_sv, name_en
     FROM classification_dimensions WHERE key = $1`,
    [dimension, level],
  );
  const row = result.rows[0];
  // An unknown dimension has no name, so its message shows the key the request named.
  if (!row) throw new AppError(CLASSIFICATION_ERRORS.dimensionUnknown, { values: { dimension } });
  if (!row.has_level) {
    throw new AppError(CLASSIFICATION_ERRORS.levelUnknown, { values: { dimension: localizedName({ nameSv: row.name_sv, nameEn: row.name_en }), level } });
  }
}

async function readAssignment(transaction: Transaction, objectId: string, dimension: string): Promise<StoredAssignment | null> {
  const result = await transaction.query<StoredAssignment>(
    'SELECT level, justification, version FROM classification_assignments WHERE object_id = $1 AND dimension = $2 FOR UPDATE',
    [objectId, dimension],
  );
  return result.rows[0] ?? null;
}

async function checkAssignmentVersion(
  transaction: Transaction,
  current: StoredAssignment | null,
  version: number | undefined,
  dimension: string,
): Promise<void> {
  if ((current?.version ?? undefined) === version) return;
  throw new AppErrorWithDetails(
    CLASSIFICATION_ERRORS.levelVersionConflict,
    { current },
    { values: { dimension: await readDimensionName(transaction, dimension) }, detail: `level is at version ${current?.version ?? 'none'}, the request names ${version ?? 'none'}` },
  );
}

/** Queues one notice naming the object and every object whose inherited level moved. */
async function announce(transaction: Transaction, objectId: string, version: number | null, changes: LevelChange[]): Promise<void> {
  const ids = [...new Set([objectId, ...changes.map((change) => change.objectId)])];
  await notifyChange(transaction, {
    entity: 'classification',
    action: version === null ? 'deleted' : 'updated',
    id: objectId,
    ...(version === null ? {} : { version }),
    ids,
  });
}

function auditedChanges(changes: LevelChange[]): { levelChangeCount: number; levelChanges: LevelChange[] } {
  return { levelChangeCount: changes.length, levelChanges: changes.slice(0, MAX_AUDITED_LEVEL_CHANGES) };
}
