import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { lockClassification, previewRemoval, recomputeFrom } from '../../classification/propagation.js';
import { notifyChange } from '../../live/notify.js';
import { checkRelationAllowed } from '../../meta-model/validate.js';
import { MODEL_ERRORS } from '../errors.js';
import { notifyLevelChanges, withLevelChanges } from '../level-changes.js';
import type { Attributes } from '../schemas.js';

/** A relation as the API returns it, with the names and types of both ends. */
export interface RelationView {
  id: string;
  type: string;
  name: string;
  sourceId: string;
  targetId: string;
  attributes: Attributes;
  createdAt: string;
  source: { id: string; name: string; type: string };
  target: { id: string; name: string; type: string };
}

export interface NewRelation {
  type: string;
  sourceId: string;
  targetId: string;
  name?: string;
  attributes?: Attributes;
}

const SELECT_RELATION_VIEWS = `
  SELECT r.id, r.type, r.name, r.source_id, r.target_id, r.attributes, r.created_at,
         s.name AS source_name, s.type AS source_type, t.name AS target_name, t.type AS target_type
  FROM relations r JOIN objects s ON s.id = r.source_id JOIN objects t ON t.id = r.target_id`;

/** Lists the relations that leave and enter an object, each ordered by type and target or source name. */
export async function listRelationsOf(transaction: Transaction, objectId: string): Promise<{ outgoing: RelationView[]; incoming: RelationView[] }> {
  const outgoing = await transaction.query(`${SELECT_RELATION_VIEWS} WHERE r.source_id = $1 ORDER BY r.type, t.name, r.id`, [objectId]);
  const incoming = await transaction.query(`${SELECT_RELATION_VIEWS} WHERE r.target_id = $1 ORDER BY r.type, s.name, r.id`, [objectId]);
  return { outgoing: outgoing.rows.map(toRelationView), incoming: incoming.rows.map(toRelationView) };
}

/** Reads one relation or throws RELATION_NOT_FOUND. */
export async function getRelation(transaction: Transaction, id: string): Promise<RelationView> {
  const result = await transaction.query(`${SELECT_RELATION_VIEWS} WHERE r.id = $1`, [id]);
  if (!result.rows[0]) throw new AppError(MODEL_ERRORS.relationNotFound);
  return toRelationView(result.rows[0]);
}

/**
 * Creates a relation between two objects whose types its relation type
 * allows, recomputes the inherited levels from both ends, queues the change
 * notice and writes the audit entry. Both end objects are locked against
 * deletion until the transaction ends. Throws 422
 * RELATION_ENDPOINT_NOT_FOUND for a missing end, and RELATION_TYPE_UNKNOWN or
 * RELATION_NOT_ALLOWED from the meta-model.
 */
export async function createRelation(transaction: Transaction, source: AuditSource, input: NewRelation): Promise<RelationView> {
  await lockClassification(transaction);
  const ends = await transaction.query<{ id: string; type: string }>('SELECT id, type FROM objects WHERE id = ANY($1::uuid[]) FOR KEY SHARE', [
    [input.sourceId, input.targetId],
  ]);
  const endTypes = new Map(ends.rows.map((row) => [row.id, row.type]));
  for (const [endpoint, id] of [['source', input.sourceId], ['target', input.targetId]] as const) {
    if (!endTypes.has(id)) {
      throw new AppError(MODEL_ERRORS.relationEndpointNotFound, { detail: `${endpoint} ${id} not found` });
    }
  }
  await checkRelationAllowed(transaction, { type: input.type, sourceType: endTypes.get(input.sourceId)!, targetType: endTypes.get(input.targetId)! });

  const inserted = await transaction.query<{ id: string }>(
    `INSERT INTO relations (type, name, source_id, target_id, attributes, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [input.type, input.name ?? '', input.sourceId, input.targetId, JSON.stringify(input.attributes ?? {}), source.actorId],
  );
  const relation = await getRelation(transaction, inserted.rows[0]!.id);
  const levelChanges = await recomputeFrom(transaction, [relation.sourceId, relation.targetId]);

  await notifyChange(transaction, { entity: 'relation', action: 'created', id: relation.id });
  await notifyLevelChanges(transaction, levelChanges);
  await writeAuditEntry(transaction, source, {
    action: 'relation.created',
    entityType: 'relation',
    entityId: relation.id,
    before: null,
    after: withLevelChanges(relation, levelChanges),
    summary: relationSummary(relation),
  });
  return relation;
}

/**
 * Deletes a relation, recomputes the inherited levels from both of its
 * former ends, queues the change notice and writes the audit entry, whose
 * `after` contains the level changes when there are any. Throws
 * RELATION_NOT_FOUND.
 */
export async function deleteRelation(transaction: Transaction, source: AuditSource, id: string): Promise<void> {
  await lockClassification(transaction);
  const relation = await getRelation(transaction, id);
  // The deletion cascades to the inherited levels that came through the
  // relation, so the levels before it are read from the preview, which reads
  // the same graph under the classification lock.
  const levelChanges = await previewRemoval(transaction, { objectIds: [], relationIds: [id] });
  await transaction.query('DELETE FROM relations WHERE id = $1', [id]);
  await recomputeFrom(transaction, [relation.sourceId, relation.targetId]);

  await notifyChange(transaction, { entity: 'relation', action: 'deleted', id });
  await notifyLevelChanges(transaction, levelChanges);
  const change = relationDeletedChange(relation);
  await writeAuditEntry(transaction, source, levelChanges.length > 0 ? { ...change, after: { levelChanges } } : change);
}

/** Builds the audit change for a deleted relation, also when an object's deletion removes it. */
export function relationDeletedChange(relation: RelationView) {
  return {
    action: 'relation.deleted' as const,
    entityType: 'relation' as const,
    entityId: relation.id,
    before: relation,
    after: null,
    summary: relationSummary(relation),
  };
}

function relationSummary(relation: RelationView): string {
  return `${relation.source.name} –${relation.type}→ ${relation.target.name}`;
}

function toRelationView(row: Record<string, unknown>): RelationView {
  return {
    id: row.id as string,
    type: row.type as string,
    name: row.name as string,
    sourceId: row.source_id as string,
    targetId: row.target_id as string,
    attributes: row.attributes as Attributes,
    createdAt: (row.created_at as Date).toISOString(),
    source: { id: row.source_id as string, name: row.source_name as string, type: row.source_type as string },
    target: { id: row.target_id as string, name: row.target_name as string, type: row.target_type as string },
  };
}
