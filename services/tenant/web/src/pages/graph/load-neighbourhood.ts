import { apiRequest } from '../../api/client';
import type { ObjectClassification } from '../../api/classification';
import type { ObjectWithRelations, Relation } from '../../api/types';

/** Most objects one graph shows. More would make the layout slow and the picture unreadable. */
export const MAX_GRAPH_NODES = 150;

/** Requests in flight at once while a graph loads, so a large neighbourhood does not flood the tenant. */
const PARALLEL_REQUESTS = 6;

export interface GraphNode {
  id: string;
  name: string;
  type: string;
  /** Number of relations between this object and the start object. */
  distance: number;
}

export interface GraphEdge {
  id: string;
  type: string;
  sourceId: string;
  targetId: string;
}

export interface Neighbourhood {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** True when objects were left out because the graph reached MAX_GRAPH_NODES. */
  truncated: boolean;
}

/** Runs `work` on every item with at most PARALLEL_REQUESTS running at once, keeping the order of the results. */
async function mapInBatches<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += PARALLEL_REQUESTS) {
    results.push(...(await Promise.all(items.slice(start, start + PARALLEL_REQUESTS).map(work))));
  }
  return results;
}

/**
 * Loads the objects within `depth` relations of the start object, following
 * relations in both directions, breadth first. `relationTypes` limits the
 * relations followed; null follows every type.
 *
 * The API has no neighbourhood route, so this reads GET /api/objects/:id for
 * every object closer than `depth`. Relations between two objects at exactly
 * `depth` are therefore not shown, because those objects are not read.
 */
export async function loadNeighbourhood(
  startId: string,
  depth: number,
  relationTypes: ReadonlySet<string> | null,
  signal: AbortSignal,
): Promise<Neighbourhood> {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  let truncated = false;

  const start = await apiRequest<ObjectWithRelations>(`/api/objects/${encodeURIComponent(startId)}`, { signal });
  nodes.set(start.id, { id: start.id, name: start.name, type: start.type, distance: 0 });
  let frontier: ObjectWithRelations[] = [start];

  for (let distance = 1; distance <= depth && frontier.length > 0; distance += 1) {
    const reached: string[] = [];
    for (const object of frontier) {
      const relations: Relation[] = [...object.relations.outgoing, ...object.relations.incoming];
      for (const relation of relations) {
        if (relationTypes !== null && !relationTypes.has(relation.type)) {
          continue;
        }
        const other = relation.sourceId === object.id ? relation.target : relation.source;
        if (!nodes.has(other.id)) {
          if (nodes.size >= MAX_GRAPH_NODES) {
            truncated = true;
            continue;
          }
          nodes.set(other.id, { id: other.id, name: other.name, type: other.type, distance });
          reached.push(other.id);
        }
        edges.set(relation.id, { id: relation.id, type: relation.type, sourceId: relation.sourceId, targetId: relation.targetId });
      }
    }
    // The objects at the last distance are not read, because their relations would lead beyond the depth.
    frontier =
      distance < depth ? await mapInBatches(reached, (id) => apiRequest<ObjectWithRelations>(`/api/objects/${encodeURIComponent(id)}`, { signal })) : [];
  }

  return { nodes: [...nodes.values()], edges: [...edges.values()], truncated };
}

/**
 * Loads the effective level of each object in one dimension from GET
 * /api/objects/:id/classification. An object without a level in that
 * dimension maps to null.
 */
export async function loadLevels(ids: string[], dimension: string, signal: AbortSignal): Promise<Map<string, number | null>> {
  const levels = await mapInBatches(ids, async (id) => {
    const classification = await apiRequest<ObjectClassification>(`/api/objects/${encodeURIComponent(id)}/classification`, { signal });
    const entry = classification.dimensions.find((candidate) => candidate.dimension === dimension);
    return [id, entry?.effective?.level ?? null] as const;
  });
  return new Map(levels);
}
