import pg from 'pg';
import {
  AppError,
  inspectAuditSchema,
  readSecretFile,
  walkAuditChain,
  type AuditChainReport,
  type TenantSecret,
} from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import type { AuditAnchor } from './anchor-store.js';
import { AUDIT_ERRORS } from './errors.js';

/** A tenant database read with its read-only login, inside one read-only REPEATABLE READ transaction. */
export type AuditReader = pg.Client;

const CONNECT_TIMEOUT_MS = 10_000;

// Schema esm is named in full and search_path is pg_catalog (set by the
// audit-chain functions), so the tenant's own objects cannot stand in for
// unnest, decode or the comparison.
const ANCHOR_MISMATCH_QUERY = `
  SELECT anchor.entry_id::text AS id
    FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.text[])) AS anchor(entry_id, hash)
    LEFT JOIN esm.audit_entries AS entry ON entry.id = anchor.entry_id
   WHERE entry.hash IS DISTINCT FROM pg_catalog.decode(anchor.hash, 'hex')
   ORDER BY anchor.entry_id
   LIMIT 1`;

const HEAD_QUERY = `
  SELECT entry.id::text AS id, pg_catalog.encode(entry.hash, 'hex') AS hash
    FROM esm.audit_entries AS entry ORDER BY entry.id DESC LIMIT 1`;

/**
 * Connects to a tenant's database with the read-only login from the
 * tenant's secret file and runs `work` in one read-only REPEATABLE READ
 * transaction, so every query sees the same snapshot. Throws
 * AUDIT_DATABASE_UNAVAILABLE when the connection fails.
 */
export async function withAuditReader<T>(context: AdminContext, tenant: string, work: (reader: AuditReader) => Promise<T>): Promise<T> {
  const secret = await readSecretFile<TenantSecret>(tenantSecretFile(context, tenant));
  const client = new pg.Client({ ...secret.database.readOnly, application_name: 'esm-admin-audit', connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A connection lost between queries is reported by the failing query. The listener only keeps the event from crashing admin.
  client.on('error', (error) => context.logger.warn({ tenant, err: error }, 'audit database connection failed'));
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new AppError(AUDIT_ERRORS.databaseUnavailable, { values: { tenant }, cause: error, detail: String(error) });
  }
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } finally {
    // Ending the connection rolls back a transaction that is still open.
    await client.end().catch(() => undefined);
  }
}

/** The chain walk together with the first recorded anchor that the database no longer matches. */
export interface ChainReading extends AuditChainReport {
  /** Entry id of the first anchor whose entry is missing or has another hash, or null. */
  anchorMismatchId: string | null;
}

/**
 * Checks that the audit table and content function are the migrations',
 * walks the chain and compares every anchor with the entry it names. Throws
 * AUDIT_SCHEMA_CHANGED for a changed object, and AUDIT_CHAIN_MISSING for a
 * log that the chain migration has not reached yet. A log without a chain
 * but with anchors did have one, so that is AUDIT_SCHEMA_CHANGED too.
 */
export async function readAuditChain(reader: AuditReader, tenant: string, anchors: AuditAnchor[]): Promise<ChainReading> {
  const schema = await inspectAuditSchema(reader);
  if (schema.kind === 'unchained' && anchors.length === 0) throw new AppError(AUDIT_ERRORS.chainMissing, { values: { tenant } });
  if (schema.kind !== 'intact') {
    const object = schema.kind === 'changed' ? schema.object : 'esm.audit_entries';
    throw new AppError(AUDIT_ERRORS.schemaChanged, { values: { tenant, object } });
  }
  const report = await walkAuditChain(reader);
  const mismatch = await reader.query<{ id: string }>(ANCHOR_MISMATCH_QUERY, [
    anchors.map((anchor) => anchor.entryId),
    anchors.map((anchor) => anchor.hash),
  ]);
  return { ...report, anchorMismatchId: mismatch.rows[0]?.id ?? null };
}

/** Returns the newest entry's id and hash (hex), or null for an empty log. */
export async function readAuditHead(reader: AuditReader): Promise<{ id: string; hash: string } | null> {
  await reader.query('SET LOCAL search_path TO pg_catalog, pg_temp');
  const result = await reader.query<{ id: string; hash: string }>(HEAD_QUERY);
  return result.rows[0] ?? null;
}
