import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { MODEL_ERRORS } from '../errors.js';
import type { Attributes } from '../schemas.js';

/** An object as the API returns it. */
export interface ObjectView {
  id: string;
  type: string;
  name: string;
  description: string;
  attributes: Attributes;
  /** An identifier from another system, which imports match on; null when none is set. */
  externalId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The columns that toObjectView reads. */
export const OBJECT_COLUMNS = 'id, type, name, description, attributes, external_id, version, created_at, updated_at';

/**
 * The row lock that readObject takes: 'update' before a deletion, 'no key
 * update' before a change (it lets relations be created meanwhile, since
 * their FOR KEY SHARE lock does not conflict), 'none' for a plain read.
 */
export type RowLock = 'update' | 'no key update' | 'none';

const LOCK_CLAUSES: Record<RowLock, string> = { update: 'FOR UPDATE', 'no key update': 'FOR NO KEY UPDATE', none: '' };

/** Reads one object, or throws OBJECT_NOT_FOUND. */
export async function readObject(transaction: Transaction, id: string, lock: RowLock = 'none'): Promise<ObjectView> {
  const result = await transaction.query(`SELECT ${OBJECT_COLUMNS} FROM objects WHERE id = $1 ${LOCK_CLAUSES[lock]}`, [id]);
  if (!result.rows[0]) throw new AppError(MODEL_ERRORS.objectNotFound);
  return toObjectView(result.rows[0]);
}

export function toObjectView(row: Record<string, unknown>): ObjectView {
  return {
    id: row.id as string,
    type: row.type as string,
    name: row.name as string,
    description: row.description as string,
    attributes: row.attributes as Attributes,
    externalId: row.external_id as string | null,
    version: row.version as number,
    createdAt: (row.created_at as Date).toISOString(),
    updatedAt: (row.updated_at as Date).toISOString(),
  };
}
