import type { Transaction } from '../db/transaction.js';
import type { FlowEdge } from './flow-graph.js';

/**
 * Reading and writing what propagation works on: flow edges, assignments
 * and inherited levels. Each load is one statement, so it reads one
 * snapshot, and returns its rows aggregated into a few values rather than
 * one result row per table row.
 */

/** Objects and relations to leave out, as if already deleted. */
export interface Removal {
  objectIds: string[];
  relationIds: string[];
}

export const NO_REMOVAL: Removal = { objectIds: [], relationIds: [] };

/** A row of `inherited_levels`. */
export interface InheritedRow {
  objectId: string;
  dimension: string;
  level: number;
  sourceObjectId: string;
  viaRelationId: string;
  viaObjectId: string;
  pathLength: number;
}

/** Every object id, flow edge, assignment and inherited level of the tenant. */
export interface WholeModel {
  dimensions: string[];
  /** Object ids in ascending order. */
  objectIds: string[];
  /** Flow edges in ascending order of relation id. */
  edges: FlowEdge[];
  assignments: [string, string, number][];
  inherited: InheritedRow[];
}

/** The model around a region, by id: flow edges into it, and the assignments and inherited levels of every object they touch. */
export interface RegionModel {
  dimensions: string[];
  /** Triples of relation id, id of the object levels travel from, id of the object they travel to. */
  edges: [string, string, string][];
  assignments: [string, string, number][];
  inherited: [string, string, number, string, string, string, number][];
}

// Relations whose type carries levels, turned so that levels travel from
// from_id to to_id.
const FLOW_EDGES = `
  SELECT r.id,
         CASE t.protection_flow WHEN 'source_to_target' THEN r.source_id ELSE r.target_id END AS from_id,
         CASE t.protection_flow WHEN 'source_to_target' THEN r.target_id ELSE r.source_id END AS to_id
  FROM relations r JOIN relation_types t ON t.key = r.type
  WHERE t.protection_flow <> 'none'`;

const UUID_LENGTH = 36;

/** Loads every object, flow relation, assignment and inherited level of the tenant. */
export async function loadWholeModel(transaction: Transaction): Promise<WholeModel> {
  // Ids travel as one string of fixed-width uuids per column, and inherited
  // levels as one string of space-separated fields, so the driver parses a
  // few large values instead of hundreds of thousands of rows.
  const result = await transaction.query<{
    dimensions: string[];
    object_ids: string;
    edges: string;
    assignments: [string, string, number][];
    inherited: string;
  }>(`
    SELECT
      (SELECT coalesce(json_agg(key ORDER BY key), '[]') FROM classification_dimensions) AS dimensions,
      (SELECT coalesce(string_agg(id::text, '' ORDER BY id), '') FROM objects) AS object_ids,
      (SELECT coalesce(string_agg(e.id::text || e.from_id::text || e.to_id::text, '' ORDER BY e.id), '') FROM (${FLOW_EDGES}) e) AS edges,
      (SELECT coalesce(json_agg(json_build_array(object_id, dimension, level)), '[]') FROM classification_assignments) AS assignments,
      (SELECT coalesce(string_agg(concat_ws(' ', object_id, dimension, level, source_object_id, via_relation_id, via_object_id, path_length), ' '), '')
       FROM inherited_levels) AS inherited`);
  const row = result.rows[0]!;

  const objectIds = splitFixedWidth(row.object_ids, UUID_LENGTH);
  const edges = toFlowEdges(splitFixedWidth(row.edges, UUID_LENGTH));
  const fields = row.inherited === '' ? [] : row.inherited.split(' ');
  const inherited: InheritedRow[] = [];
  for (let at = 0; at < fields.length; at += 7) {
    inherited.push({
      objectId: fields[at]!,
      dimension: fields[at + 1]!,
      level: Number(fields[at + 2]),
      sourceObjectId: fields[at + 3]!,
      viaRelationId: fields[at + 4]!,
      viaObjectId: fields[at + 5]!,
      pathLength: Number(fields[at + 6]),
    });
  }
  return { dimensions: row.dimensions, objectIds, edges, assignments: row.assignments, inherited };
}

/** Loads every flow edge, in ascending order of relation id. */
export async function loadFlowEdges(transaction: Transaction): Promise<FlowEdge[]> {
  const result = await transaction.query<{ edges: string }>(
    `SELECT coalesce(string_agg(e.id::text || e.from_id::text || e.to_id::text, '' ORDER BY e.id), '') AS edges FROM (${FLOW_EDGES}) e`,
  );
  return toFlowEdges(splitFixedWidth(result.rows[0]!.edges, UUID_LENGTH));
}

function toFlowEdges(parts: string[]): FlowEdge[] {
  const edges: FlowEdge[] = [];
  for (let at = 0; at < parts.length; at += 3) edges.push({ relationId: parts[at]!, fromId: parts[at + 1]!, toId: parts[at + 2]! });
  return edges;
}

function splitFixedWidth(text: string, width: number): string[] {
  const parts = new Array<string>(text.length / width);
  for (let index = 0; index < parts.length; index += 1) parts[index] = text.slice(index * width, (index + 1) * width);
  return parts;
}

/**
 * Returns the existing objects among `seedIds` and every object reachable
 * from them along flow edges, leaving out the removed objects and relations.
 */
export async function loadDownstreamClosure(transaction: Transaction, seedIds: string[], removal: Removal = NO_REMOVAL): Promise<string[]> {
  // UNION (not UNION ALL) drops objects already reached, so the recursion
  // ends on cycles. The LATERAL subquery follows both directions of flow
  // with one reference to the recursive table, as PostgreSQL requires.
  const result = await transaction.query<{ id: string }>(
    `WITH RECURSIVE reached (id) AS (
       SELECT o.id FROM objects o WHERE o.id = ANY ($1::uuid[]) AND o.id <> ALL ($2::uuid[])
       UNION
       SELECT step.id
       FROM reached, LATERAL (
         SELECT r.target_id AS id FROM relations r JOIN relation_types t ON t.key = r.type
         WHERE r.source_id = reached.id AND t.protection_flow = 'source_to_target' AND r.id <> ALL ($3::uuid[])
         UNION ALL
         SELECT r.source_id FROM relations r JOIN relation_types t ON t.key = r.type
         WHERE r.target_id = reached.id AND t.protection_flow = 'target_to_source' AND r.id <> ALL ($3::uuid[])
       ) step
       WHERE step.id <> ALL ($2::uuid[])
     )
     SELECT id FROM reached`,
    [seedIds, removal.objectIds, removal.relationIds],
  );
  return result.rows.map((row) => row.id);
}

/** Returns the objects among `withinIds` from which `targetId` can be reached along flow edges inside `withinIds`. */
export async function loadUpstreamClosureWithin(transaction: Transaction, targetId: string, withinIds: string[]): Promise<string[]> {
  const result = await transaction.query<{ id: string }>(
    `WITH RECURSIVE reaching (id) AS (
       SELECT $1::uuid
       UNION
       SELECT step.id
       FROM reaching, LATERAL (
         SELECT r.source_id AS id FROM relations r JOIN relation_types t ON t.key = r.type
         WHERE r.target_id = reaching.id AND t.protection_flow = 'source_to_target'
         UNION ALL
         SELECT r.target_id FROM relations r JOIN relation_types t ON t.key = r.type
         WHERE r.source_id = reaching.id AND t.protection_flow = 'target_to_source'
       ) step
       WHERE step.id = ANY ($2::uuid[])
     )
     SELECT id FROM reaching WHERE id = ANY ($2::uuid[])`,
    [targetId, withinIds],
  );
  return result.rows.map((row) => row.id);
}

/** Returns the objects that levels travel to from `objectIds` in one step, with the relations they travel along. */
export async function loadFlowSteps(transaction: Transaction, objectIds: string[]): Promise<FlowEdge[]> {
  const result = await transaction.query<{ id: string; from_id: string; to_id: string }>(
    `SELECT e.id, e.from_id, e.to_id FROM (${FLOW_EDGES} AND (r.source_id = ANY ($1::uuid[]) OR r.target_id = ANY ($1::uuid[]))) e
     WHERE e.from_id = ANY ($1::uuid[])`,
    [objectIds],
  );
  return result.rows.map((row) => ({ relationId: row.id, fromId: row.from_id, toId: row.to_id }));
}

/** Returns the objects that levels travel to along flow edges leaving the removed objects or along the removed relations. */
export async function loadRemovalTargets(transaction: Transaction, removal: Removal): Promise<string[]> {
  const result = await transaction.query<{ to_id: string }>(
    `SELECT DISTINCT e.to_id FROM (${FLOW_EDGES} AND (r.id = ANY ($1::uuid[]) OR r.source_id = ANY ($2::uuid[]) OR r.target_id = ANY ($2::uuid[]))) e
     WHERE e.from_id = ANY ($2::uuid[]) OR e.id = ANY ($1::uuid[])`,
    [removal.relationIds, removal.objectIds],
  );
  return result.rows.map((row) => row.to_id);
}

/**
 * Loads the flow edges that end in `regionIds`, and the assignments and
 * inherited levels of the region and of every object those edges start at,
 * leaving out the removed objects and relations.
 */
export async function loadRegionModel(transaction: Transaction, regionIds: string[], removal: Removal): Promise<RegionModel> {
  // The two branches of edges_into use relations_target_id and relations_source_id, one per direction of flow.
  // An array of the loaded ids, unlike an IN subquery, lets the planner use the primary keys below.
  const result = await transaction.query<RegionModel>(
    `WITH edges_into AS (
       SELECT r.id, r.source_id AS from_id, r.target_id AS to_id
       FROM relations r JOIN relation_types t ON t.key = r.type
       WHERE r.target_id = ANY ($1::uuid[]) AND t.protection_flow = 'source_to_target'
         AND r.id <> ALL ($2::uuid[]) AND r.source_id <> ALL ($3::uuid[])
       UNION ALL
       SELECT r.id, r.target_id, r.source_id
       FROM relations r JOIN relation_types t ON t.key = r.type
       WHERE r.source_id = ANY ($1::uuid[]) AND t.protection_flow = 'target_to_source'
         AND r.id <> ALL ($2::uuid[]) AND r.target_id <> ALL ($3::uuid[])
     ), loaded AS (
       SELECT unnest($1::uuid[]) AS id UNION SELECT from_id FROM edges_into
     )
     SELECT
       (SELECT coalesce(json_agg(key ORDER BY key), '[]') FROM classification_dimensions) AS dimensions,
       (SELECT coalesce(json_agg(json_build_array(id, from_id, to_id)), '[]') FROM edges_into) AS edges,
       (SELECT coalesce(json_agg(json_build_array(object_id, dimension, level)), '[]')
        FROM classification_assignments WHERE object_id = ANY (ARRAY (SELECT id FROM loaded))) AS assignments,
       (SELECT coalesce(json_agg(json_build_array(object_id, dimension, level, source_object_id, via_relation_id, via_object_id, path_length)), '[]')
        FROM inherited_levels WHERE object_id = ANY (ARRAY (SELECT id FROM loaded))) AS inherited`,
    [regionIds, removal.relationIds, removal.objectIds],
  );
  return result.rows[0]!;
}

/** Inserts or replaces the given rows and deletes the rows of the given keys, each in one statement. */
export async function writeInheritedRows(
  transaction: Transaction,
  upserts: InheritedRow[],
  deletions: { objectId: string; dimension: string }[],
): Promise<void> {
  if (deletions.length > 0) {
    await transaction.query(
      `DELETE FROM inherited_levels i USING unnest($1::uuid[], $2::text[]) AS d (object_id, dimension)
       WHERE i.object_id = d.object_id AND i.dimension = d.dimension`,
      [deletions.map((row) => row.objectId), deletions.map((row) => row.dimension)],
    );
  }
  if (upserts.length > 0) {
    await transaction.query(
      `INSERT INTO inherited_levels (object_id, dimension, level, source_object_id, via_relation_id, via_object_id, path_length)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::uuid[], $5::uuid[], $6::uuid[], $7::int[])
       ON CONFLICT (object_id, dimension) DO UPDATE SET
         level = excluded.level, source_object_id = excluded.source_object_id,
         via_relation_id = excluded.via_relation_id, via_object_id = excluded.via_object_id,
         path_length = excluded.path_length`,
      [
        upserts.map((row) => row.objectId),
        upserts.map((row) => row.dimension),
        upserts.map((row) => row.level),
        upserts.map((row) => row.sourceObjectId),
        upserts.map((row) => row.viaRelationId),
        upserts.map((row) => row.viaObjectId),
        upserts.map((row) => row.pathLength),
      ],
    );
  }
}
