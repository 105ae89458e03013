import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { MODEL_ERRORS } from '../errors.js';
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
 * Creates a relation and its audit entry. Both end objects are locked against
 * deletion until the transaction ends; a missing one gives 422
 * RELATION_ENDPOINT_NOT_FOUND.
 */
export async function createRelation(transaction: Transaction, source: AuditSource, input: NewRelation): Promise<RelationView> {
  const ends = await transaction.query<{ id: string }>('SELECT id FROM objects WHERE id = ANY($1::uuid[]) FOR KEY SHARE', [
    [input.sourceId, input.targetId],
  ]);
  const found = new Set(ends.rows.map((row) => row.id));
  for (const [endpoint, id] of [['source', input.sourceId], ['target', input.targetId]] as const) {
    if (!found.has(id)) {
      throw new AppError(MODEL_ERRORS.relationEndpointNotFound, { detail: `${endpoint} ${id} not found` });
    }
  }

  const inserted = await transaction.query<{ id: string }>(
    `INSERT INTO relations (type, name, source_id, target_id, attributes, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [input.type, input.name ?? '', input.sourceId, input.targetId, JSON.stringify(input.attributes ?? {}), source.actorId],
  );
  const relation = await getRelation(transaction, inserted.rows[0]!.id);
  await writeAuditEntry(transaction, source, {
    action: 'relation.created',
    entityType: 'relation',
    entityId: relation.id,
    before: null,
    after: relation,
    summary: `${relation.source.name} –${relation.type}→ ${relation.target.name}`,
  });
  return relation;
}

/** Deletes a relation and writes its audit entry, or throws RELATION_NOT_FOUND. */
export async function deleteRelation(transaction: Transaction, source: AuditSource, id: string): Promise<void> {
  const relation = await getRelation(transaction, id);
  await transaction.query('DELETE FROM relations WHERE id = $1', [id]);
  await writeAuditEntry(transaction, source, relationDeletedChange(relation));
}

/** Builds the audit change for a deleted relation, also when an object's deletion removes it. */
export function relationDeletedChange(relation: RelationView) {
  return {
    action: 'relation.deleted' as const,
    entityType: 'relation' as const,
    entityId: relation.id,
    before: relation,
    after: null,
    summary: `${relation.source.name} –${relation.type}→ ${relation.target.name}`,
  };
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
