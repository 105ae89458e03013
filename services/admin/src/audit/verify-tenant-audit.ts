import { AppError, type AuditChainReport } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { ADMIN_ERRORS } from '../errors.js';
import { requireTenant } from '../lifecycle/tenant-transitions.js';
import type { TenantState } from '../registry/tenant-store.js';
import { listAuditAnchors, recordAuditAnchor } from './anchor-store.js';
import { readAuditChain, withAuditReader } from './tenant-audit-database.js';

/** The states in which a tenant has a database and a secret file to verify. */
const VERIFIABLE_STATES: readonly TenantState[] = ['active', 'inactive', 'archived'];

/** The result of `POST /v1/tenants/:name/audit/verify`. */
export interface AuditVerification extends AuditChainReport {
  tenant: string;
  /** The first recorded anchor whose entry is missing or has another hash, or null. */
  anchorMismatch: { id: string; recordedAt: string } | null;
  /** Number of recorded anchors compared. */
  anchorsChecked: number;
  /** True when the chain has no broken entry and every anchor matches. */
  intact: boolean;
  /** True when this verification recorded the head as a new anchor. */
  anchored: boolean;
}

/**
 * Verifies a tenant's audit chain with its read-only login: checks the
 * audit schema, walks the chain and compares every anchor recorded for the
 * tenant. When all of that passes, the head becomes a new anchor. Reading
 * the database does not start the tenant's process, so an inactive tenant
 * stays inactive. Throws TENANT_NOT_FOUND, TENANT_STATE_CONFLICT (registered
 * or deploying, which have no complete database yet), AUDIT_SCHEMA_CHANGED
 * or AUDIT_DATABASE_UNAVAILABLE.
 */
export async function verifyTenantAudit(context: AdminContext, name: string): Promise<AuditVerification> {
  const tenant = await requireTenant(context, name);
  if (!VERIFIABLE_STATES.includes(tenant.state)) {
    throw new AppError(ADMIN_ERRORS.stateConflict, { values: { tenant: name, state: tenant.state } });
  }
  const anchors = await listAuditAnchors(context.registry, name);
  const reading = await withAuditReader(context, name, (reader) => readAuditChain(reader, name, anchors));

  const mismatched = anchors.find((anchor) => anchor.entryId === reading.anchorMismatchId);
  const anchorMismatch = mismatched ? { id: mismatched.entryId, recordedAt: mismatched.recordedAt.toISOString() } : null;
  const intact = reading.firstBroken === null && anchorMismatch === null;
  const anchored = intact && reading.head !== null ? await recordAuditAnchor(context.registry, name, reading.head) : false;

  const result = {
    tenant: name,
    entries: reading.entries,
    firstBroken: reading.firstBroken,
    head: reading.head,
    anchorMismatch,
    anchorsChecked: anchors.length,
    intact,
    anchored,
  };
  const fields = { tenant: name, entries: result.entries, head: result.head?.id ?? null, firstBroken: result.firstBroken, anchorMismatch };
  if (intact) context.logger.info(fields, 'audit chain verified');
  else context.logger.warn(fields, 'audit chain broken');
  return result;
}
