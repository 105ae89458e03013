import {
  AppError,
  COMMON_ERRORS,
  isTenantNameWellFormed,
  RESERVED_TENANT_NAMES,
  type Logger,
  type PlatformConfig,
} from '@esm/common';
import { DEFAULT_BACKEND_ERRORS } from './errors.js';
import type { TenantAdmin, TenantState, Upstream } from './tenant-admin.js';
import { isTenantUpstreamAllowed } from './tenant-proxy.js';

/** The action for a request to a tenant host: proxy, redirect or error. */
export type TenantResolution =
  | { kind: 'proxy'; upstream: Upstream }
  | { kind: 'redirect' }
  | { kind: 'error'; error: AppError };

/** Returns the error for a state without a running tenant, or null for the wakeable states. */
function errorForState(state: TenantState): AppError | null {
  switch (state) {
    case 'archived':
      return new AppError(DEFAULT_BACKEND_ERRORS.archived);
    case 'registered':
      return new AppError(DEFAULT_BACKEND_ERRORS.notDeployed);
    case 'deploying':
      return new AppError(DEFAULT_BACKEND_ERRORS.deploying);
    default:
      return null;
  }
}

function adminUnavailable(error: unknown): TenantResolution {
  return { kind: 'error', error: new AppError(COMMON_ERRORS.serviceUnavailable, { detail: 'admin unavailable', cause: error }) };
}

/**
 * Creates the resolver for tenant hosts. It reads the tenant's state from
 * admin and wakes an inactive or active tenant to get its upstream. Other
 * states resolve to an error page or a redirect. Every admin failure resolves
 * to SERVICE_UNAVAILABLE, so the request is denied.
 */
export function createTenantResolver(
  config: PlatformConfig,
  tenants: TenantAdmin,
  logger: Logger,
): (name: string) => Promise<TenantResolution> {
  return async (name) => {
    if (!isTenantNameWellFormed(name) || RESERVED_TENANT_NAMES.has(name)) return { kind: 'redirect' };

    let state: TenantState;
    try {
      state = await tenants.readState(name);
    } catch (error) {
      logger.error({ err: error, tenant: name }, 'tenant state lookup failed');
      return adminUnavailable(error);
    }
    if (state === 'unknown') return { kind: 'redirect' };
    const stateError = errorForState(state);
    if (stateError) return { kind: 'error', error: stateError };

    let outcome;
    try {
      outcome = await tenants.wake(name);
    } catch (error) {
      logger.error({ err: error, tenant: name }, 'tenant wake failed');
      return adminUnavailable(error);
    }
    switch (outcome.kind) {
      case 'woken':
        if (isTenantUpstreamAllowed(config, outcome.upstream)) return { kind: 'proxy', upstream: outcome.upstream };
        logger.error({ tenant: name, upstream: outcome.upstream }, 'wake upstream rejected: not a tenant address');
        return { kind: 'error', error: new AppError(DEFAULT_BACKEND_ERRORS.wakeFailed) };
      case 'timeout':
        return { kind: 'error', error: new AppError(DEFAULT_BACKEND_ERRORS.wakeTimeout) };
      case 'unknown':
        return { kind: 'redirect' };
      case 'not-wakeable':
        // The state changed between the lookup and the wake, e.g. an operator archived the tenant.
        return await resolveChangedState(name);
      case 'failed':
        return { kind: 'error', error: new AppError(DEFAULT_BACKEND_ERRORS.wakeFailed) };
    }
  };

  async function resolveChangedState(name: string): Promise<TenantResolution> {
    let state: TenantState;
    try {
      state = await tenants.readState(name);
    } catch (error) {
      logger.error({ err: error, tenant: name }, 'tenant state lookup failed');
      return adminUnavailable(error);
    }
    if (state === 'unknown') return { kind: 'redirect' };
    return { kind: 'error', error: errorForState(state) ?? new AppError(DEFAULT_BACKEND_ERRORS.wakeFailed) };
  }
}
