import type { AdminContext } from '../admin-context.js';
import { listTenantNamesInState } from '../registry/tenant-store.js';
import { recordAuditAnchor } from './anchor-store.js';
import { readAuditHead, withAuditReader } from './tenant-audit-database.js';

/** Interval of recording audit anchors when the configuration sets none: one hour. */
export const DEFAULT_AUDIT_ANCHOR_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Records the head of every active tenant's audit chain as an anchor,
 * reading each database with the tenant's read-only login. Inactive tenants
 * are skipped: their process is stopped, so their log does not grow, and
 * nothing here starts it. A tenant that fails is logged and the others go on.
 * Returns the number of new anchors.
 */
export async function recordActiveTenantAnchors(context: AdminContext): Promise<number> {
  let recorded = 0;
  for (const tenant of await listTenantNamesInState(context.registry, 'active')) {
    try {
      const head = await withAuditReader(context, tenant, readAuditHead);
      if (head && (await recordAuditAnchor(context.registry, tenant, head))) recorded += 1;
    } catch (error) {
      context.logger.warn({ tenant, err: error }, 'audit anchor could not be recorded');
    }
  }
  return recorded;
}

/**
 * Calls recordActiveTenantAnchors every `intervalMs` (0 turns it off) and
 * returns a function that stops the schedule and waits for a round in
 * progress. A round that is still running when the next one is due is not
 * overlapped; the next round is skipped.
 */
export function scheduleAuditAnchors(context: AdminContext, intervalMs: number): () => Promise<void> {
  if (intervalMs <= 0) return async () => undefined;
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = recordActiveTenantAnchors(context)
      .then((recorded) => context.logger.debug({ recorded }, 'audit anchors recorded'))
      .catch((error: unknown) => context.logger.error({ err: error }, 'audit anchoring failed'))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
