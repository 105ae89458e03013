import type { AdminContext } from '../admin-context.js';
import type { Upstream } from '../orchestrator/orchestrator.js';
import { listTenants } from '../registry/tenant-store.js';
import { stopTenant } from './tenant-transitions.js';

const MINUTE_MS = 60_000;
const ACTIVITY_TIMEOUT_MS = 5_000;

/** A running idle check; `stop` ends it and waits for the round in progress. */
export interface IdleScaleDown {
  /** Asks every running tenant for its last request and stops the idle ones; resolves with their names. */
  runCheck(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Stops active tenants that have had no request for `idleTimeoutMinutes`.
 * Admin asks each running tenant's `GET /internal/activity` on its own
 * address, rather than counting requests itself, because requests go from
 * the gateway straight to the tenant and never pass admin. Templates are
 * never stopped; a timeout of 0 turns the check off.
 *
 * NOTE: a request that arrives between the check and the stop is cut off,
 * and the next one wakes the tenant again. With the Kubernetes orchestrator
 * the tenant's NetworkPolicy admits admin's pods for this check; that path
 * has not run on a real cluster.
 */
export function startIdleScaleDown(context: AdminContext, idleTimeoutMinutes: number, checkIntervalMs = MINUTE_MS): IdleScaleDown {
  let round: Promise<string[]> | null = null;
  const runCheck = (): Promise<string[]> => {
    round ??= stopIdleTenants(context, idleTimeoutMinutes * MINUTE_MS)
      .catch((error: unknown) => {
        context.logger.error({ err: error }, 'idle check failed');
        return [];
      })
      .finally(() => (round = null));
    return round;
  };
  const timer = idleTimeoutMinutes > 0 ? setInterval(() => void runCheck(), checkIntervalMs) : null;
  timer?.unref();
  return {
    runCheck,
    async stop() {
      if (timer) clearInterval(timer);
      await round;
    },
  };
}

async function stopIdleTenants(context: AdminContext, idleTimeoutMs: number): Promise<string[]> {
  if (idleTimeoutMs <= 0) return [];
  const stopped: string[] = [];
  const candidates = (await listTenants(context.registry)).filter((tenant) => tenant.state === 'active' && !tenant.template);
  for (const tenant of candidates) {
    const upstream = context.orchestrator.upstream(tenant.name);
    if (!upstream) continue;
    const lastRequestAt = await readLastRequest(upstream).catch((error: unknown) => {
      context.logger.warn({ err: error, tenant: tenant.name }, 'tenant activity could not be read');
      return null;
    });
    if (!lastRequestAt || Date.now() - lastRequestAt.getTime() < idleTimeoutMs) continue;
    await stopTenant(context, tenant.name, 'system');
    context.logger.info({ tenant: tenant.name, lastRequestAt: lastRequestAt.toISOString() }, 'idle tenant stopped');
    stopped.push(tenant.name);
  }
  return stopped;
}

/** Reads `{ lastRequestAt }` from the tenant's activity route; null when the reply has no valid time. */
async function readLastRequest(upstream: Upstream): Promise<Date | null> {
  const response = await fetch(`http://${upstream.host}:${upstream.port}/internal/activity`, { signal: AbortSignal.timeout(ACTIVITY_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`activity route returned status ${response.status}`);
  const body = (await response.json()) as { lastRequestAt?: unknown };
  const at = typeof body.lastRequestAt === 'string' ? new Date(body.lastRequestAt) : null;
  return at && !Number.isNaN(at.getTime()) ? at : null;
}
