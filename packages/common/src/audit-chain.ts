/**
 * Verification of a tenant's hash-chained audit log, shared by the tenant
 * service and admin so that both run the same SQL. The chain itself is
 * written by the tenant's migration `005-audit-chain`: every entry stores
 * `previous_hash` and `hash = sha256(previous_hash || esm.audit_entry_content(entry))`.
 */

/** The smallest interface of a database client (pg.Client, pg.PoolClient) that the functions here use. */
export interface AuditChainDatabase {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Why an entry breaks the chain: its own hash does not match its content, or it does not link to the entry before it. */
export type AuditChainBreakReason = 'hash' | 'link';

/** The result of walking a tenant's audit chain in id order. */
export interface AuditChainReport {
  /** Number of entries walked. */
  entries: number;
  /** The entry with the lowest id that breaks the chain, or null when none does. */
  firstBroken: { id: string; reason: AuditChainBreakReason } | null;
  /** The newest entry with its stored hash (hex), or null when the log is empty. */
  head: { id: string; hash: string } | null;
}

/**
 * The body of `esm.audit_entry_content` as migration `005-audit-chain`
 * creates it, compared with the database's copy ignoring whitespace.
 * Change it only together with a migration that replaces the function.
 */
export const AUDIT_ENTRY_CONTENT_SOURCE = `
  SELECT pg_catalog.convert_to(pg_catalog.jsonb_build_object(
    'id', entry.id,
    'at', entry.at AT TIME ZONE 'UTC',
    'actor_id', entry.actor_id,
    'actor_email', entry.actor_email,
    'action', entry.action,
    'entity_type', entry.entity_type,
    'entity_id', entry.entity_id,
    'before', entry.before,
    'after', entry.after,
    'summary', entry.summary,
    'request_id', entry.request_id,
    'client_address', entry.client_address
  )::pg_catalog.text, 'UTF8')
`;

// Functions are qualified with pg_catalog, and the callers set search_path
// to pg_catalog, so that objects created in schema esm cannot take the place
// of a built-in function or operator.
const SCHEMA_QUERY = `
  SELECT relation.relkind::text AS kind, relation.relrowsecurity AS row_security, content.prosrc AS source, language.lanname AS language,
         EXISTS (SELECT 1 FROM pg_catalog.pg_attribute AS attribute
                  WHERE attribute.attrelid = relation.oid AND attribute.attname = 'hash' AND NOT attribute.attisdropped) AS has_hash
    FROM pg_catalog.pg_class AS relation
    LEFT JOIN pg_catalog.pg_proc AS content ON content.oid = pg_catalog.to_regprocedure('esm.audit_entry_content(esm.audit_entries)')
    LEFT JOIN pg_catalog.pg_language AS language ON language.oid = content.prolang
   WHERE relation.oid = pg_catalog.to_regclass('esm.audit_entries')`;

// One statement, so every part of the result comes from one snapshot. The
// CTE is referenced three times and is therefore computed once. A link is
// checked before the entry's own hash, which is the order of a walk.
const WALK_QUERY = `
  WITH chain AS (
    SELECT entry.id, entry.hash,
           entry.previous_hash IS DISTINCT FROM
             coalesce(pg_catalog.lag(entry.hash) OVER (ORDER BY entry.id), pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex')) AS link_broken,
           entry.hash IS DISTINCT FROM pg_catalog.sha256(entry.previous_hash || esm.audit_entry_content(entry)) AS hash_broken
      FROM esm.audit_entries AS entry
  ),
  broken AS (
    SELECT chain.id, CASE WHEN chain.link_broken THEN 'link' ELSE 'hash' END AS reason
      FROM chain WHERE chain.link_broken OR chain.hash_broken ORDER BY chain.id LIMIT 1
  ),
  head AS (SELECT chain.id, chain.hash FROM chain ORDER BY chain.id DESC LIMIT 1)
  SELECT (SELECT pg_catalog.count(*) FROM chain)::text AS entries,
         broken.id::text AS broken_id, broken.reason,
         head.id::text AS head_id, pg_catalog.encode(head.hash, 'hex') AS head_hash
    FROM (SELECT 1) AS single_row
    LEFT JOIN broken ON true
    LEFT JOIN head ON true`;

/** Sets search_path to pg_catalog for the rest of the caller's transaction. */
async function useCatalogSearchPath(db: AuditChainDatabase): Promise<void> {
  await db.query('SET LOCAL search_path TO pg_catalog, pg_temp');
}

/**
 * The state of a tenant's audit objects: as the migrations created them,
 * not chained yet (migration `005-audit-chain` has not run, because the
 * tenant has not started since it was added), or changed, naming the object.
 */
export type AuditSchemaState = { kind: 'intact' } | { kind: 'unchained' } | { kind: 'changed'; object: string };

/**
 * Inspects the audit table and content function. `esm.audit_entries` must
 * be an ordinary table without row-level security, which could hide entries
 * from the verifying role. `esm.audit_entry_content` must have the body of
 * AUDIT_ENTRY_CONTENT_SOURCE, because a replaced content function could
 * return the original content of a changed entry. A table without the
 * `hash` column and without the function is `unchained`. Run it inside a
 * transaction, because it sets search_path for that transaction.
 */
export async function inspectAuditSchema(db: AuditChainDatabase): Promise<AuditSchemaState> {
  await useCatalogSearchPath(db);
  const result = await db.query(SCHEMA_QUERY);
  const row = result.rows[0] as
    | { kind: string; row_security: boolean; source: string | null; language: string | null; has_hash: boolean }
    | undefined;
  if (!row || row.kind !== 'r' || row.row_security) return { kind: 'changed', object: 'esm.audit_entries' };
  if (!row.has_hash && row.source === null) return { kind: 'unchained' };
  if (!row.has_hash) return { kind: 'changed', object: 'esm.audit_entries' };
  if (row.language !== 'sql' || normaliseWhitespace(row.source ?? '') !== normaliseWhitespace(AUDIT_ENTRY_CONTENT_SOURCE)) {
    return { kind: 'changed', object: 'esm.audit_entry_content' };
  }
  return { kind: 'intact' };
}

/**
 * Walks the audit chain in id order in one query and returns the number of
 * entries, the first entry that breaks it and the head. Run it inside a
 * transaction, because it sets search_path for that transaction.
 */
export async function walkAuditChain(db: AuditChainDatabase): Promise<AuditChainReport> {
  await useCatalogSearchPath(db);
  const result = await db.query(WALK_QUERY);
  const row = result.rows[0] as {
    entries: string;
    broken_id: string | null;
    reason: AuditChainBreakReason | null;
    head_id: string | null;
    head_hash: string | null;
  };
  return {
    entries: Number(row.entries),
    firstBroken: row.broken_id !== null && row.reason !== null ? { id: row.broken_id, reason: row.reason } : null,
    head: row.head_id !== null && row.head_hash !== null ? { id: row.head_id, hash: row.head_hash } : null,
  };
}

function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
