import type { Locale } from '@esm/common';
import type { Transaction } from '../db/transaction.js';

/** How many objects or relations of one type an import creates and updates. */
export interface TypeChanges {
  type: string;
  /** The type's name in the request's language, or the key when the type has no row. */
  name: string;
  created: number;
  updated: number;
}

/** The objects and relations that the current transaction wrote, by type. */
export interface TransactionChanges {
  objectsByType: TypeChanges[];
  relationsByType: TypeChanges[];
}

/**
 * Counts, by type, the objects and relations that the current transaction
 * inserted or updated. Call it after a dry run's import and before the
 * rollback, so the counts include object types the import itself created.
 *
 * A row version belongs to this transaction when its `xmin` is the
 * transaction's id. Such a row was inserted here when its `created_at` is
 * the transaction's start time, because both tables default it to `now()`
 * and the imports leave that default. `xmin` is a 32-bit id, so it is
 * compared with the 64-bit `txid_current()` modulo 2^32. Rows written in a
 * subtransaction (a SAVEPOINT) carry another id and are not counted, and no
 * import uses one.
 */
export async function readTransactionChanges(transaction: Transaction, locale: Locale): Promise<TransactionChanges> {
  const nameColumn = locale === 'sv' ? 'name_sv' : 'name_en';
  const changesOf = async (table: 'objects' | 'relations', typeTable: 'object_types' | 'relation_types'): Promise<TypeChanges[]> => {
    const result = await transaction.query<TypeChanges>(
      `SELECT item.type, coalesce(t.${nameColumn}, item.type) AS name,
         count(*) FILTER (WHERE item.created_at = now())::int AS created,
         count(*) FILTER (WHERE item.created_at <> now())::int AS updated
       FROM ${table} item LEFT JOIN ${typeTable} t ON t.key = item.type
       WHERE item.xmin::text::bigint = txid_current() % 4294967296
       GROUP BY item.type, t.${nameColumn}
       ORDER BY name, item.type`,
    );
    return result.rows;
  };
  return { objectsByType: await changesOf('objects', 'object_types'), relationsByType: await changesOf('relations', 'relation_types') };
}

/** The `dryRun` query parameter that every import accepts. */
export const DRY_RUN_SCHEMA = { type: 'boolean', default: false } as const;
