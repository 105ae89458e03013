import { AppError } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { ADMIN_ERRORS } from '../errors.js';
import type { Upstream } from '../orchestrator/orchestrator.js';
import { changeTenantState, findTenant, type Actor, type TenantRecord, type TenantState } from '../registry/tenant-store.js';
import { withTransaction } from '../registry/transaction.js';

/**
 * Stops an active tenant's process and makes it inactive. An inactive
 * tenant is returned unchanged; other states throw TENANT_STATE_CONFLICT.
 */
export function stopTenant(context: AdminContext, name: string, actor: Actor): Promise<TenantRecord> {
  return context.locks.run(name, async () => {
    const tenant = await requireTenant(context, name);
    if (tenant.state === 'inactive') return tenant;
    if (tenant.state !== 'active') throw stateConflict(tenant);
    await context.orchestrator.stop(name);
    return transition(context, tenant, ['active'], 'inactive', actor);
  });
}

/**
 * Starts an inactive tenant, waits until it passes its health check and
 * makes it active. For an active tenant it only starts the process if it is
 * not running. Throws TENANT_START_FAILED or TENANT_STATE_CONFLICT.
 */
export function startTenant(context: AdminContext, name: string, actor: Actor): Promise<TenantRecord> {
  return context.locks.run(name, async () => {
    const tenant = await requireTenant(context, name);
    if (tenant.state !== 'active' && tenant.state !== 'inactive') throw stateConflict(tenant);
    await ensureRunning(context, name);
    if (tenant.state === 'active') return tenant;
    return transition(context, tenant, ['inactive'], 'active', actor);
  });
}

/**
 * Starts an inactive tenant on request of the default backend and returns
 * where it listens. Concurrent calls queue on the tenant's lock, so only the
 * first one starts the process and the others find it active.
 * Throws TENANT_NOT_WAKEABLE for states other than active and inactive.
 */
export function wakeTenant(context: AdminContext, name: string, actor: Actor): Promise<{ state: 'active'; upstream: Upstream }> {
  return context.locks.run(name, async () => {
    const tenant = await requireTenant(context, name);
    if (tenant.state !== 'active' && tenant.state !== 'inactive') {
      throw new AppError(ADMIN_ERRORS.notWakeable, { values: { tenant: name, state: tenant.state } });
    }
    const upstream = await ensureRunning(context, name);
    if (tenant.state === 'inactive') await transition(context, tenant, ['inactive'], 'active', actor);
    return { state: 'active', upstream };
  });
}

/** Returns the tenant or throws TENANT_NOT_FOUND. */
export async function requireTenant(context: AdminContext, name: string): Promise<TenantRecord> {
  const tenant = await findTenant(context.registry, name);
  if (!tenant) throw new AppError(ADMIN_ERRORS.tenantNotFound, { values: { tenant: name } });
  return tenant;
}

async function ensureRunning(context: AdminContext, name: string): Promise<Upstream> {
  const running = context.orchestrator.upstream(name);
  if (running) return running;
  try {
    return await context.orchestrator.start(name);
  } catch (error) {
    // Leave no half-started process behind for a tenant that stays inactive.
    await context.orchestrator.stop(name).catch(() => undefined);
    throw new AppError(ADMIN_ERRORS.startFailed, { values: { tenant: name }, cause: error, detail: String(error) });
  }
}

async function transition(
  context: AdminContext,
  tenant: TenantRecord,
  from: readonly TenantState[],
  to: TenantState,
  actor: Actor,
): Promise<TenantRecord> {
  const updated = await withTransaction(context.registry, (client) => changeTenantState(client, tenant.name, from, to, actor));
  // Every change of a tenant holds its lock, so the state read above still holds.
  if (!updated) throw stateConflict(tenant);
  return updated;
}

function stateConflict(tenant: TenantRecord): AppError {
  return new AppError(ADMIN_ERRORS.stateConflict, { values: { tenant: tenant.name, state: tenant.state } });
}
