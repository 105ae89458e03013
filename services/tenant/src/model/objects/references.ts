import type { Transaction } from '../../db/transaction.js';
import { readObject, type ObjectView } from './object-view.js';

/** A reference attribute of another object that points to an object about to be deleted. */
export interface IncomingReference {
  objectId: string;
  objectName: string;
  objectType: string;
  /** The attribute's key. */
  attribute: string;
  /** A required attribute stays empty after the deletion, and the object's next change must fill it. */
  required: boolean;
}

/**
 * Finds the reference attributes of other objects that point to `id`. With
 * `lock`, those objects are locked FOR NO KEY UPDATE, so none of them
 * changes the attribute before the deletion clears it.
 */
export async function findIncomingReferences(transaction: Transaction, id: string, lock: boolean): Promise<IncomingReference[]> {
  const result = await transaction.query(
    `SELECT o.id, o.name, o.type, d.key, d.required
     FROM attribute_definitions d
     JOIN objects o ON o.type = d.object_type AND o.attributes @> jsonb_build_object(d.key, $1::text)
     WHERE d.kind = 'reference' AND o.id <> $1::uuid
     ORDER BY o.id, d.key
     ${lock ? 'FOR NO KEY UPDATE OF o' : ''}`,
    [id],
  );
  return result.rows.map((row) => ({
    objectId: row.id as string,
    objectName: row.name as string,
    objectType: row.type as string,
    attribute: row.key as string,
    required: row.required as boolean,
  }));
}

/**
 * Removes the given reference attributes from their objects and raises each
 * object's version. Returns each changed object before and after, for the
 * audit log. The caller holds the locks of findIncomingReferences.
 */
export async function clearIncomingReferences(
  transaction: Transaction,
  references: IncomingReference[],
): Promise<{ before: ObjectView; after: ObjectView }[]> {
  const keysByObject = new Map<string, string[]>();
  for (const reference of references) keysByObject.set(reference.objectId, [...(keysByObject.get(reference.objectId) ?? []), reference.attribute]);

  const changes: { before: ObjectView; after: ObjectView }[] = [];
  for (const [objectId, keys] of keysByObject) {
    const before = await readObject(transaction, objectId);
    await transaction.query(
      'UPDATE objects SET attributes = attributes - $2::text[], version = version + 1, updated_at = now() WHERE id = $1',
      [objectId, keys],
    );
    changes.push({ before, after: await readObject(transaction, objectId) });
  }
  return changes;
}
