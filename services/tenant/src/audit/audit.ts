import type { FastifyRequest } from 'fastify';
import type { Transaction } from '../db/transaction.js';

/** The kinds of change the audit log records. */
export type AuditAction =
  | 'object.created'
  | 'object.updated'
  | 'object.deleted'
  | 'relation.created'
  | 'relation.deleted'
  | 'import.archimate'
  | 'import.model'
  | 'import.csv'
  | 'import.template'
  | 'import.oscal'
  | 'object-type.created'
  | 'object-type.changed'
  | 'object-type.removed'
  | 'attribute.created'
  | 'attribute.changed'
  | 'attribute.removed'
  | 'relation-type.created'
  | 'relation-type.changed'
  | 'relation-type.removed'
  | 'classification-scale.changed'
  | 'classification.set'
  | 'classification.removed'
  | 'requirement-set.created'
  | 'requirement-set.changed'
  | 'requirement-set.deleted'
  | 'applicability-rule.created'
  | 'applicability-rule.removed'
  | 'statement.set'
  | 'statement.removed'
  | 'template.exported'
  | 'auth.sign-in'
  | 'auth.sign-in-failed'
  | 'auth.reauthentication-failed'
  | 'auth.locked'
  | 'auth.factor-changed'
  | 'auth.recovery-codes-generated'
  | 'auth.password-reset-requested'
  | 'auth.password-changed'
  | 'session.revoked'
  | 'user.invited'
  | 'user.changed'
  | 'user.factor-reset'
  | 'user.unlocked';

/** The actor, request and client address of a change. */
export interface AuditSource {
  actorId: string | null;
  actorEmail: string | null;
  requestId: string;
  clientAddress: string;
}

/** One change to record. */
export interface AuditChange {
  action: AuditAction;
  entityType:
    | 'object'
    | 'relation'
    | 'model'
    | 'session'
    | 'user'
    | 'object-type'
    | 'relation-type'
    | 'classification'
    | 'requirement-set'
    | 'applicability-rule'
    | 'statement'
    | 'template';
  entityId: string | null;
  before: unknown;
  after: unknown;
  summary: string;
}

/** Builds the audit source of a request. The client address comes from X-Forwarded-For, set by the gateway. */
export function auditSourceOf(request: FastifyRequest): AuditSource {
  return {
    actorId: request.user?.id ?? null,
    actorEmail: request.user?.email ?? null,
    requestId: request.id,
    clientAddress: request.ip,
  };
}

/**
 * Appends an audit entry in the caller's transaction, so it commits or rolls
 * back with the change. The database trigger that chains the entry takes a
 * lock that every audit insert waits for until this transaction ends, so
 * write the entry after the change it records, as the transaction's last
 * statements: a row lock awaited after it could deadlock with another writer.
 */
export async function writeAuditEntry(transaction: Transaction, source: AuditSource, change: AuditChange): Promise<void> {
  await transaction.query(
    `INSERT INTO audit_entries (actor_id, actor_email, action, entity_type, entity_id, before, after, summary, request_id, client_address)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      source.actorId,
      source.actorEmail,
      change.action,
      change.entityType,
      change.entityId,
      change.before === null ? null : JSON.stringify(change.before),
      change.after === null ? null : JSON.stringify(change.after),
      change.summary,
      source.requestId,
      source.clientAddress,
    ],
  );
}

/** An audit entry as the API returns it. */
export interface AuditEntryView {
  id: string;
  at: string;
  actor: { id: string | null; email: string | null };
  action: string;
  entityType: string;
  entityId: string | null;
  summary: string;
  before: unknown;
  after: unknown;
}

/** A page of the audit log: at most `limit` entries below the id `before`, about the object `objectId` when given. */
export interface AuditPageRequest {
  limit: number;
  before: string | undefined;
  objectId: string | undefined;
}

/**
 * Lists audit entries newest first, starting below the entry id `before`
 * when given. With `objectId`, lists only the entries about that object: its
 * own, its classification and compliance statements, and the relations that
 * have it at either end (`esm.audit_entry_object_ids`, migration 009).
 */
export async function listAuditEntries(
  transaction: Transaction,
  page: AuditPageRequest,
): Promise<{ entries: AuditEntryView[]; next: string | null }> {
  const query = buildAuditPageQuery(page);
  const result = await transaction.query(query.text, query.values);
  const rows = result.rows.slice(0, page.limit);
  const entries = rows.map((row) => ({
    id: row.id as string,
    at: (row.at as Date).toISOString(),
    actor: { id: row.actor_id as string | null, email: row.actor_email as string | null },
    action: row.action as string,
    entityType: row.entity_type as string,
    entityId: row.entity_id as string | null,
    summary: row.summary as string,
    before: row.before,
    after: row.after,
  }));
  const next = result.rows.length > page.limit ? (entries.at(-1)?.id ?? null) : null;
  return { entries, next };
}

/**
 * Builds the SQL of one page, fetching one entry more than `limit` to tell
 * whether a next page exists. The statement runs with search_path `esm`.
 */
export function buildAuditPageQuery(page: AuditPageRequest): { text: string; values: unknown[] } {
  const conditions = ['($1::bigint IS NULL OR audit_entries.id < $1::bigint)'];
  const values: unknown[] = [page.before ?? null, page.limit + 1];
  if (page.objectId !== undefined) {
    // The expression is the one the GIN index audit_entries_object_ids is built on, so the planner can use the index.
    values.push(page.objectId);
    conditions.push(`audit_entry_object_ids(entity_type, entity_id, before, after) @> ARRAY[$${values.length}::text]`);
  }
  // The output column id is text, and a bare `ORDER BY id` would sort by it ("9" after "14"), so
  // the order names the table's bigint column.
  const text = `SELECT audit_entries.id::text AS id, at, actor_id, actor_email, action, entity_type, entity_id, summary, before, after
     FROM audit_entries WHERE ${conditions.join(' AND ')} ORDER BY audit_entries.id DESC LIMIT $2`;
  return { text, values };
}
