import type { FlowGraph } from './flow-graph.js';

/**
 * Finds the cycles of the flow graph: its strongly connected components with
 * more than one object, and single objects with a relation to themselves.
 * Each cycle lists its object ids in ascending order, and the cycles are
 * sorted by their first id. Uses Tarjan's algorithm with an explicit stack,
 * so a long chain cannot overflow the call stack.
 */
export function findCycles(graph: FlowGraph): string[][] {
  const objectCount = graph.objectIds.length;
  const order = new Int32Array(objectCount).fill(-1);
  const lowLink = new Int32Array(objectCount);
  const onStack = new Uint8Array(objectCount);
  const componentStack: number[] = [];
  // The depth-first path: an object and the position of the next edge to follow from it.
  const pathObjects: number[] = [];
  const pathNextEdge: number[] = [];
  const cycles: string[][] = [];
  let counter = 0;

  for (let root = 0; root < objectCount; root += 1) {
    if (order[root] !== -1) continue;
    const visit = (object: number): void => {
      order[object] = counter;
      lowLink[object] = counter;
      counter += 1;
      componentStack.push(object);
      onStack[object] = 1;
      pathObjects.push(object);
      pathNextEdge.push(graph.outStart[object]!);
    };
    visit(root);

    while (pathObjects.length > 0) {
      const top = pathObjects.length - 1;
      const object = pathObjects[top]!;
      const edgeIndex = pathNextEdge[top]!;
      if (edgeIndex < graph.outStart[object + 1]!) {
        pathNextEdge[top] = edgeIndex + 1;
        const next = graph.edgeTo[graph.outEdges[edgeIndex]!]!;
        if (order[next] === -1) visit(next);
        else if (onStack[next]) lowLink[object] = Math.min(lowLink[object]!, order[next]!);
        continue;
      }

      pathObjects.pop();
      pathNextEdge.pop();
      const parent = pathObjects[pathObjects.length - 1];
      if (parent !== undefined) lowLink[parent] = Math.min(lowLink[parent]!, lowLink[object]!);
      if (lowLink[object] !== order[object]) continue;

      const component: number[] = [];
      let member: number;
      do {
        member = componentStack.pop()!;
        onStack[member] = 0;
        component.push(member);
      } while (member !== object);
      if (component.length > 1 || hasSelfRelation(graph, object)) {
        cycles.push(component.map((index) => graph.objectIds[index]!).sort());
      }
    }
  }

  return cycles.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

function hasSelfRelation(graph: FlowGraph, object: number): boolean {
  for (let index = graph.outStart[object]!; index < graph.outStart[object + 1]!; index += 1) {
    if (graph.edgeTo[graph.outEdges[index]!] === object) return true;
  }
  return false;
}
