import type { Transaction } from '../db/transaction.js';

/** The PostgreSQL channel that carries committed changes to every process of the tenant. */
export const CHANGE_CHANNEL = 'esm_changes';

/** The kinds of thing a change notice can name. */
export const CHANGE_ENTITIES = [
  'object',
  'relation',
  'object-type',
  'relation-type',
  'classification',
  'classification-scale',
  'requirement-set',
  'applicability-rule',
  'statement',
  'model',
] as const;

/** The kinds of change a notice reports. */
export const CHANGE_ACTIONS = ['created', 'updated', 'deleted', 'imported'] as const;

/** A committed change as connected clients receive it. */
export interface ChangeNotice {
  entity: (typeof CHANGE_ENTITIES)[number];
  action: (typeof CHANGE_ACTIONS)[number];
  /** The id or key of what changed; null when a notice covers many things. */
  id: string | null;
  /** The new version of what changed, where it has one. */
  version?: number;
  /** Further ids the change touched, such as the objects whose levels moved. */
  ids?: string[];
  /** Set by notifyChange when it dropped `ids` to fit the NOTIFY payload limit. */
  truncated?: boolean;
}

// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
const MAX_PAYLOAD_BYTES = 7900;

/**
 * Queues a change notice in the caller's transaction. PostgreSQL delivers it
 * to every listening process only when the transaction commits, and never
 * when it rolls back, so a client cannot hear of a change that did not
 * happen. A notice too large for NOTIFY loses its `ids` and gets
 * `truncated`, so clients load again what they show.
 */
export async function notifyChange(transaction: Transaction, notice: ChangeNotice): Promise<void> {
  let payload = JSON.stringify(notice);
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
    const { ids: _dropped, ...rest } = notice;
    payload = JSON.stringify({ ...rest, truncated: true });
  }
  await transaction.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, payload]);
}
