import { randomUUID } from 'node:crypto';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import type { ArchimateModel } from './parse.js';

/** One progress report of the import. */
export interface ImportProgress {
  phase: 'parsing' | 'objects' | 'relations';
  done: number;
  total: number;
}

// Rows per INSERT: large enough to be fast, small enough for regular progress lines.
const BATCH_SIZE = 500;

/**
 * Writes a checked model as new objects and relations plus one
 * `import.archimate` audit entry, in the caller's transaction so a failure
 * leaves the model unchanged.
 *
 * NOTE: every import creates new objects. Importing the same file twice gives
 * two copies, because matching on `archimate:identifier` is not built yet.
 */
export async function importArchimateModel(
  transaction: Transaction,
  source: AuditSource,
  model: ArchimateModel,
  onProgress: (progress: ImportProgress) => void,
): Promise<{ objects: number; relations: number }> {
  // Object ids are chosen here, keyed by each element's XML identifier attribute, so relations
  // find their ends without reading anything back from the stored attributes.
  const objectIds = new Map(model.elements.map((element) => [element.identifier, randomUUID()]));
  for (let start = 0; start < model.elements.length; start += BATCH_SIZE) {
    const batch = model.elements.slice(start, start + BATCH_SIZE);
    await transaction.query(
      `INSERT INTO objects (id, type, name, description, attributes, created_by)
       SELECT id, type, name, description, attributes, $6 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
         AS item(id, type, name, description, attributes)`,
      [
        batch.map((element) => objectIds.get(element.identifier)),
        batch.map((element) => element.type),
        batch.map((element) => element.name),
        batch.map((element) => element.description),
        batch.map((element) => JSON.stringify(element.attributes)),
        source.actorId,
      ],
    );
    onProgress({ phase: 'objects', done: start + batch.length, total: model.elements.length });
  }

  for (let start = 0; start < model.relationships.length; start += BATCH_SIZE) {
    const batch = model.relationships.slice(start, start + BATCH_SIZE);
    await transaction.query(
      `INSERT INTO relations (type, name, source_id, target_id, attributes, created_by)
       SELECT type, name, source_id, target_id, attributes, $6
       FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::jsonb[]) AS item(type, name, source_id, target_id, attributes)`,
      [
        batch.map((relationship) => relationship.type),
        // A relation name may be empty, unlike an object name, so the identifier fallback is dropped.
        batch.map((relationship) => (relationship.name === relationship.identifier ? '' : relationship.name)),
        batch.map((relationship) => objectIds.get(relationship.source)),
        batch.map((relationship) => objectIds.get(relationship.target)),
        batch.map((relationship) => JSON.stringify(relationship.attributes)),
        source.actorId,
      ],
    );
    onProgress({ phase: 'relations', done: start + batch.length, total: model.relationships.length });
  }

  const counts = { objects: model.elements.length, relations: model.relationships.length };
  await writeAuditEntry(transaction, source, {
    action: 'import.archimate',
    entityType: 'model',
    entityId: null,
    before: null,
    after: counts,
    summary: `ArchiMate import: ${counts.objects} objects, ${counts.relations} relations`,
  });
  return counts;
}
