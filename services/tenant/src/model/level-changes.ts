import type { Transaction } from '../db/transaction.js';
import type { LevelChange } from '../classification/propagation.js';
import { notifyChange } from '../live/notify.js';

/**
 * Queues one notice naming the objects whose effective classification
 * levels a write moved, so clients showing them load them again.
 */
export async function notifyLevelChanges(transaction: Transaction, changes: LevelChange[]): Promise<void> {
  if (changes.length === 0) return;
  const ids = [...new Set(changes.map((change) => change.objectId))];
  await notifyChange(transaction, { entity: 'classification', action: 'updated', id: null, ids });
}

/** Adds `levelChanges` to the `after` of an audit entry when the write moved any level, and leaves it as it is otherwise. */
export function withLevelChanges<T extends object>(after: T, changes: LevelChange[]): T | (T & { levelChanges: LevelChange[] }) {
  return changes.length === 0 ? after : { ...after, levelChanges: changes };
}
