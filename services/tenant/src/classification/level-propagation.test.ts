import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findCycles } from './cycles.js';
import { buildFlowGraph, type FlowEdge, type FlowGraph } from './flow-graph.js';
import {
  createLabelTable,
  findSelfFedObjects,
  groupBySource,
  propagateExcluding,
  propagateLevels,
  regionOf,
  type LabelTable,
} from './level-propagation.js';

interface ExpectedLabel {
  level: number;
  pathLength: number;
  source: string;
  viaRelation: string;
}

/**
 * Computes the labels straight from their definition, one breadth-first
 * search per assigned object: the best (highest level, shortest path, lowest
 * source id) over every source that reaches the object through objects
 * without an assignment, never counting an object's own assignment.
 */
function expectedLabels(objectIds: string[], edges: FlowEdge[], assigned: Map<string, number>): Map<string, ExpectedLabel> {
  const distances = new Map<string, Map<string, number>>();
  for (const [source] of assigned) {
    const distance = new Map<string, number>();
    let frontier = [source];
    for (let length = 1; frontier.length > 0; length += 1) {
      const next: string[] = [];
      for (const from of frontier) {
        for (const edge of edges) {
          if (edge.fromId !== from || edge.toId === source || distance.has(edge.toId)) continue;
          distance.set(edge.toId, length);
          if (!assigned.has(edge.toId)) next.push(edge.toId);
        }
      }
      frontier = next;
    }
    distances.set(source, distance);
  }

  const labels = new Map<string, ExpectedLabel>();
  for (const object of objectIds) {
    let best: Omit<ExpectedLabel, 'viaRelation'> | undefined;
    for (const [source, level] of assigned) {
      const pathLength = distances.get(source)!.get(object);
      if (pathLength === undefined) continue;
      const better =
        !best ||
        level > best.level ||
        (level === best.level && (pathLength < best.pathLength || (pathLength === best.pathLength && source < best.source)));
      if (better) best = { level, pathLength, source };
    }
    if (!best) continue;

    const found = best;
    const steps = edges
      .filter((edge) => edge.toId === object)
      .filter((edge) =>
        found.pathLength === 1
          ? edge.fromId === found.source
          : !assigned.has(edge.fromId) && distances.get(found.source)!.get(edge.fromId) === found.pathLength - 1,
      )
      .map((edge) => edge.relationId)
      .sort();
    labels.set(object, { ...found, viaRelation: steps[0]! });
  }
  return labels;
}

function computeAll(graph: FlowGraph, assigned: Map<string, number>): LabelTable {
  const levels = new Int8Array(graph.objectIds.length).fill(-1);
  for (const [id, level] of assigned) levels[graph.objectIndex.get(id)!] = level;
  const labels = createLabelTable(graph.objectIds.length);
  const everyObject = graph.objectIds.map((_, index) => index);
  propagateLevels(graph, regionOf(everyObject.length, everyObject), levels, labels);
  const heirs = groupBySource(everyObject, levels, labels);
  for (const object of findSelfFedObjects(graph, everyObject, levels, labels)) {
    propagateExcluding(graph, object, heirs.get(object) ?? [], levels, labels);
  }
  return labels;
}

function labelsById(graph: FlowGraph, labels: LabelTable): Map<string, ExpectedLabel> {
  const result = new Map<string, ExpectedLabel>();
  graph.objectIds.forEach((id, index) => {
    if (labels.level[index]! < 0) return;
    result.set(id, {
      level: labels.level[index]!,
      pathLength: labels.pathLength[index]!,
      source: graph.objectIds[labels.source[index]!]!,
      viaRelation: graph.relationIds[labels.viaRelation[index]!]!,
    });
  });
  return result;
}

const objectName = (index: number): string => `o${String(index).padStart(2, '0')}`;
const relationName = (index: number): string => `r${String(index).padStart(3, '0')}`;

describe('propagateLevels', () => {
  it('passes the highest level around a cycle and reports it', () => {
    // information → A → B → A, and A → A.
    const edges: FlowEdge[] = [
      { relationId: 'r1', fromId: 'info', toId: 'a' },
      { relationId: 'r2', fromId: 'a', toId: 'b' },
      { relationId: 'r3', fromId: 'b', toId: 'a' },
      { relationId: 'r4', fromId: 'a', toId: 'a' },
    ];
    const graph = buildFlowGraph([], edges);
    const labels = labelsById(graph, computeAll(graph, new Map([['info', 3]])));

    expect(labels.get('a')).toEqual({ level: 3, pathLength: 1, source: 'info', viaRelation: 'r1' });
    expect(labels.get('b')).toEqual({ level: 3, pathLength: 2, source: 'info', viaRelation: 'r2' });
    expect(labels.has('info')).toBe(false);
    expect(findCycles(graph)).toEqual([['a', 'b']]);
  });

  it('reports a relation from an object to itself as a cycle', () => {
    const graph = buildFlowGraph([], [{ relationId: 'r1', fromId: 'a', toId: 'a' }, { relationId: 'r2', fromId: 'a', toId: 'b' }]);
    expect(findCycles(graph)).toEqual([['a']]);
  });

  it('stops at an override and passes its level on', () => {
    const edges: FlowEdge[] = [
      { relationId: 'r1', fromId: 'info', toId: 'a' },
      { relationId: 'r2', fromId: 'a', toId: 'b' },
    ];
    const graph = buildFlowGraph([], edges);
    const labels = labelsById(graph, computeAll(graph, new Map([['info', 4], ['a', 1]])));

    expect(labels.get('a')).toEqual({ level: 4, pathLength: 1, source: 'info', viaRelation: 'r1' });
    expect(labels.get('b')).toEqual({ level: 1, pathLength: 1, source: 'a', viaRelation: 'r2' });
  });

  it('gives an override in a cycle what it would inherit without it', () => {
    // a (override 4) → x → a, and low (1) → x: without its override a would get 1 through x.
    const edges: FlowEdge[] = [
      { relationId: 'r1', fromId: 'a', toId: 'x' },
      { relationId: 'r2', fromId: 'x', toId: 'a' },
      { relationId: 'r3', fromId: 'low', toId: 'x' },
    ];
    const graph = buildFlowGraph([], edges);
    const labels = labelsById(graph, computeAll(graph, new Map([['a', 4], ['low', 1]])));

    expect(labels.get('x')).toEqual({ level: 4, pathLength: 1, source: 'a', viaRelation: 'r1' });
    expect(labels.get('a')).toEqual({ level: 1, pathLength: 2, source: 'low', viaRelation: 'r2' });
  });

  it('matches the definition on random graphs', () => {
    const graphs = fc.integer({ min: 2, max: 10 }).chain((objectCount) =>
      fc.record({
        objectCount: fc.constant(objectCount),
        edges: fc.array(fc.tuple(fc.nat(objectCount - 1), fc.nat(objectCount - 1)), { minLength: objectCount, maxLength: 3 * objectCount }),
        // Two objects in three have no assignment, so levels travel through cycles.
        levels: fc.array(
          fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 1 }),
          { minLength: objectCount, maxLength: objectCount },
        ),
      }),
    );
    fc.assert(
      fc.property(graphs, ({ objectCount, edges, levels }) => {
        const objectIds = Array.from({ length: objectCount }, (_, index) => objectName(index));
        const flowEdges = edges.map(([from, to], index) => ({ relationId: relationName(index), fromId: objectName(from), toId: objectName(to) }));
        const assigned = new Map<string, number>();
        objectIds.forEach((id, index) => {
          if (levels[index] !== undefined) assigned.set(id, levels[index]);
        });

        const graph = buildFlowGraph(objectIds, flowEdges);
        expect(labelsById(graph, computeAll(graph, assigned))).toEqual(expectedLabels(objectIds, flowEdges, assigned));
      }),
      { seed: 20240611, numRuns: 500 },
    );
  });
});
