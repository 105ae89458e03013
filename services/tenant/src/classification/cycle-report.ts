import type { Transaction } from '../db/transaction.js';
import { findCycles } from './cycles.js';
import { buildFlowGraph } from './flow-graph.js';
import { loadDownstreamClosure, loadFlowEdges, loadFlowSteps, loadUpstreamClosureWithin } from './level-store.js';

/** An object as explanations and cycle reports name it. */
export interface ObjectSummary {
  id: string;
  name: string;
  type: string;
}

/** Lists the cycles of the flow graph with the names of their objects. */
export async function listCycles(transaction: Transaction): Promise<{ objects: ObjectSummary[] }[]> {
  const graph = buildFlowGraph([], await loadFlowEdges(transaction));
  return describeCycles(transaction, findCycles(graph));
}

/** Adds names and types to cycles given as lists of object ids. */
export async function describeCycles(transaction: Transaction, cycles: string[][]): Promise<{ objects: ObjectSummary[] }[]> {
  const objects = await loadObjectSummaries(transaction, cycles.flat());
  return cycles.map((cycle) => ({ objects: cycle.map((id) => objects.get(id)!).filter(Boolean) }));
}

/**
 * Returns the ids of the cycle that `objectId` is part of (its strongly
 * connected component in the flow graph), in ascending order, or null when
 * it is part of none. Costs two searches, each bounded by the number of
 * objects downstream of the object.
 */
export async function findCycleOf(transaction: Transaction, objectId: string): Promise<string[] | null> {
  const steps = await loadFlowSteps(transaction, [objectId]);
  if (steps.length === 0) return null;

  const downstream = await loadDownstreamClosure(transaction, [...new Set(steps.map((step) => step.toId))]);
  if (!downstream.includes(objectId)) return null;
  const members = await loadUpstreamClosureWithin(transaction, objectId, downstream);
  return [...new Set([objectId, ...members])].sort();
}

/** Loads the name and type of each object, by id; ids of deleted objects are left out. */
export async function loadObjectSummaries(transaction: Transaction, ids: string[]): Promise<Map<string, ObjectSummary>> {
  const result = await transaction.query<ObjectSummary>('SELECT id, name, type FROM objects WHERE id = ANY ($1::uuid[])', [
    [...new Set(ids)],
  ]);
  return new Map(result.rows.map((row) => [row.id, row]));
}
