import { FLOW_RELATION_TYPES, type RelationSet } from './relations.js';
import type { GeneratedRelation, Pools } from './model-types.js';
import type { SeededRandom } from './seeded-random.js';

/**
 * Adds `handled_in` relations from the hub to applications and platform
 * services of the first domains, in random order, skipping those that would
 * take the hub more than 5 % past `target`, until the hub reaches `target`
 * objects. Then it removes as many other `handled_in` relations, so the
 * total stays as asked. The removed relations start at other information
 * objects, which no relation that carries levels leads to, so the hub's
 * reach stays the same.
 */
export function connectHub(
  random: SeededRandom,
  relations: RelationSet,
  pools: Pools,
  objectCount: number,
  hub: number,
  target: number,
  domains: number,
): { reached: number; added: number } {
  const graph = flowGraph(relations.list, objectCount);
  const reached = new Uint8Array(objectCount);
  let count = markReachable(graph, hub, reached).length - 1;
  const limit = Math.round(target * 1.05);

  // The first three domains hold enough applications for any reach up to their size.
  const candidates: number[] = [];
  for (let domain = 0; domain < Math.min(domains, 3); domain += 1) {
    candidates.push(...pools.byDomain.application[domain]!, ...pools.byDomain.platform_service[domain]!);
  }
  let added = 0;
  for (const object of random.shuffled(candidates)) {
    if (count >= target) break;
    const newlyReached = markReachable(graph, object, reached);
    if (newlyReached.length === 0) continue;
    if (count + newlyReached.length > limit || !relations.add(random, 'handled_in', hub, object)) {
      for (const other of newlyReached) reached[other] = 0;
      continue;
    }
    added += 1;
    count += newlyReached.length;
  }

  const removable = relations.list.flatMap((relation, index) => (relation.type === 'handled_in' && relation.source !== hub ? [index] : []));
  const removed = new Set(random.shuffled(removable).slice(0, added));
  relations.keep((_, index) => !removed.has(index));
  return { reached: count, added };
}

/** Outgoing relations that carry levels, as adjacency lists by object index. */
function flowGraph(relations: GeneratedRelation[], objectCount: number): number[][] {
  const graph: number[][] = Array.from({ length: objectCount }, () => []);
  for (const relation of relations) {
    if (FLOW_RELATION_TYPES.has(relation.type)) graph[relation.source]!.push(relation.target);
  }
  return graph;
}

/** Marks every object reachable from `start` (itself included) that is not marked yet, and returns the objects it marked. */
function markReachable(graph: number[][], start: number, marked: Uint8Array): number[] {
  if (marked[start]) return [];
  marked[start] = 1;
  const newlyMarked = [start];
  const stack = [start];
  while (stack.length > 0) {
    for (const next of graph[stack.pop()!]!) {
      if (marked[next]) continue;
      marked[next] = 1;
      newlyMarked.push(next);
      stack.push(next);
    }
  }
  return newlyMarked;
}

/** Counts the objects reachable from `start`, itself included; `scratch` must be all zero and is left so. */
function countReachable(graph: number[][], start: number, scratch: Uint8Array): number {
  const marked = markReachable(graph, start, scratch);
  for (const object of marked) scratch[object] = 0;
  return marked.length;
}

export function sampleInformationReach(random: SeededRandom, relations: GeneratedRelation[], objectCount: number, pools: Pools): number {
  const graph = flowGraph(relations, objectCount);
  const information = pools.byDomain.information_object.flat();
  const scratch = new Uint8Array(objectCount);
  let total = 0;
  const samples = 50;
  for (let sample = 0; sample < samples; sample += 1) {
    total += countReachable(graph, random.pick(information), scratch) - 1;
  }
  return Math.round(total / samples);
}

