import { isDeepStrictEqual } from 'node:util';
import type { Transaction } from '../../db/transaction.js';
import { IDENTIFIER_ATTRIBUTE, type ArchimateRelationship } from './parse.js';
import { relationTypeForRelationship } from './type-mapping.js';
import { BATCH_SIZE, type ImportProgress, type WriteCounts } from './import-progress.js';

interface StoredRelation {
  id: string;
  type: string;
  name: string;
  source_id: string;
  target_id: string;
  attributes: Record<string, unknown>;
  identifier: string;
}

/**
 * Writes the relationships as relations between the objects in
 * `objectIds` (element identifier to object id). A relationship whose
 * identifier an existing relation has in `archimate:identifier` updates that
 * relation (type, name, ends, and its attributes merged with the file's)
 * instead of adding another. Where earlier imports left several relations
 * with one identifier, the oldest is updated and the others are kept.
 */
export async function writeRelations(
  transaction: Transaction,
  actorId: string | null,
  relationships: ArchimateRelationship[],
  objectIds: Map<string, string>,
  onProgress: (progress: ImportProgress) => void,
): Promise<WriteCounts> {
  const existing = await readMatchedRelations(transaction, relationships.map((relationship) => relationship.identifier));
  const inserts: ArchimateRelationship[] = [];
  const updates: { id: string; relationship: ArchimateRelationship; attributes: Record<string, unknown> }[] = [];
  let unchanged = 0;

  for (const relationship of relationships) {
    const stored = existing.get(relationship.identifier);
    if (!stored) {
      inserts.push(relationship);
      continue;
    }
    const attributes = { ...stored.attributes, ...relationship.attributes };
    const same =
      stored.type === relationTypeForRelationship(relationship.type) &&
      stored.name === relationship.name &&
      stored.source_id === objectIds.get(relationship.source) &&
      stored.target_id === objectIds.get(relationship.target) &&
      isDeepStrictEqual(stored.attributes, attributes);
    if (same) unchanged += 1;
    else updates.push({ id: stored.id, relationship, attributes });
  }

  let done = unchanged;
  for (let start = 0; start < inserts.length; start += BATCH_SIZE) {
    const batch = inserts.slice(start, start + BATCH_SIZE);
    await transaction.query(
      `INSERT INTO relations (type, name, source_id, target_id, attributes, created_by)
       SELECT type, name, source_id, target_id, attributes, $6
       FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::jsonb[]) AS item(type, name, source_id, target_id, attributes)`,
      [
        batch.map((relationship) => relationTypeForRelationship(relationship.type)),
        batch.map((relationship) => relationship.name),
        batch.map((relationship) => objectIds.get(relationship.source)),
        batch.map((relationship) => objectIds.get(relationship.target)),
        batch.map((relationship) => JSON.stringify(relationship.attributes)),
        actorId,
      ],
    );
    done += batch.length;
    onProgress({ phase: 'relations', done, total: relationships.length });
  }

  for (let start = 0; start < updates.length; start += BATCH_SIZE) {
    const batch = updates.slice(start, start + BATCH_SIZE);
    await transaction.query(
      `UPDATE relations r SET type = item.type, name = item.name, source_id = item.source_id, target_id = item.target_id, attributes = item.attributes
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::jsonb[]) AS item(id, type, name, source_id, target_id, attributes)
       WHERE r.id = item.id`,
      [
        batch.map((update) => update.id),
        batch.map((update) => relationTypeForRelationship(update.relationship.type)),
        batch.map((update) => update.relationship.name),
        batch.map((update) => objectIds.get(update.relationship.source)),
        batch.map((update) => objectIds.get(update.relationship.target)),
        batch.map((update) => JSON.stringify(update.attributes)),
      ],
    );
    done += batch.length;
    onProgress({ phase: 'relations', done, total: relationships.length });
  }
  if (inserts.length === 0 && updates.length === 0) onProgress({ phase: 'relations', done, total: relationships.length });

  return { created: inserts.length, updated: updates.length, unchanged };
}

/** Reads and locks the relations that carry one of the identifiers, keeping the oldest per identifier. */
async function readMatchedRelations(transaction: Transaction, identifiers: string[]): Promise<Map<string, StoredRelation>> {
  const result = await transaction.query<StoredRelation>(
    `SELECT id, type, name, source_id, target_id, attributes, attributes ->> '${IDENTIFIER_ATTRIBUTE}' AS identifier
     FROM relations WHERE attributes ->> '${IDENTIFIER_ATTRIBUTE}' = ANY($1::text[])
     ORDER BY created_at, id FOR UPDATE`,
    [identifiers],
  );
  const matched = new Map<string, StoredRelation>();
  for (const row of result.rows) if (!matched.has(row.identifier)) matched.set(row.identifier, row);
  return matched;
}
