import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { lockClassification, previewRemoval, recomputeFrom, type LevelChange } from '../../classification/propagation.js';
import { notifyChange } from '../../live/notify.js';
import { readObjectType } from '../../meta-model/meta-model.js';
import { notifyLevelChanges } from '../level-changes.js';
import { listRelationsOf, relationDeletedChange, type RelationView } from '../relations/relations.js';
import { readObject, type ObjectView } from './object-view.js';
import { clearIncomingReferences, findIncomingReferences, type IncomingReference } from './references.js';
import { rejectRequirementTypes } from './type-rules.js';
import { throwVersionConflict } from './version-conflict.js';

/** The effects of deleting an object, as `GET /api/objects/:id/deletion-preview` returns them. */
export interface DeletionPreview {
  object: { id: string; name: string; type: string; version: number };
  /** The relations that go with the object, each with the object at its other end. */
  relations: { id: string; type: string; direction: 'outgoing' | 'incoming'; other: { id: string; name: string; type: string } }[];
  /** The effective classification levels of other objects that would change. */
  levelChanges: (LevelChange & { objectName: string; objectType: string })[];
  /** How many compliance statements about the object would go. */
  statements: number;
  /** Reference attributes of other objects that point to the object and would be cleared. */
  references: IncomingReference[];
}

/**
 * Describes what deleting the object would do, without changing anything.
 * Throws OBJECT_NOT_FOUND, or 422 OBJECT_TYPE_RESERVED for a requirement set
 * or requirement, which only the requirements API deletes.
 */
export async function previewObjectDeletion(transaction: Transaction, id: string): Promise<DeletionPreview> {
  const object = await readObject(transaction, id);
  rejectRequirementTypes(await readObjectType(transaction, object.type));
  const relations = await relationsOf(transaction, id);
  const levelChanges = await previewRemoval(transaction, { objectIds: [id], relationIds: relations.map((relation) => relation.id) });

  return {
    object: { id: object.id, name: object.name, type: object.type, version: object.version },
    relations: relations.map((relation) => {
      const outgoing = relation.sourceId === id;
      return { id: relation.id, type: relation.type, direction: outgoing ? 'outgoing' : 'incoming', other: outgoing ? relation.target : relation.source };
    }),
    levelChanges: await nameLevelChanges(transaction, levelChanges),
    statements: await countStatements(transaction, id),
    references: await findIncomingReferences(transaction, id, false),
  };
}

/**
 * Deletes an object that is still at `version`, with its relations and
 * compliance statements, clears the reference attributes of other objects
 * that point to it, and recomputes the inherited levels of its former
 * neighbours, all in the caller's transaction. The audit log gets one entry
 * per relation, one per object whose reference was cleared, and one for the
 * object. The object's entry has in its `after` the level changes, the
 * cleared references, the number of statements removed and the levels that
 * were set on the object by hand.
 */
export async function deleteObject(transaction: Transaction, source: AuditSource, id: string, version: number): Promise<void> {
  await lockClassification(transaction);

  // Objects that reference this one are locked before it, in the order that
  // a concurrent change of such an object takes its locks (its own row, then
  // the objects it references), so the two do not deadlock.
  await findIncomingReferences(transaction, id, true);
  const object = await readObject(transaction, id, 'update');
  if (object.version !== version) await throwVersionConflict(transaction, object, version, null);
  rejectRequirementTypes(await readObjectType(transaction, object.type));
  // The first look locked the objects that referenced this one then. One
  // that set a reference in between, before the lock above, is found now.
  // NOTE: locking such an object after this one can deadlock with a second
  // change of it that started meanwhile. PostgreSQL then aborts one of the
  // two transactions with SQLSTATE 40P01, and that request fails.
  const references = await findIncomingReferences(transaction, id, true);

  const relations = await relationsOf(transaction, id);
  const neighbours = [...new Set(relations.flatMap((relation) => [relation.sourceId, relation.targetId]))].filter((other) => other !== id);
  const statements = await countStatements(transaction, id);
  const assignments = await readAssignments(transaction, id);
  const cleared = await clearIncomingReferences(transaction, references);

  // The deletion cascades to the inherited levels that came from or through
  // the object, so the levels before it are read from the preview, which
  // reads the same graph under the classification lock.
  const levelChanges = await previewRemoval(transaction, { objectIds: [id], relationIds: relations.map((relation) => relation.id) });
  await transaction.query('DELETE FROM objects WHERE id = $1', [id]);
  await recomputeFrom(transaction, neighbours);

  await notifyChange(transaction, { entity: 'object', action: 'deleted', id, version: object.version });
  if (relations.length > 0) {
    await notifyChange(transaction, { entity: 'relation', action: 'deleted', id: null, ids: relations.map((relation) => relation.id) });
  }
  for (const { after } of cleared) await notifyChange(transaction, { entity: 'object', action: 'updated', id: after.id, version: after.version });
  await notifyLevelChanges(transaction, levelChanges);

  await auditDeletion(transaction, source, { object, relations, cleared, references, levelChanges, statements, assignments });
}

async function auditDeletion(
  transaction: Transaction,
  source: AuditSource,
  deletion: {
    object: ObjectView;
    relations: RelationView[];
    cleared: { before: ObjectView; after: ObjectView }[];
    references: IncomingReference[];
    levelChanges: LevelChange[];
    statements: number;
    assignments: { dimension: string; level: number; justification: string }[];
  },
): Promise<void> {
  const { object } = deletion;
  for (const relation of deletion.relations) await writeAuditEntry(transaction, source, relationDeletedChange(relation));
  for (const { before, after } of deletion.cleared) {
    await writeAuditEntry(transaction, source, {
      action: 'object.updated',
      entityType: 'object',
      entityId: after.id,
      before,
      after,
      summary: `${after.type} ${after.name}`,
    });
  }
  await writeAuditEntry(transaction, source, {
    action: 'object.deleted',
    entityType: 'object',
    entityId: object.id,
    before: object,
    after: {
      levelChanges: deletion.levelChanges,
      clearedReferences: deletion.references.map(({ objectId, attribute }) => ({ objectId, attribute })),
      statementsRemoved: deletion.statements,
      assignmentsRemoved: deletion.assignments,
    },
    summary: `${object.type} ${object.name}`,
  });
}

/** Lists the object's relations, a relation from the object to itself once. */
async function relationsOf(transaction: Transaction, id: string): Promise<RelationView[]> {
  const { outgoing, incoming } = await listRelationsOf(transaction, id);
  return [...new Map([...outgoing, ...incoming].map((relation) => [relation.id, relation])).values()];
}

async function countStatements(transaction: Transaction, id: string): Promise<number> {
  const result = await transaction.query<{ count: number }>('SELECT count(*)::int AS count FROM compliance_statements WHERE object_id = $1', [id]);
  return result.rows[0]!.count;
}

/** Reads the classification levels set by hand on the object, which its deletion removes. */
async function readAssignments(transaction: Transaction, id: string): Promise<{ dimension: string; level: number; justification: string }[]> {
  const result = await transaction.query<{ dimension: string; level: number; justification: string }>(
    'SELECT dimension, level, justification FROM classification_assignments WHERE object_id = $1 ORDER BY dimension',
    [id],
  );
  return result.rows;
}

async function nameLevelChanges(transaction: Transaction, changes: LevelChange[]): Promise<DeletionPreview['levelChanges']> {
  if (changes.length === 0) return [];
  const result = await transaction.query<{ id: string; name: string; type: string }>('SELECT id, name, type FROM objects WHERE id = ANY($1::uuid[])', [
    [...new Set(changes.map((change) => change.objectId))],
  ]);
  const objects = new Map(result.rows.map((row) => [row.id, row]));
  return changes.map((change) => ({ ...change, objectName: objects.get(change.objectId)?.name ?? '', objectType: objects.get(change.objectId)?.type ?? '' }));
}
