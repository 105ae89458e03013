import type { FlowGraph } from './flow-graph.js';

/**
 * Propagation of one dimension's levels over a flow graph, in memory.
 *
 * An object with a level set by hand (an assignment) passes that level along
 * its outgoing edges. An object without one passes on the level it inherits.
 * Every object inherits the best of what reaches it, where better means: a
 * higher level, then fewer relations from where the level was set, then the
 * lower source id, then the lower relation id for the last step. That order
 * makes the result unique, so an incremental recomputation writes exactly the
 * rows a full one writes, and a path never loops, because each step leads to
 * an object one relation closer to the source.
 *
 * An object with an assignment also gets an inherited level (the one its
 * assignment overrides), but never from its own assignment coming back
 * around a cycle: its inherited level is what it would inherit without the
 * assignment.
 */

/** The highest level that may be stored; the schema checks levels against 0 to 20. */
export const MAX_LEVEL = 20;

/** Per object, the inherited level and where it comes from; level -1 means none. */
export interface LabelTable {
  level: Int8Array;
  /** Relations between the source and the object. */
  pathLength: Int32Array;
  /** Object number of where the level was set. */
  source: Int32Array;
  /** Relation number of the last step. */
  viaRelation: Int32Array;
}

export function createLabelTable(objectCount: number): LabelTable {
  return {
    level: new Int8Array(objectCount).fill(-1),
    pathLength: new Int32Array(objectCount),
    source: new Int32Array(objectCount).fill(-1),
    viaRelation: new Int32Array(objectCount).fill(-1),
  };
}

/** The objects whose labels are computed: as a list, and as a flag per object number. */
export interface Region {
  objects: readonly number[];
  contains: Uint8Array;
}

/** Builds a region from a list of object numbers. */
export function regionOf(objectCount: number, objects: readonly number[]): Region {
  const contains = new Uint8Array(objectCount);
  for (const object of objects) contains[object] = 1;
  return { objects, contains };
}

/**
 * Computes the labels of the objects in `region` from the labels already in
 * `labels` for every other object, which stay as they are. `assigned`
 * contains the level set by hand per object, -1 for none. The level set on
 * `excludedSource` (when not -1) counts nowhere.
 */
export function propagateLevels(
  graph: FlowGraph,
  region: Region,
  assigned: Int8Array,
  labels: LabelTable,
  excludedSource = -1,
): void {
  const relationCount = graph.relationIds.length;
  const inRegion = region.contains;
  for (const object of region.objects) labels.level[object] = -1;

  // A pending candidate is the number source * relationCount + relation,
  // kept per level and path length, so sorting the numbers of one bucket
  // orders them by source, then by relation. Both fit a double exactly
  // below 2^53, far above any tenant's objects times relations.
  const buckets: Map<number, number[]>[] = Array.from({ length: MAX_LEVEL + 1 }, () => new Map());
  const enqueue = (level: number, pathLength: number, source: number, relation: number): void => {
    const layers = buckets[level]!;
    let layer = layers.get(pathLength);
    if (!layer) {
      layer = [];
      layers.set(pathLength, layer);
    }
    layer.push(source * relationCount + relation);
  };

  // Every edge that enters the region from an object outside it, or from an
  // object with an assignment, brings a candidate that does not depend on the
  // region's own labels.
  for (const to of region.objects) {
    for (let index = graph.inStart[to]!; index < graph.inStart[to + 1]!; index += 1) {
      const relation = graph.inEdges[index]!;
      const from = graph.edgeFrom[relation]!;
      if (assigned[from]! >= 0) {
        if (from !== excludedSource) enqueue(assigned[from]!, 1, from, relation);
      } else if (!inRegion[from] && labels.level[from]! >= 0 && labels.source[from] !== excludedSource) {
        enqueue(labels.level[from]!, labels.pathLength[from]! + 1, labels.source[from]!, relation);
      }
    }
  }

  for (let level = MAX_LEVEL; level >= 0; level -= 1) {
    const layers = buckets[level]!;
    while (layers.size > 0) {
      const pathLength = Math.min(...layers.keys());
      const candidates = Float64Array.from(layers.get(pathLength)!).sort();
      layers.delete(pathLength);

      for (const candidate of candidates) {
        const source = Math.floor(candidate / relationCount);
        const relation = candidate - source * relationCount;
        const object = graph.edgeTo[relation]!;
        if (labels.level[object]! >= 0) continue;
        // An assignment never comes back to its own object as an inherited level.
        if (assigned[object]! >= 0 && source === object) continue;

        labels.level[object] = level;
        labels.pathLength[object] = pathLength;
        labels.source[object] = source;
        labels.viaRelation[object] = relation;
        if (assigned[object]! >= 0) continue;

        for (let index = graph.outStart[object]!; index < graph.outStart[object + 1]!; index += 1) {
          const next = graph.outEdges[index]!;
          const target = graph.edgeTo[next]!;
          if (inRegion[target] && labels.level[target]! < 0) enqueue(level, pathLength + 1, source, next);
        }
      }
    }
  }
}

/**
 * Lists the objects with an assignment whose label `propagateLevels` may
 * have got wrong. An object without an assignment passes only its best
 * level on. When that best level came around a cycle from the assigned
 * object itself, `propagateExcluding` has to compute what the assigned
 * object would inherit without its assignment.
 */
export function findSelfFedObjects(graph: FlowGraph, candidates: Iterable<number>, assigned: Int8Array, labels: LabelTable): number[] {
  const found: number[] = [];
  for (const object of candidates) {
    if (assigned[object]! < 0) continue;
    for (let index = graph.inStart[object]!; index < graph.inStart[object + 1]!; index += 1) {
      const from = graph.edgeFrom[graph.inEdges[index]!]!;
      if (assigned[from]! < 0 && labels.level[from]! >= 0 && labels.source[from] === object) {
        found.push(object);
        break;
      }
    }
  }
  return found;
}

/**
 * Groups the objects without an assignment by the source of their label,
 * for `propagateExcluding`.
 */
export function groupBySource(objects: Iterable<number>, assigned: Int8Array, labels: LabelTable): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const object of objects) {
    if (assigned[object]! >= 0 || labels.level[object]! < 0) continue;
    const source = labels.source[object]!;
    const group = groups.get(source);
    if (group) group.push(object);
    else groups.set(source, [object]);
  }
  return groups;
}

/**
 * Computes the inherited label of the assigned object `object` as if its
 * assignment counted nowhere, and stores it in `labels`. Every other label
 * stays as it was. Only the objects that inherit from `object` (`heirs`,
 * from `groupBySource`) can change when its level is taken away, so only
 * they are computed again. Each of them must be in `graph` with its
 * incoming edges.
 */
export function propagateExcluding(graph: FlowGraph, object: number, heirs: readonly number[], assigned: Int8Array, labels: LabelTable): void {
  const members = [object, ...heirs];
  const saved = members.map((member) => saveLabel(labels, member));
  propagateLevels(graph, regionOf(graph.objectIds.length, members), assigned, labels, object);
  const result = saveLabel(labels, object);
  saved.forEach((label, index) => restoreLabel(labels, members[index]!, label));
  restoreLabel(labels, object, result);
}

interface SavedLabel {
  level: number;
  pathLength: number;
  source: number;
  viaRelation: number;
}

function saveLabel(labels: LabelTable, object: number): SavedLabel {
  return {
    level: labels.level[object]!,
    pathLength: labels.pathLength[object]!,
    source: labels.source[object]!,
    viaRelation: labels.viaRelation[object]!,
  };
}

function restoreLabel(labels: LabelTable, object: number, label: SavedLabel): void {
  labels.level[object] = label.level;
  labels.pathLength[object] = label.pathLength;
  labels.source[object] = label.source;
  labels.viaRelation[object] = label.viaRelation;
}
