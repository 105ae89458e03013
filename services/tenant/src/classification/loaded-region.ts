import type { Transaction } from '../db/transaction.js';
import { buildFlowGraph, createFlowGraph, type FlowEdge, type FlowGraph } from './flow-graph.js';
import { createLabelTable, type LabelTable } from './level-propagation.js';
import {
  loadRegionModel,
  loadWholeModel,
  type InheritedRow,
  type Removal,
} from './level-store.js';

/**
 * A part of the flow graph loaded for recomputation: the region whose
 * inherited levels are computed, and every object with a flow edge into it,
 * with their assignments and their stored inherited levels.
 */
export interface LoadedRegion {
  graph: FlowGraph;
  /** 1 for the objects whose levels are computed. */
  region: Uint8Array;
  dimensions: string[];
  /** Per dimension, the level set by hand on each object, -1 for none. */
  assigned: Map<string, Int8Array>;
  /** Per dimension, each object's label: the stored one until propagation replaces those of the region. */
  labels: Map<string, LabelTable>;
  /** Per dimension, the stored labels, to find the rows that change. */
  stored: Map<string, StoredLabels>;
}

/** Stored labels with the last object of each row, which a row may name wrongly only if written by other code. */
export interface StoredLabels extends LabelTable {
  viaObject: Int32Array;
}

/** Loads the whole model as one region. */
export async function loadWholeGraph(transaction: Transaction): Promise<LoadedRegion> {
  const model = await loadWholeModel(transaction);
  const objectIndex = new Map<string, number>();
  model.objectIds.forEach((id, index) => objectIndex.set(id, index));
  const edgeFrom = new Int32Array(model.edges.length);
  const edgeTo = new Int32Array(model.edges.length);
  model.edges.forEach((edge, index) => {
    edgeFrom[index] = objectIndex.get(edge.fromId)!;
    edgeTo[index] = objectIndex.get(edge.toId)!;
  });
  const relationIds = model.edges.map((edge) => edge.relationId);
  const graph = createFlowGraph(model.objectIds, relationIds, edgeFrom, edgeTo, objectIndex);
  return fillRegion(graph, model.dimensions, model.objectIds, model.assignments, model.inherited);
}

/** Loads `regionIds` with every object that has a flow edge into them. */
export async function loadRegion(transaction: Transaction, regionIds: string[], removal: Removal): Promise<LoadedRegion> {
  const model = await loadRegionModel(transaction, regionIds, removal);
  const edges: FlowEdge[] = model.edges.map(([relationId, fromId, toId]) => ({ relationId, fromId, toId }));
  const inherited: InheritedRow[] = model.inherited.map(
    ([objectId, dimension, level, sourceObjectId, viaRelationId, viaObjectId, pathLength]) =>
      ({ objectId, dimension, level, sourceObjectId, viaRelationId, viaObjectId, pathLength }),
  );

  // The sources of stored levels get numbers too, so that candidates from
  // outside the region can be compared by source.
  const objectIds = new Set(regionIds);
  for (const row of inherited) objectIds.add(row.sourceObjectId);
  const graph = buildFlowGraph(objectIds, edges);
  return fillRegion(graph, model.dimensions, regionIds, model.assignments, inherited);
}

function fillRegion(
  graph: FlowGraph,
  dimensions: string[],
  regionIds: string[],
  assignments: [string, string, number][],
  inherited: InheritedRow[],
): LoadedRegion {
  const relationIndex = new Map<string, number>();
  graph.relationIds.forEach((id, index) => relationIndex.set(id, index));

  const loaded = emptyRegion(graph, dimensions);
  for (const id of regionIds) loaded.region[graph.objectIndex.get(id)!] = 1;
  for (const [objectId, dimension, level] of assignments) {
    loaded.assigned.get(dimension)![graph.objectIndex.get(objectId)!] = level;
  }
  for (const row of inherited) {
    const stored = loaded.stored.get(row.dimension)!;
    const object = graph.objectIndex.get(row.objectId)!;
    stored.level[object] = row.level;
    stored.source[object] = graph.objectIndex.get(row.sourceObjectId)!;
    stored.viaRelation[object] = relationIndex.get(row.viaRelationId) ?? -1;
    stored.viaObject[object] = graph.objectIndex.get(row.viaObjectId) ?? -1;
    stored.pathLength[object] = row.pathLength;
  }
  copyStoredToLabels(loaded);
  return loaded;
}

function emptyRegion(graph: FlowGraph, dimensions: string[]): LoadedRegion {
  const objectCount = graph.objectIds.length;
  const loaded: LoadedRegion = {
    graph,
    region: new Uint8Array(objectCount),
    dimensions,
    assigned: new Map(),
    labels: new Map(),
    stored: new Map(),
  };
  for (const dimension of dimensions) {
    loaded.assigned.set(dimension, new Int8Array(objectCount).fill(-1));
    loaded.stored.set(dimension, { ...createLabelTable(objectCount), viaObject: new Int32Array(objectCount).fill(-1) });
  }
  return loaded;
}

function copyStoredToLabels(loaded: LoadedRegion): void {
  for (const [dimension, stored] of loaded.stored) {
    loaded.labels.set(dimension, {
      level: stored.level.slice(),
      pathLength: stored.pathLength.slice(),
      source: stored.source.slice(),
      viaRelation: stored.viaRelation.slice(),
    });
  }
}

/** Turns the label of object number `object` into a row, or null when it has none. */
export function labelToRow(loaded: LoadedRegion, dimension: string, object: number): InheritedRow | null {
  const table = loaded.labels.get(dimension)!;
  const level = table.level[object]!;
  if (level < 0) return null;
  const viaRelation = table.viaRelation[object]!;
  return {
    objectId: loaded.graph.objectIds[object]!,
    dimension,
    level,
    sourceObjectId: loaded.graph.objectIds[table.source[object]!]!,
    viaRelationId: loaded.graph.relationIds[viaRelation]!,
    viaObjectId: loaded.graph.objectIds[loaded.graph.edgeFrom[viaRelation]!]!,
    pathLength: table.pathLength[object]!,
  };
}
