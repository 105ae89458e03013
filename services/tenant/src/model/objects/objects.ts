import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { lockClassification, recomputeFrom } from '../../classification/propagation.js';
import { notifyChange } from '../../live/notify.js';
import { readObjectType } from '../../meta-model/meta-model.js';
import { checkObjectInput } from '../../meta-model/validate.js';
import { MODEL_ERRORS } from '../errors.js';
import { notifyLevelChanges, withLevelChanges } from '../level-changes.js';
import type { Attributes } from '../schemas.js';
import { listRelationsOf, type RelationView } from '../relations/relations.js';
import { OBJECT_COLUMNS, readObject, toObjectView, type ObjectView } from './object-view.js';
import { checkRelationsAllowTypeChange, rejectRequirementTypes } from './type-rules.js';
import { throwVersionConflict } from './version-conflict.js';

export interface NewObject {
  type: string;
  name: string;
  description?: string;
  attributes?: Attributes;
  externalId?: string;
}

/** A change of an object: the version it is based on and the fields to set. Attributes are replaced as a whole. */
export interface ObjectChanges {
  version: number;
  type?: string;
  name?: string;
  description?: string;
  attributes?: Attributes;
  /** null removes the external id. */
  externalId?: string | null;
}

/** Reads an object with its outgoing and incoming relations, or throws OBJECT_NOT_FOUND. */
export async function getObjectWithRelations(
  transaction: Transaction,
  id: string,
): Promise<ObjectView & { relations: { outgoing: RelationView[]; incoming: RelationView[] } }> {
  const object = await readObject(transaction, id);
  return { ...object, relations: await listRelationsOf(transaction, id) };
}

/**
 * Creates an object after checking its type and attributes against the
 * meta-model, queues its change notice and writes its audit entry. Throws
 * 422 OBJECT_TYPE_RESERVED for a requirement set or requirement, and 409
 * OBJECT_EXTERNAL_ID_TAKEN when another object has the external id.
 */
export async function createObject(transaction: Transaction, source: AuditSource, input: NewObject): Promise<ObjectView> {
  rejectRequirementTypes(await readObjectType(transaction, input.type));
  const attributes = await checkObjectInput(transaction, { type: input.type, attributes: input.attributes ?? {} });

  const result = await insertOrUpdate(
    transaction,
    `INSERT INTO objects (type, name, description, attributes, external_id, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${OBJECT_COLUMNS}`,
    [input.type, input.name, input.description ?? '', JSON.stringify(attributes), input.externalId ?? null, source.actorId],
    input.externalId,
  );
  const object = toObjectView(result);

  await notifyChange(transaction, { entity: 'object', action: 'created', id: object.id, version: object.version });
  await writeAuditEntry(transaction, source, {
    action: 'object.created',
    entityType: 'object',
    entityId: object.id,
    before: null,
    after: object,
    summary: `${object.type} ${object.name}`,
  });
  return object;
}

/**
 * Changes an object that is still at `changes.version`, raises its version
 * and audits the change. A stale version is 409 OBJECT_VERSION_CONFLICT and
 * changes nothing. The type and attributes must fit the meta-model, and a
 * new type must keep every relation of the object allowed (422
 * OBJECT_TYPE_CHANGE_BREAKS_RELATIONS) and may not be, or replace, a
 * requirement type (422 OBJECT_TYPE_RESERVED). A type change can move
 * inherited classification levels, so it follows the write rules of the
 * classification: lock first, recompute after.
 */
export async function updateObject(transaction: Transaction, source: AuditSource, id: string, changes: ObjectChanges): Promise<ObjectView> {
  const { version, ...submitted } = changes;
  if (changes.type !== undefined) await lockClassification(transaction);

  const before = await readObject(transaction, id, 'no key update');
  if (before.version !== version) await throwVersionConflict(transaction, before, version, submitted);

  const type = changes.type ?? before.type;
  const typeChanged = type !== before.type;
  // Requirement sets and requirements change only through the requirement routes, which need admin access.
  rejectRequirementTypes(await readObjectType(transaction, before.type));
  if (typeChanged) rejectRequirementTypes(await readObjectType(transaction, type));
  const attributes = await checkObjectInput(transaction, { type, attributes: changes.attributes ?? before.attributes });
  if (typeChanged) await checkRelationsAllowTypeChange(transaction, before, type);

  const externalId = changes.externalId === undefined ? before.externalId : changes.externalId;
  const result = await insertOrUpdate(
    transaction,
    `UPDATE objects SET type = $2, name = $3, description = $4, attributes = $5, external_id = $6,
       version = version + 1, updated_at = now()
     WHERE id = $1 RETURNING ${OBJECT_COLUMNS}`,
    [id, type, changes.name ?? before.name, changes.description ?? before.description, JSON.stringify(attributes), externalId],
    externalId,
  );
  const after = toObjectView(result);
  const levelChanges = typeChanged ? await recomputeFrom(transaction, [id]) : [];

  await notifyChange(transaction, { entity: 'object', action: 'updated', id, version: after.version });
  await notifyLevelChanges(transaction, levelChanges);
  await writeAuditEntry(transaction, source, {
    action: 'object.updated',
    entityType: 'object',
    entityId: id,
    before,
    after: withLevelChanges(after, levelChanges),
    summary: `${after.type} ${after.name}`,
  });
  return after;
}

// PostgreSQL's unique_violation, and the unique index on objects.external_id (migration 007).
const UNIQUE_VIOLATION = '23505';
const EXTERNAL_ID_INDEX = 'objects_external_id';

/** Runs an INSERT or UPDATE of one object row and returns the row; a taken external id is 409 OBJECT_EXTERNAL_ID_TAKEN. */
async function insertOrUpdate(transaction: Transaction, sql: string, values: unknown[], externalId: string | null | undefined) {
  try {
    const result = await transaction.query(sql, values);
    return result.rows[0] as Record<string, unknown>;
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === UNIQUE_VIOLATION && constraint === EXTERNAL_ID_INDEX) {
      throw new AppError(MODEL_ERRORS.objectExternalIdTaken, { values: { externalId: externalId ?? '' }, cause: error });
    }
    throw error;
  }
}
