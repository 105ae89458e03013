import type { Transaction } from '../../db/transaction.js';

/** The fields of an existing object that CSV matching and references look at. */
export interface IndexedObject {
  id: string;
  type: string;
  name: string;
  externalId: string | null;
}

/** Lookups of the tenant's objects by id, external id and name, for matching rows and resolving references. */
export interface ObjectIndex {
  byId: Map<string, IndexedObject>;
  byExternalId: Map<string, IndexedObject>;
  /** Objects by type, then by name in lower case. */
  byTypeAndName: Map<string, Map<string, IndexedObject[]>>;
  /** Objects of any type by name in lower case. */
  byName: Map<string, IndexedObject[]>;
  /** Objects by type, for finding likely duplicates. */
  byType: Map<string, IndexedObject[]>;
}

/** Matches names as the CSV import does: exactly, apart from letter case. */
export function nameKey(name: string): string {
  return name.toLocaleLowerCase('sv');
}

/**
 * Reads every object's id, type, name and external id.
 *
 * NOTE: the whole index is held in memory, one entry per object of the
 * tenant, so an import into a very large tenant needs memory in proportion.
 */
export async function readObjectIndex(transaction: Transaction): Promise<ObjectIndex> {
  const result = await transaction.query<{ id: string; type: string; name: string; external_id: string | null }>(
    'SELECT id, type, name, external_id FROM objects',
  );
  const index: ObjectIndex = { byId: new Map(), byExternalId: new Map(), byTypeAndName: new Map(), byName: new Map(), byType: new Map() };
  for (const row of result.rows) {
    const object: IndexedObject = { id: row.id, type: row.type, name: row.name, externalId: row.external_id };
    index.byId.set(object.id, object);
    if (object.externalId !== null) index.byExternalId.set(object.externalId, object);
    const key = nameKey(object.name);
    let ofType = index.byTypeAndName.get(object.type);
    if (!ofType) index.byTypeAndName.set(object.type, (ofType = new Map()));
    appendTo(ofType, key, object);
    appendTo(index.byName, key, object);
    appendTo(index.byType, object.type, object);
  }
  return index;
}

function appendTo<Key>(map: Map<Key, IndexedObject[]>, key: Key, object: IndexedObject): void {
  const list = map.get(key);
  if (list) list.push(object);
  else map.set(key, [object]);
}
