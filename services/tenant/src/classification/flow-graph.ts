/**
 * The flow graph in memory: one directed edge per relation whose type
 * carries protection needs, pointing the way levels travel. Objects and
 * relations are numbered in the sort order of their ids, so comparing
 * numbers compares ids the way PostgreSQL orders uuids. The choice among
 * equally good paths then depends only on the graph, not on which part of
 * it was loaded.
 */

/** One relation that carries levels, from the object that passes them on to the object that receives them. */
export interface FlowEdge {
  relationId: string;
  fromId: string;
  toId: string;
}

export interface FlowGraph {
  /** Object ids in ascending order; an object's number is its position here. */
  objectIds: string[];
  objectIndex: Map<string, number>;
  /** Relation ids in ascending order; a relation's number is its position here, and each is one edge. */
  relationIds: string[];
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  /** The edges leaving object `i` are `outEdges[outStart[i]] … outEdges[outStart[i + 1] - 1]`. */
  outStart: Int32Array;
  outEdges: Int32Array;
  /** The edges entering object `i`, laid out like the outgoing ones. */
  inStart: Int32Array;
  inEdges: Int32Array;
}

/** Builds the graph of `edges` plus the objects in `objectIds` that have no edge. */
export function buildFlowGraph(objectIds: Iterable<string>, edges: readonly FlowEdge[]): FlowGraph {
  const idSet = new Set(objectIds);
  for (const edge of edges) {
    idSet.add(edge.fromId);
    idSet.add(edge.toId);
  }
  const sortedObjectIds = [...idSet].sort(compareIds);
  const objectIndex = indexIds(sortedObjectIds);

  const sortedEdges = [...edges].sort((a, b) => compareIds(a.relationId, b.relationId));
  const edgeFrom = new Int32Array(sortedEdges.length);
  const edgeTo = new Int32Array(sortedEdges.length);
  sortedEdges.forEach((edge, index) => {
    edgeFrom[index] = objectIndex.get(edge.fromId)!;
    edgeTo[index] = objectIndex.get(edge.toId)!;
  });
  return createFlowGraph(sortedObjectIds, sortedEdges.map((edge) => edge.relationId), edgeFrom, edgeTo, objectIndex);
}

/**
 * Builds the graph from ids that are already sorted and edges given by
 * object numbers, as the whole-model query returns them.
 */
export function createFlowGraph(
  objectIds: string[],
  relationIds: string[],
  edgeFrom: Int32Array,
  edgeTo: Int32Array,
  objectIndex: Map<string, number> = indexIds(objectIds),
): FlowGraph {
  const outgoing = groupEdges(objectIds.length, edgeFrom);
  const incoming = groupEdges(objectIds.length, edgeTo);
  return {
    objectIds,
    objectIndex,
    relationIds,
    edgeFrom,
    edgeTo,
    outStart: outgoing.start,
    outEdges: outgoing.edges,
    inStart: incoming.start,
    inEdges: incoming.edges,
  };
}

function indexIds(ids: string[]): Map<string, number> {
  const index = new Map<string, number>();
  ids.forEach((id, position) => index.set(id, position));
  return index;
}

/** Compares two ids in the order PostgreSQL sorts lower-case uuids. */
export function compareIds(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

// Counting sort of edge numbers by one of their ends (compressed sparse rows).
function groupEdges(objectCount: number, endOf: Int32Array): { start: Int32Array; edges: Int32Array } {
  const start = new Int32Array(objectCount + 1);
  for (const end of endOf) start[end + 1]! += 1;
  for (let i = 0; i < objectCount; i += 1) start[i + 1]! += start[i]!;
  const next = start.slice(0, objectCount);
  const edges = new Int32Array(endOf.length);
  for (let edge = 0; edge < endOf.length; edge += 1) {
    const end = endOf[edge]!;
    edges[next[end]!] = edge;
    next[end]! += 1;
  }
  return { start, edges };
}
