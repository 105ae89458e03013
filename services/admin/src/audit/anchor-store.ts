import type { Queryable } from '../registry/transaction.js';

/** The head of a tenant's audit chain as admin recorded it. */
export interface AuditAnchor {
  entryId: string;
  /** The entry's hash, hex encoded. */
  hash: string;
  recordedAt: Date;
}

/** Returns every anchor of a tenant, oldest entry first. */
export async function listAuditAnchors(db: Queryable, tenant: string): Promise<AuditAnchor[]> {
  const result = await db.query<AuditAnchor>(
    `SELECT entry_id::text AS "entryId", encode(hash, 'hex') AS hash, recorded_at AS "recordedAt"
       FROM audit_anchors WHERE tenant = $1 ORDER BY entry_id`,
    [tenant],
  );
  return result.rows;
}

/**
 * Records a chain head as an anchor. Returns false, changing nothing, when
 * the entry already has an anchor: the hash recorded first is kept, so a
 * later rewrite cannot replace it.
 */
export async function recordAuditAnchor(db: Queryable, tenant: string, head: { id: string; hash: string }): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO audit_anchors (tenant, entry_id, hash) VALUES ($1, $2, decode($3, 'hex'))
     ON CONFLICT (tenant, entry_id) DO NOTHING`,
    [tenant, head.id, head.hash],
  );
  return result.rowCount === 1;
}
