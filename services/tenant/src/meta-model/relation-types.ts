import { AppError } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../audit/audit.js';
import { lockClassification, recomputeAll } from '../classification/propagation.js';
import { notifyChange } from '../live/notify.js';
import { localizedName } from './names.js';
import { META_MODEL_ERRORS } from './errors.js';
import { readRelationType, toRelationType, RELATION_TYPE_COLUMNS, type ProtectionFlow, type RelationType } from './meta-model.js';
import { checkVersion } from './version-conflict.js';

export interface NewRelationType {
  key: string;
  nameSv: string;
  nameEn: string;
  reverseNameSv: string;
  reverseNameEn: string;
  sourceTypes?: string[] | null;
  targetTypes?: string[] | null;
  protectionFlow?: ProtectionFlow;
  sortOrder?: number;
}

/** A change of a relation type. An absent end leaves it as it is; null allows every type. */
export interface RelationTypeChanges {
  version: number;
  nameSv?: string;
  nameEn?: string;
  reverseNameSv?: string;
  reverseNameEn?: string;
  sourceTypes?: string[] | null;
  targetTypes?: string[] | null;
  protectionFlow?: ProtectionFlow;
  sortOrder?: number;
}

/**
 * Creates a relation type. Throws 422 RELATION_TYPE_ENDS_INVALID when an
 * allowed end names a missing object type, and 409 RELATION_TYPE_EXISTS when
 * the key is taken.
 */
export async function createRelationType(transaction: Transaction, source: AuditSource, input: NewRelationType): Promise<RelationType> {
  await checkEndTypesExist(transaction, [...(input.sourceTypes ?? []), ...(input.targetTypes ?? [])]);
  const result = await transaction.query(
    `INSERT INTO relation_types (key, name_sv, name_en, reverse_name_sv, reverse_name_en, source_types, target_types, protection_flow, sort_order)
     VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, 'none'), coalesce($9, 0))
     ON CONFLICT (key) DO NOTHING RETURNING ${RELATION_TYPE_COLUMNS}`,
    [input.key, input.nameSv, input.nameEn, input.reverseNameSv, input.reverseNameEn, input.sourceTypes ?? null, input.targetTypes ?? null,
      input.protectionFlow ?? null, input.sortOrder ?? null],
  );
  if (!result.rows[0]) throw new AppError(META_MODEL_ERRORS.relationTypeExists, { values: { type: input.key } });

  const created = toRelationType(result.rows[0]);
  await notifyChange(transaction, { entity: 'relation-type', action: 'created', id: created.key, version: created.version });
  await writeAuditEntry(transaction, source, {
    action: 'relation-type.created',
    entityType: 'relation-type',
    entityId: created.key,
    before: null,
    after: created,
    summary: `relation type ${created.key}`,
  });
  return created;
}

/**
 * Changes a relation type and raises its version. Narrowing the allowed ends
 * is refused with 409 RELATION_TYPE_ENDS_IN_USE while relations of the type
 * connect objects the new ends leave out. A request that names a protection
 * flow takes the classification lock first, and a real change of the flow
 * recomputes every level, because levels then travel other ways.
 */
export async function changeRelationType(
  transaction: Transaction,
  source: AuditSource,
  key: string,
  changes: RelationTypeChanges,
): Promise<RelationType> {
  if (changes.protectionFlow !== undefined) await lockClassification(transaction);
  const before = await readRelationType(transaction, key, { lock: true });
  if (!before) throw new AppError(META_MODEL_ERRORS.relationTypeNotFound, { values: { type: key } });
  checkVersion(META_MODEL_ERRORS.relationTypeVersionConflict, before, { ...changes });

  const sourceTypes = changes.sourceTypes !== undefined ? changes.sourceTypes : before.sourceTypes;
  const targetTypes = changes.targetTypes !== undefined ? changes.targetTypes : before.targetTypes;
  await checkEndTypesExist(transaction, [...(sourceTypes ?? []), ...(targetTypes ?? [])]);
  const breaking = await countRelationsOutside(transaction, key, sourceTypes, targetTypes);
  if (breaking > 0) throw new AppError(META_MODEL_ERRORS.relationTypeEndsInUse, { values: { type: localizedName(before), relations: breaking } });

  const result = await transaction.query(
    `UPDATE relation_types SET name_sv = coalesce($2, name_sv), name_en = coalesce($3, name_en),
       reverse_name_sv = coalesce($4, reverse_name_sv), reverse_name_en = coalesce($5, reverse_name_en),
       source_types = $6, target_types = $7, protection_flow = coalesce($8, protection_flow), sort_order = coalesce($9, sort_order),
       version = version + 1, updated_at = now()
     WHERE key = $1 RETURNING ${RELATION_TYPE_COLUMNS}`,
    [key, changes.nameSv ?? null, changes.nameEn ?? null, changes.reverseNameSv ?? null, changes.reverseNameEn ?? null,
      sourceTypes, targetTypes, changes.protectionFlow ?? null, changes.sortOrder ?? null],
  );
  const after = toRelationType(result.rows[0]);

  const flowChanges = after.protectionFlow !== before.protectionFlow;
  const levelChanges = flowChanges ? (await recomputeAll(transaction)).changes : 0;
  await notifyChange(transaction, { entity: 'relation-type', action: 'updated', id: key, version: after.version });
  if (levelChanges > 0) await notifyChange(transaction, { entity: 'classification', action: 'updated', id: null });
  await writeAuditEntry(transaction, source, {
    action: 'relation-type.changed',
    entityType: 'relation-type',
    entityId: key,
    before,
    after: flowChanges ? { ...after, levelChanges } : after,
    summary: `relation type ${key}`,
  });
  return after;
}

/**
 * Removes a relation type. Refused with 422 RELATION_TYPE_BUILT_IN for the
 * built-in ArchiMate types, which imports need, and with 409
 * RELATION_TYPE_IN_USE while relations have the type. Creating a relation
 * locks its type's row FOR KEY SHARE, which waits for the FOR UPDATE lock
 * taken here, so the count stays true until the removal commits.
 */
export async function removeRelationType(transaction: Transaction, source: AuditSource, key: string, version: number): Promise<void> {
  const before = await readRelationType(transaction, key, { lock: true });
  if (!before) throw new AppError(META_MODEL_ERRORS.relationTypeNotFound, { values: { type: key } });
  checkVersion(META_MODEL_ERRORS.relationTypeVersionConflict, before, { version });
  if (before.builtIn) throw new AppError(META_MODEL_ERRORS.relationTypeBuiltIn, { values: { type: localizedName(before) } });

  const relations = await transaction.query<{ count: number }>('SELECT count(*)::int AS count FROM relations WHERE type = $1', [key]);
  if (relations.rows[0]!.count > 0) {
    throw new AppError(META_MODEL_ERRORS.relationTypeInUse, { values: { type: localizedName(before), relations: relations.rows[0]!.count } });
  }

  await transaction.query('DELETE FROM relation_types WHERE key = $1', [key]);
  await notifyChange(transaction, { entity: 'relation-type', action: 'deleted', id: key });
  await writeAuditEntry(transaction, source, {
    action: 'relation-type.removed',
    entityType: 'relation-type',
    entityId: key,
    before,
    after: null,
    summary: `relation type ${key}`,
  });
}

/**
 * Throws 422 RELATION_TYPE_ENDS_INVALID naming the keys that are no object
 * type. The types that exist are locked FOR KEY SHARE, so none is removed
 * before the relation type that names it is stored.
 */
async function checkEndTypesExist(transaction: Transaction, keys: string[]): Promise<void> {
  const requested = [...new Set(keys)];
  if (requested.length === 0) return;
  const found = await transaction.query<{ key: string }>('SELECT key FROM object_types WHERE key = ANY($1::text[]) FOR KEY SHARE', [requested]);
  const existing = new Set(found.rows.map((row) => row.key));
  const missing = requested.filter((key) => !existing.has(key));
  if (missing.length > 0) throw new AppError(META_MODEL_ERRORS.relationTypeEndsInvalid, { values: { types: missing.join(', ') } });
}

/** Counts the relations of a type whose end objects have types outside the given allowed ends (null allows every type). */
async function countRelationsOutside(
  transaction: Transaction,
  key: string,
  sourceTypes: string[] | null,
  targetTypes: string[] | null,
): Promise<number> {
  const result = await transaction.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM relations r
     JOIN objects s ON s.id = r.source_id JOIN objects t ON t.id = r.target_id
     WHERE r.type = $1
       AND (($2::text[] IS NOT NULL AND s.type <> ALL ($2::text[])) OR ($3::text[] IS NOT NULL AND t.type <> ALL ($3::text[])))`,
    [key, sourceTypes, targetTypes],
  );
  return result.rows[0]!.count;
}
