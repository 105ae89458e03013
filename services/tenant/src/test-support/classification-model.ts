import type { Transaction } from '../db/transaction.js';
import type { TestTenant } from './tenant-fixture.js';

/**
 * Writes objects, relations and levels straight into a test tenant's
 * database with the superuser pool, for classification tests that must not
 * depend on the object and relation routes.
 */

/** Runs `work` in a transaction of the superuser with the tenant schema on the search path, and commits. */
export async function inTenantTransaction<T>(tenant: TestTenant, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  const client = await tenant.admin.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL search_path TO esm');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** Inserts objects of one type and returns their ids in the order of `names`. */
export async function insertObjects(tenant: TestTenant, type: string, names: string[]): Promise<string[]> {
  const result = await tenant.admin.query<{ id: string }>(
    `INSERT INTO esm.objects (type, name) SELECT $1, name FROM unnest($2::text[]) WITH ORDINALITY AS n (name, position)
     ORDER BY position RETURNING id`,
    [type, names],
  );
  return result.rows.map((row) => row.id);
}

export async function insertObject(tenant: TestTenant, type: string, name: string): Promise<string> {
  const [id] = await insertObjects(tenant, type, [name]);
  return id!;
}

export async function insertRelation(tenant: TestTenant, type: string, sourceId: string, targetId: string): Promise<string> {
  const result = await tenant.admin.query<{ id: string }>(
    'INSERT INTO esm.relations (type, source_id, target_id) VALUES ($1, $2, $3) RETURNING id',
    [type, sourceId, targetId],
  );
  return result.rows[0]!.id;
}

/** Sets a level by hand, as the classification route stores it. */
export async function insertAssignment(tenant: TestTenant, objectId: string, dimension: string, level: number): Promise<void> {
  await tenant.admin.query(
    `INSERT INTO esm.classification_assignments (object_id, dimension, level, justification) VALUES ($1, $2, $3, 'test')
     ON CONFLICT (object_id, dimension) DO UPDATE SET level = excluded.level`,
    [objectId, dimension, level],
  );
}

/** Reads every inherited level row, sorted, as one comparable list. */
export async function readInheritedLevels(tenant: TestTenant): Promise<string[]> {
  const result = await tenant.admin.query<{ row: string }>(
    `SELECT concat_ws(' ', object_id, dimension, level, source_object_id, via_relation_id, via_object_id, path_length) AS row
     FROM esm.inherited_levels ORDER BY object_id, dimension`,
  );
  return result.rows.map((row) => row.row);
}

/** Reads the effective level of each dimension of an object, by dimension. */
export async function readEffectiveLevels(tenant: TestTenant, objectId: string): Promise<Record<string, number>> {
  const result = await tenant.admin.query<{ dimension: string; level: number }>(
    'SELECT dimension, level FROM esm.effective_levels WHERE object_id = $1',
    [objectId],
  );
  return Object.fromEntries(result.rows.map((row) => [row.dimension, row.level]));
}
