import type pg from 'pg';
import { walkAuditChain, type AuditChainReport } from '@esm/common';

/**
 * Queries that each list the changes applied only in part: a row without
 * the audit entry of its change, or an audit entry of a change that left
 * no row. They assume every object and relation was created and changed
 * through the objects and relations API. That API writes one entry per
 * creation, update and deletion in the same transaction as the change. An
 * import writes one entry for all its rows, so its rows would be reported.
 */
const HALF_APPLIED_CHECKS: readonly { problem: string; sql: string }[] = [
  {
    problem: 'object without its object.created audit entry',
    sql: `SELECT o.id::text AS id FROM esm.objects o
          WHERE NOT EXISTS (SELECT 1 FROM esm.audit_entries a WHERE a.action = 'object.created' AND a.entity_id = o.id::text)`,
  },
  {
    problem: 'object whose version does not match its object.updated audit entries',
    sql: `SELECT o.id::text || ' (version ' || o.version || ', ' || count(a.id) || ' updates)' AS id
          FROM esm.objects o LEFT JOIN esm.audit_entries a ON a.action = 'object.updated' AND a.entity_id = o.id::text
          GROUP BY o.id, o.version HAVING o.version <> count(a.id) + 1`,
  },
  {
    problem: 'object.created audit entry of an object that neither exists nor was deleted',
    sql: `SELECT a.entity_id AS id FROM esm.audit_entries a
          WHERE a.action = 'object.created'
            AND NOT EXISTS (SELECT 1 FROM esm.objects o WHERE o.id::text = a.entity_id)
            AND NOT EXISTS (SELECT 1 FROM esm.audit_entries d WHERE d.action = 'object.deleted' AND d.entity_id = a.entity_id)`,
  },
  {
    problem: 'relation without its relation.created audit entry',
    sql: `SELECT r.id::text AS id FROM esm.relations r
          WHERE NOT EXISTS (SELECT 1 FROM esm.audit_entries a WHERE a.action = 'relation.created' AND a.entity_id = r.id::text)`,
  },
  {
    problem: 'relation.created audit entry of a relation that neither exists nor was deleted',
    sql: `SELECT a.entity_id AS id FROM esm.audit_entries a
          WHERE a.action = 'relation.created'
            AND NOT EXISTS (SELECT 1 FROM esm.relations r WHERE r.id::text = a.entity_id)
            AND NOT EXISTS (SELECT 1 FROM esm.audit_entries d WHERE d.action = 'relation.deleted' AND d.entity_id = a.entity_id)`,
  },
  {
    problem: 'relation.deleted audit entry of a relation that still exists',
    sql: `SELECT a.entity_id AS id FROM esm.audit_entries a
          WHERE a.action = 'relation.deleted' AND EXISTS (SELECT 1 FROM esm.relations r WHERE r.id::text = a.entity_id)`,
  },
];

/** Lists every change found applied only in part, as "problem: id", or nothing when the model and its audit log agree. */
export async function findHalfAppliedChanges(pool: pg.Pool): Promise<string[]> {
  const found: string[] = [];
  for (const { problem, sql } of HALF_APPLIED_CHECKS) {
    const result = await pool.query<{ id: string }>(sql);
    found.push(...result.rows.map((row) => `${problem}: ${row.id}`));
  }
  return found;
}

/** Writes whose success response (2xx) the client received. */
export interface AcknowledgedWrites {
  /** Created or updated objects, with the highest version a response returned. */
  objects: Map<string, number>;
  relations: Set<string>;
  deletedRelations: Set<string>;
}

export function noAcknowledgedWrites(): AcknowledgedWrites {
  return { objects: new Map(), relations: new Set(), deletedRelations: new Set() };
}

/**
 * Lists acknowledged writes that the database lost: an object that is
 * missing or older than a response returned, a created relation that is
 * missing although no acknowledged deletion removed it, and a deleted
 * relation that still exists. Objects are never deleted by these tests.
 */
export async function findLostWrites(pool: pg.Pool, acknowledged: AcknowledgedWrites): Promise<string[]> {
  const objects = await pool.query<{ id: string; version: number }>('SELECT id::text, version FROM esm.objects WHERE id::text = ANY($1)', [[...acknowledged.objects.keys()]]);
  const stored = new Map(objects.rows.map((row) => [row.id, row.version]));
  const relations = await pool.query<{ id: string }>('SELECT id::text FROM esm.relations WHERE id::text = ANY($1)', [
    [...acknowledged.relations, ...acknowledged.deletedRelations],
  ]);
  const storedRelations = new Set(relations.rows.map((row) => row.id));

  const lost: string[] = [];
  for (const [id, version] of acknowledged.objects) {
    const storedVersion = stored.get(id);
    if (storedVersion === undefined) lost.push(`object ${id} is missing`);
    else if (storedVersion < version) lost.push(`object ${id} is at version ${storedVersion}, a response returned version ${version}`);
  }
  for (const id of acknowledged.relations) {
    if (!storedRelations.has(id) && !acknowledged.deletedRelations.has(id)) lost.push(`relation ${id} is missing`);
  }
  for (const id of acknowledged.deletedRelations) {
    if (storedRelations.has(id)) lost.push(`relation ${id} was deleted but still exists`);
  }
  return lost;
}

/** Walks the tenant's audit chain with a login that can read `esm.audit_entries`, as admin's verification does with the read-only login. */
export async function verifyAuditChainWith(pool: pg.Pool): Promise<AuditChainReport> {
  const client = await pool.connect();
  try {
    // walkAuditChain sets search_path for the transaction only.
    await client.query('BEGIN READ ONLY');
    return await walkAuditChain(client);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}
