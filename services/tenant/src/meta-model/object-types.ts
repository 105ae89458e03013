import { AppError } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../audit/audit.js';
import { lockClassification, recomputeAll } from '../classification/propagation.js';
import { notifyChange } from '../live/notify.js';
import { AppErrorWithDetails } from '../model/error-details.js';
import { localizedName } from './names.js';
import { META_MODEL_ERRORS } from './errors.js';
import { OBJECT_TYPE_COLUMNS, readObjectType, toObjectType, type ObjectType, type ObjectTypeRole } from './meta-model.js';
import { checkVersion } from './version-conflict.js';

export interface NewObjectType {
  key: string;
  nameSv: string;
  nameEn: string;
  icon?: string;
  role?: ObjectTypeRole;
  sortOrder?: number;
}

export interface ObjectTypeChanges {
  version: number;
  nameSv?: string;
  nameEn?: string;
  icon?: string;
  role?: ObjectTypeRole;
  sortOrder?: number;
}

/** Creates an object type without attributes. Throws 409 OBJECT_TYPE_EXISTS when the key is taken. */
export async function createObjectType(transaction: Transaction, source: AuditSource, input: NewObjectType): Promise<ObjectType> {
  const result = await transaction.query(
    `INSERT INTO object_types (key, name_sv, name_en, icon, role, sort_order)
     VALUES ($1, $2, $3, coalesce($4, 'box'), coalesce($5, 'general'), coalesce($6, 0))
     ON CONFLICT (key) DO NOTHING RETURNING ${OBJECT_TYPE_COLUMNS}`,
    [input.key, input.nameSv, input.nameEn, input.icon ?? null, input.role ?? null, input.sortOrder ?? null],
  );
  if (!result.rows[0]) throw new AppError(META_MODEL_ERRORS.objectTypeExists, { values: { type: input.key } });

  const created = toObjectType(result.rows[0], []);
  await notifyChange(transaction, { entity: 'object-type', action: 'created', id: created.key, version: created.version });
  await writeAuditEntry(transaction, source, {
    action: 'object-type.created',
    entityType: 'object-type',
    entityId: created.key,
    before: null,
    after: created,
    summary: `object type ${created.key}`,
  });
  return created;
}

/**
 * Changes an object type's names, icon, role or sort order and raises its
 * version. A new role can change which levels count as an object's own, so
 * a request that names a role takes the classification lock first and
 * recomputes every level after a real change. Built-in types keep their
 * role (422 OBJECT_TYPE_BUILT_IN).
 */
export async function changeObjectType(transaction: Transaction, source: AuditSource, key: string, changes: ObjectTypeChanges): Promise<ObjectType> {
  if (changes.role !== undefined) await lockClassification(transaction);
  const before = await readObjectType(transaction, key, { lock: 'update' });
  if (!before) throw new AppError(META_MODEL_ERRORS.objectTypeNotFound, { values: { type: key } });
  checkVersion(META_MODEL_ERRORS.objectTypeVersionConflict, before, { ...changes });

  const roleChanges = changes.role !== undefined && changes.role !== before.role;
  if (roleChanges && before.builtIn) throw new AppError(META_MODEL_ERRORS.objectTypeBuiltIn, { values: { type: localizedName(before) } });

  const result = await transaction.query(
    `UPDATE object_types SET name_sv = coalesce($2, name_sv), name_en = coalesce($3, name_en), icon = coalesce($4, icon),
       role = coalesce($5, role), sort_order = coalesce($6, sort_order), version = version + 1, updated_at = now()
     WHERE key = $1 RETURNING ${OBJECT_TYPE_COLUMNS}`,
    [key, changes.nameSv ?? null, changes.nameEn ?? null, changes.icon ?? null, changes.role ?? null, changes.sortOrder ?? null],
  );
  const after = toObjectType(result.rows[0], before.attributes);

  const levelChanges = roleChanges ? (await recomputeAll(transaction)).changes : 0;
  await notifyChange(transaction, { entity: 'object-type', action: 'updated', id: key, version: after.version });
  if (levelChanges > 0) await notifyChange(transaction, { entity: 'classification', action: 'updated', id: null });
  await writeAuditEntry(transaction, source, {
    action: 'object-type.changed',
    entityType: 'object-type',
    entityId: key,
    before,
    after: roleChanges ? { ...after, levelChanges } : after,
    summary: `object type ${key}`,
  });
  return after;
}

/**
 * Removes an object type and its attribute definitions. Refused with 422
 * OBJECT_TYPE_BUILT_IN for a built-in type, 409 OBJECT_TYPE_IN_USE while
 * objects have the type, and 409 OBJECT_TYPE_REFERENCED while a relation
 * type's allowed ends, another type's reference attribute or an
 * applicability rule names it.
 *
 * The type's row is locked FOR UPDATE first. Creating an object of the type
 * or a reference to it takes a FOR KEY SHARE lock on that row, so neither
 * can slip in between the checks and the removal.
 */
export async function removeObjectType(transaction: Transaction, source: AuditSource, key: string, version: number): Promise<void> {
  const before = await readObjectType(transaction, key, { lock: 'update' });
  if (!before) throw new AppError(META_MODEL_ERRORS.objectTypeNotFound, { values: { type: key } });
  checkVersion(META_MODEL_ERRORS.objectTypeVersionConflict, before, { version });
  if (before.builtIn) throw new AppError(META_MODEL_ERRORS.objectTypeBuiltIn, { values: { type: localizedName(before) } });

  const objects = await transaction.query<{ count: number }>('SELECT count(*)::int AS count FROM objects WHERE type = $1', [key]);
  if (objects.rows[0]!.count > 0) {
    throw new AppError(META_MODEL_ERRORS.objectTypeInUse, { values: { type: localizedName(before), objects: objects.rows[0]!.count } });
  }
  const references = await findReferencesTo(transaction, key);
  if (references.relationTypes.length + references.attributes.length + references.applicabilityRules > 0) {
    throw new AppErrorWithDetails(META_MODEL_ERRORS.objectTypeReferenced, references, {
      values: {
        type: localizedName(before),
        relationTypes: references.relationTypes.length,
        attributes: references.attributes.length,
        rules: references.applicabilityRules,
      },
    });
  }

  // The type's own attributes go first, because one of them may reference the type itself.
  await transaction.query('DELETE FROM attribute_definitions WHERE object_type = $1', [key]);
  await transaction.query('DELETE FROM object_types WHERE key = $1', [key]);
  await notifyChange(transaction, { entity: 'object-type', action: 'deleted', id: key });
  await writeAuditEntry(transaction, source, {
    action: 'object-type.removed',
    entityType: 'object-type',
    entityId: key,
    before,
    after: null,
    summary: `object type ${key}`,
  });
}

/** Finds what names an object type outside the type itself. */
async function findReferencesTo(
  transaction: Transaction,
  key: string,
): Promise<{ relationTypes: string[]; attributes: string[]; applicabilityRules: number }> {
  const relationTypes = await transaction.query<{ key: string }>(
    'SELECT key FROM relation_types WHERE $1 = ANY (source_types) OR $1 = ANY (target_types) ORDER BY key',
    [key],
  );
  const attributes = await transaction.query<{ name: string }>(
    `SELECT object_type || '.' || key AS name FROM attribute_definitions
     WHERE reference_type = $1 AND object_type <> $1 ORDER BY object_type, key`,
    [key],
  );
  const rules = await transaction.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM applicability_rules WHERE $1 = ANY (object_types)',
    [key],
  );
  return {
    relationTypes: relationTypes.rows.map((row) => row.key),
    attributes: attributes.rows.map((row) => row.name),
    applicabilityRules: rules.rows[0]!.count,
  };
}
