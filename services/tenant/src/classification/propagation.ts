import type { Transaction } from '../db/transaction.js';
import { findCycles } from './cycles.js';
import { findSelfFedObjects, groupBySource, propagateExcluding, propagateLevels, type Region } from './level-propagation.js';
import {
  loadDownstreamClosure,
  loadRemovalTargets,
  writeInheritedRows,
  NO_REMOVAL,
  type InheritedRow,
  type Removal,
} from './level-store.js';
import { labelToRow, loadRegion, loadWholeGraph, type LoadedRegion } from './loaded-region.js';

/**
 * The functions other parts call around a change that can move inherited
 * levels. See "Rules every write follows" in docs/modelling.md for the order.
 */

/**
 * A change of an object's inherited level in one dimension, where null is
 * no inherited level. Deleting an object or relation at once deletes,
 * through foreign keys, the rows whose source or last step it was. After
 * such a delete `before` is therefore null, and only `previewRemoval`
 * called before the delete returns the old levels.
 */
export interface LevelChange {
  objectId: string;
  dimension: string;
  before: number | null;
  after: number | null;
}

// Distinct from the audit chain's key ('esm.audit_entries chain') and the
// user administration and first administrator keys.
const LOCK_KEY = 'esm.classification propagation';

/**
 * Takes the transaction-level advisory lock that serialises every
 * transaction that can change inherited levels. Call it before locking or
 * changing any row; PostgreSQL releases it at commit or rollback.
 */
export async function lockClassification(transaction: Transaction): Promise<void> {
  await transaction.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [LOCK_KEY]);
}

/**
 * Recomputes the inherited levels of `objectIds` and of every object
 * downstream of them along relations that carry protection needs, writes
 * the rows that changed and returns the level changes. Objects outside that
 * region keep their stored levels and feed the region as they are.
 */
export async function recomputeFrom(transaction: Transaction, objectIds: string[]): Promise<LevelChange[]> {
  const outcome = await computeDownstream(transaction, [...new Set(objectIds)], NO_REMOVAL);
  await writeInheritedRows(transaction, outcome.upserts, outcome.deletions);
  return outcome.changes;
}

/**
 * Returns the inherited levels that would change if the given objects and
 * relations were deleted, and writes nothing. Changes of the deleted
 * objects themselves are left out.
 */
export async function previewRemoval(
  transaction: Transaction,
  removal: { objectIds: string[]; relationIds: string[] },
): Promise<LevelChange[]> {
  const seeds = await loadRemovalTargets(transaction, removal);
  const outcome = await computeDownstream(transaction, seeds, removal);
  return outcome.changes;
}

/**
 * Recomputes every inherited level from the whole flow graph, loaded once,
 * writes the rows that changed, and returns the number of level changes and
 * the cycles of the flow graph.
 */
export async function recomputeAll(transaction: Transaction): Promise<{ changes: number; cycles: string[][] }> {
  const loaded = await loadWholeGraph(transaction);
  const outcome = computeRegion(loaded);
  await writeInheritedRows(transaction, outcome.upserts, outcome.deletions);
  return { changes: outcome.changes.length, cycles: findCycles(loaded.graph) };
}

interface Outcome {
  upserts: InheritedRow[];
  deletions: { objectId: string; dimension: string }[];
  changes: LevelChange[];
}

async function computeDownstream(transaction: Transaction, seedIds: string[], removal: Removal): Promise<Outcome> {
  const regionIds = await loadDownstreamClosure(transaction, seedIds, removal);
  if (regionIds.length === 0) return { upserts: [], deletions: [], changes: [] };
  const loaded = await loadRegion(transaction, regionIds, removal);
  return computeRegion(loaded);
}

/**
 * Computes the labels of the loaded region and compares them with the
 * stored ones. The region always contains everything downstream of its
 * objects, so the objects that inherit from an assigned object in the
 * region are all loaded when its level has to be computed without it.
 */
function computeRegion(loaded: LoadedRegion): Outcome {
  const { graph } = loaded;
  const regionObjects: number[] = [];
  for (let object = 0; object < loaded.region.length; object += 1) {
    if (loaded.region[object]) regionObjects.push(object);
  }
  const region: Region = { objects: regionObjects, contains: loaded.region };

  const outcome: Outcome = { upserts: [], deletions: [], changes: [] };
  for (const dimension of loaded.dimensions) {
    const assigned = loaded.assigned.get(dimension)!;
    const labels = loaded.labels.get(dimension)!;
    const stored = loaded.stored.get(dimension)!;
    propagateLevels(graph, region, assigned, labels);
    const selfFed = findSelfFedObjects(graph, regionObjects, assigned, labels);
    if (selfFed.length > 0) {
      const heirs = groupBySource(regionObjects, assigned, labels);
      for (const object of selfFed) propagateExcluding(graph, object, heirs.get(object) ?? [], assigned, labels);
    }

    for (const object of regionObjects) {
      const before = stored.level[object]!;
      const after = labels.level[object]!;
      if (before < 0 && after < 0) continue;
      const objectId = graph.objectIds[object]!;
      if (after < 0) {
        outcome.deletions.push({ objectId, dimension });
      } else {
        const viaRelation = labels.viaRelation[object]!;
        const unchanged =
          before === after &&
          stored.pathLength[object] === labels.pathLength[object] &&
          stored.source[object] === labels.source[object] &&
          stored.viaRelation[object] === viaRelation &&
          stored.viaObject[object] === graph.edgeFrom[viaRelation];
        if (unchanged) continue;
        outcome.upserts.push(labelToRow(loaded, dimension, object)!);
      }
      if (before !== after) {
        outcome.changes.push({ objectId, dimension, before: before < 0 ? null : before, after: after < 0 ? null : after });
      }
    }
  }
  return outcome;
}
