import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { MODEL_ERRORS } from '../errors.js';
import { encodeNameCursor, type NameCursor } from '../page-cursor.js';
import type { Attributes } from '../schemas.js';
import { listRelationsOf, relationDeletedChange, type RelationView } from '../relations/relations.js';

/** An object as the API returns it. */
export interface ObjectView {
  id: string;
  type: string;
  name: string;
  description: string;
  attributes: Attributes;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewObject {
  type: string;
  name: string;
  description?: string;
  attributes?: Attributes;
}

export type ObjectChanges = Partial<Pick<NewObject, 'name' | 'description' | 'attributes'>>;

const OBJECT_COLUMNS = 'id, type, name, description, attributes, version, created_at, updated_at';

/** Lists objects ordered by name and id, optionally of one type, after the cursor's row. */
export async function listObjects(
  transaction: Transaction,
  query: { type?: string; limit: number; after?: NameCursor },
): Promise<{ objects: ObjectView[]; next: string | null }> {
  const result = await transaction.query(
    `SELECT ${OBJECT_COLUMNS} FROM objects
     WHERE ($1::text IS NULL OR type = $1)
       AND ($2::text IS NULL OR (name, id) > ($2::text, $3::uuid))
     ORDER BY name, id LIMIT $4`,
    [query.type ?? null, query.after?.name ?? null, query.after?.id ?? null, query.limit + 1],
  );
  const objects = result.rows.slice(0, query.limit).map(toObjectView);
  const last = objects.at(-1);
  const next = result.rows.length > query.limit && last ? encodeNameCursor(last) : null;
  return { objects, next };
}

/** Reads an object with its outgoing and incoming relations, or throws OBJECT_NOT_FOUND. */
export async function getObjectWithRelations(
  transaction: Transaction,
  id: string,
): Promise<ObjectView & { relations: { outgoing: RelationView[]; incoming: RelationView[] } }> {
  const object = await readObject(transaction, id, false);
  return { ...object, relations: await listRelationsOf(transaction, id) };
}

/** Creates an object and its audit entry. */
export async function createObject(transaction: Transaction, source: AuditSource, input: NewObject): Promise<ObjectView> {
  const result = await transaction.query(
    `INSERT INTO objects (type, name, description, attributes, created_by)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${OBJECT_COLUMNS}`,
    [input.type, input.name, input.description ?? '', JSON.stringify(input.attributes ?? {}), source.actorId],
  );
  const object = toObjectView(result.rows[0]);
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

/** Changes an object's name, description or attributes (replaced as a whole), raises its version and audits the change. */
export async function updateObject(transaction: Transaction, source: AuditSource, id: string, changes: ObjectChanges): Promise<ObjectView> {
  const before = await readObject(transaction, id, true);
  const result = await transaction.query(
    `UPDATE objects SET name = $2, description = $3, attributes = $4, version = version + 1, updated_at = now()
     WHERE id = $1 RETURNING ${OBJECT_COLUMNS}`,
    [
      id,
      changes.name ?? before.name,
      changes.description ?? before.description,
      JSON.stringify(changes.attributes ?? before.attributes),
    ],
  );
  const after = toObjectView(result.rows[0]);
  await writeAuditEntry(transaction, source, {
    action: 'object.updated',
    entityType: 'object',
    entityId: id,
    before,
    after,
    summary: `${after.type} ${after.name}`,
  });
  return after;
}

/**
 * Deletes an object; its relations go with it by ON DELETE CASCADE. Each of
 * those relations gets its own relation.deleted entry, so the audit log shows
 * every row that disappeared. Returns the ids of the deleted relations.
 */
export async function deleteObject(transaction: Transaction, source: AuditSource, id: string): Promise<string[]> {
  const before = await readObject(transaction, id, true);
  const { outgoing, incoming } = await listRelationsOf(transaction, id);
  // A relation from the object to itself appears in both lists.
  const relations = [...new Map([...outgoing, ...incoming].map((relation) => [relation.id, relation])).values()];

  await transaction.query('DELETE FROM objects WHERE id = $1', [id]);
  for (const relation of relations) await writeAuditEntry(transaction, source, relationDeletedChange(relation));
  await writeAuditEntry(transaction, source, {
    action: 'object.deleted',
    entityType: 'object',
    entityId: id,
    before,
    after: null,
    summary: `${before.type} ${before.name}`,
  });
  return relations.map((relation) => relation.id);
}

async function readObject(transaction: Transaction, id: string, lock: boolean): Promise<ObjectView> {
  const result = await transaction.query(`SELECT ${OBJECT_COLUMNS} FROM objects WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  if (!result.rows[0]) throw new AppError(MODEL_ERRORS.objectNotFound);
  return toObjectView(result.rows[0]);
}

function toObjectView(row: Record<string, unknown>): ObjectView {
  return {
    id: row.id as string,
    type: row.type as string,
    name: row.name as string,
    description: row.description as string,
    attributes: row.attributes as Attributes,
    version: row.version as number,
    createdAt: (row.created_at as Date).toISOString(),
    updatedAt: (row.updated_at as Date).toISOString(),
  };
}
