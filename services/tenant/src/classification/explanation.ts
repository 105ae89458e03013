import { AppError } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { MODEL_ERRORS } from '../model/errors.js';
import { findCycleOf, loadObjectSummaries, type ObjectSummary } from './cycle-report.js';
import type { FlowEdge } from './flow-graph.js';
import { loadFlowSteps } from './level-store.js';

/** A level set by hand: the object's own level on an information object, an override on any other. */
export interface AssignedLevelView {
  level: number;
  justification: string;
  kind: 'own' | 'override';
  version: number;
  updatedAt: string;
  updatedBy: string | null;
}

/** One relation of an explanation, from the object that passes the level on to the one that receives it. */
export interface PathStep {
  relation: {
    id: string;
    type: string;
    sourceId: string;
    targetId: string;
    /** The direction the relation type carries levels in: with 'source_to_target', `from` is the relation's source. */
    flow: 'source_to_target' | 'target_to_source';
    nameSv: string;
    nameEn: string;
    reverseNameSv: string;
    reverseNameEn: string;
  };
  from: ObjectSummary;
  to: ObjectSummary;
}

export interface InheritedLevelView {
  level: number;
  /** The object where the level was set. */
  source: ObjectSummary;
  /** The relations from `source` to the object, in that order. */
  path: PathStep[];
  /** False when the stored path could not be followed back to the source. `path` then contains the part next to the object. */
  complete: boolean;
}

export interface DimensionClassification {
  dimension: string;
  assigned: AssignedLevelView | null;
  /** For an override, the level it overrides. */
  inherited: InheritedLevelView | null;
  /** The level that counts: the assigned one, else the inherited one. */
  effective: { level: number; origin: 'assigned' | 'inherited' } | null;
}

export interface ObjectClassification {
  object: ObjectSummary;
  /** In the order of the scale. */
  dimensions: DimensionClassification[];
  /** The cycle of relations that carry levels the object is part of, or null. */
  cycle: ObjectSummary[] | null;
}

// A path that the stored rows cannot explain is searched for with one query
// per relation. Beyond this many objects the search stops, and the path is
// reported incomplete.
const MAX_SEARCHED_OBJECTS = 20_000;

/** Reads the levels of an object with their explanations. Throws 404 OBJECT_NOT_FOUND. */
export async function readObjectClassification(transaction: Transaction, objectId: string): Promise<ObjectClassification> {
  const objectResult = await transaction.query<ObjectSummary & { role: string }>(
    'SELECT o.id, o.name, o.type, t.role FROM objects o JOIN object_types t ON t.key = o.type WHERE o.id = $1',
    [objectId],
  );
  const object = objectResult.rows[0];
  if (!object) throw new AppError(MODEL_ERRORS.objectNotFound, { detail: `object ${objectId}` });

  const dimensions = await transaction.query<{ key: string }>('SELECT key FROM classification_dimensions ORDER BY sort_order, key');
  const assigned = await readAssignedLevels(transaction, objectId, object.role === 'information' ? 'own' : 'override');
  const chains = await readStoredPaths(transaction, objectId);
  const inherited = new Map<string, { level: number; sourceId: string; edges: FlowEdge[]; complete: boolean }>();
  for (const [dimension, chain] of chains) inherited.set(dimension, await completePath(transaction, dimension, chain));

  const paths = [...inherited.values()];
  const describe = await pathDescriber(
    transaction,
    paths.flatMap((path) => path.edges),
    paths.map((path) => path.sourceId),
  );
  const cycle = await findCycleOf(transaction, objectId);
  const cycleObjects = cycle ? await loadObjectSummaries(transaction, cycle) : null;

  return {
    object: { id: object.id, name: object.name, type: object.type },
    dimensions: dimensions.rows.map(({ key }) => {
      const own = assigned.get(key) ?? null;
      const path = inherited.get(key);
      const inheritedView = path
        ? { level: path.level, source: describe.object(path.sourceId), path: path.edges.map(describe.step), complete: path.complete }
        : null;
      return {
        dimension: key,
        assigned: own,
        inherited: inheritedView,
        effective: own
          ? { level: own.level, origin: 'assigned' as const }
          : inheritedView
            ? { level: inheritedView.level, origin: 'inherited' as const }
            : null,
      };
    }),
    cycle: cycle && cycleObjects ? cycle.map((id) => cycleObjects.get(id)!).filter(Boolean) : null,
  };
}

async function readAssignedLevels(transaction: Transaction, objectId: string, kind: 'own' | 'override'): Promise<Map<string, AssignedLevelView>> {
  const result = await transaction.query<{
    dimension: string;
    level: number;
    justification: string;
    version: number;
    updated_at: Date;
    updated_by: string | null;
  }>('SELECT dimension, level, justification, version, updated_at, updated_by FROM classification_assignments WHERE object_id = $1', [
    objectId,
  ]);
  return new Map(
    result.rows.map((row) => [
      row.dimension,
      {
        level: row.level,
        justification: row.justification,
        kind,
        version: row.version,
        updatedAt: row.updated_at.toISOString(),
        updatedBy: row.updated_by,
      },
    ]),
  );
}

interface StoredStep {
  objectId: string;
  level: number;
  sourceId: string;
  viaRelationId: string;
  viaObjectId: string;
  pathLength: number;
}

/**
 * Follows the stored last steps from the object back towards the source,
 * per dimension, as long as each predecessor's row continues the same path
 * (same source and level, one relation shorter). The path length falls by
 * one at each step, so the walk ends even on rows written wrongly.
 */
async function readStoredPaths(transaction: Transaction, objectId: string): Promise<Map<string, StoredStep[]>> {
  const result = await transaction.query<{
    dimension: string;
    object_id: string;
    level: number;
    source_object_id: string;
    via_relation_id: string;
    via_object_id: string;
    path_length: number;
  }>(
    `WITH RECURSIVE chain AS (
       SELECT object_id, dimension, level, source_object_id, via_relation_id, via_object_id, path_length
       FROM inherited_levels WHERE object_id = $1
       UNION ALL
       SELECT p.object_id, p.dimension, p.level, p.source_object_id, p.via_relation_id, p.via_object_id, p.path_length
       FROM chain c JOIN inherited_levels p
         ON p.object_id = c.via_object_id AND p.dimension = c.dimension AND p.source_object_id = c.source_object_id
        AND p.level = c.level AND p.path_length = c.path_length - 1
     )
     SELECT * FROM chain ORDER BY dimension, path_length DESC`,
    [objectId],
  );
  const chains = new Map<string, StoredStep[]>();
  for (const row of result.rows) {
    const chain = chains.get(row.dimension) ?? [];
    chain.push({
      objectId: row.object_id,
      level: row.level,
      sourceId: row.source_object_id,
      viaRelationId: row.via_relation_id,
      viaObjectId: row.via_object_id,
      pathLength: row.path_length,
    });
    chains.set(row.dimension, chain);
  }
  return chains;
}

/**
 * Turns a stored chain into the path from the source. The chain of an
 * override in a cycle stops short of the source, because its level comes
 * from a second-best path that the stored rows do not contain. The rest is
 * then searched for along relations through objects without a level of their own.
 */
async function completePath(
  transaction: Transaction,
  dimension: string,
  chain: StoredStep[],
): Promise<{ level: number; sourceId: string; edges: FlowEdge[]; complete: boolean }> {
  const first = chain[0]!;
  const edges = chain.map((step) => ({ relationId: step.viaRelationId, fromId: step.viaObjectId, toId: step.objectId })).reverse();
  const last = chain.at(-1)!;
  if (last.viaObjectId === first.sourceId) return { level: first.level, sourceId: first.sourceId, edges, complete: true };

  const rest = await searchPath(transaction, dimension, first.sourceId, last.viaObjectId, last.pathLength - 1);
  if (!rest) return { level: first.level, sourceId: first.sourceId, edges, complete: false };
  return { level: first.level, sourceId: first.sourceId, edges: [...rest, ...edges], complete: true };
}

/** Finds a shortest path of at most `maxLength` relations from `fromId` to `toId` that passes only through objects without a level in `dimension`. */
async function searchPath(transaction: Transaction, dimension: string, fromId: string, toId: string, maxLength: number): Promise<FlowEdge[] | null> {
  const reachedBy = new Map<string, FlowEdge | null>([[fromId, null]]);
  let frontier = [fromId];
  for (let length = 1; length <= maxLength && frontier.length > 0 && reachedBy.size < MAX_SEARCHED_OBJECTS; length += 1) {
    const steps = (await loadFlowSteps(transaction, frontier)).sort((a, b) => (a.relationId < b.relationId ? -1 : 1));
    const next: string[] = [];
    for (const step of steps) {
      if (reachedBy.has(step.toId)) continue;
      reachedBy.set(step.toId, step);
      if (step.toId === toId) return unwind(reachedBy, toId);
      next.push(step.toId);
    }
    const assigned = await transaction.query<{ object_id: string }>(
      'SELECT object_id FROM classification_assignments WHERE dimension = $1 AND object_id = ANY ($2::uuid[])',
      [dimension, next],
    );
    const stops = new Set(assigned.rows.map((row) => row.object_id));
    frontier = next.filter((id) => !stops.has(id));
  }
  return null;
}

function unwind(reachedBy: Map<string, FlowEdge | null>, toId: string): FlowEdge[] {
  const path: FlowEdge[] = [];
  for (let step = reachedBy.get(toId); step; step = reachedBy.get(step.fromId)) path.unshift(step);
  return path;
}

/** Loads what the steps and sources need for display, and returns functions that describe them. */
async function pathDescriber(
  transaction: Transaction,
  edges: FlowEdge[],
  sourceIds: string[],
): Promise<{ object: (id: string) => ObjectSummary; step: (edge: FlowEdge) => PathStep }> {
  const objects = await loadObjectSummaries(transaction, [...sourceIds, ...edges.flatMap((edge) => [edge.fromId, edge.toId])]);
  const relations = await transaction.query<{
    id: string;
    type: string;
    source_id: string;
    target_id: string;
    protection_flow: 'source_to_target' | 'target_to_source';
    name_sv: string;
    name_en: string;
    reverse_name_sv: string;
    reverse_name_en: string;
  }>(
    `SELECT r.id, r.type, r.source_id, r.target_id, t.protection_flow, t.name_sv, t.name_en, t.reverse_name_sv, t.reverse_name_en
     FROM relations r JOIN relation_types t ON t.key = r.type WHERE r.id = ANY ($1::uuid[])`,
    [[...new Set(edges.map((edge) => edge.relationId))]],
  );
  const relationById = new Map(relations.rows.map((row) => [row.id, row]));
  // Rows point only at existing objects and relations (their foreign keys cascade), so a miss is a row being changed right now.
  const object = (id: string): ObjectSummary => objects.get(id) ?? { id, name: '', type: '' };
  return {
    object,
    step: (edge) => {
      const relation = relationById.get(edge.relationId);
      return {
        relation: {
          id: edge.relationId,
          type: relation?.type ?? '',
          sourceId: relation?.source_id ?? edge.fromId,
          targetId: relation?.target_id ?? edge.toId,
          flow: relation?.protection_flow ?? 'source_to_target',
          nameSv: relation?.name_sv ?? '',
          nameEn: relation?.name_en ?? '',
          reverseNameSv: relation?.reverse_name_sv ?? '',
          reverseNameEn: relation?.reverse_name_en ?? '',
        },
        from: object(edge.fromId),
        to: object(edge.toId),
      };
    },
  };
}
