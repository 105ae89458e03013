import {
  AppError,
  COMMON_ERRORS,
  isTenantNameWellFormed,
  RESERVED_TENANT_NAMES,
  type Logger,
  type PlatformConfig,
} from '@esm/common';
import { DEFAULT_BACKEND_ERRORS } from './errors.js';
import type { TenantAdmin, TenantState, Upstream, WakeOutcome } from './tenant-admin.js';
import { isTenantUpstreamAllowed } from './tenant-proxy.js';
import type { WakeGate } from './wake-gate.js';

/**
 * The action for a request to a tenant host: proxy, redirect, error (with a
 * Retry-After in seconds when a limit set it), or `starting` when the caller's
 * patience ran out while the wake goes on.
 */
export type TenantResolution =
  | { kind: 'proxy'; upstream: Upstream }
  | { kind: 'redirect' }
  | { kind: 'error'; error: AppError; retryAfterSeconds?: number }
  | { kind: 'starting' };

/** The requesting client and how long it waits. */
export interface ResolveOptions {
  /** The client's address, the key of the per-client wake rate. */
  clientAddress: string;
  /** Milliseconds to wait for a wake before resolving to `starting`; without it, the wake's own time-out applies. */
  patienceMs?: number;
}

const PATIENCE_RAN_OUT = Symbol('patience ran out');

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
  gate: WakeGate,
): (name: string, options: ResolveOptions) => Promise<TenantResolution> {
  return async (name, options) => {
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

    let outcome: WakeOutcome | typeof PATIENCE_RAN_OUT;
    // An active tenant's wake only returns its upstream, so only inactive ones pass the gate.
    const admission = state === 'inactive' ? await gate.admit(name, options.clientAddress, !tenants.isWaking(name)) : null;
    if (admission?.kind === 'rejected') {
      logger.warn({ tenant: name, code: admission.error.code, waiting: gate.waiting() }, 'tenant wake rejected by limit');
      return { kind: 'error', error: admission.error, retryAfterSeconds: admission.retryAfterSeconds };
    }
    try {
      outcome = await waitForWake(tenants.wake(name), options.patienceMs, name);
    } catch (error) {
      logger.error({ err: error, tenant: name }, 'tenant wake failed');
      return adminUnavailable(error);
    } finally {
      admission?.slot.release();
    }
    if (outcome === PATIENCE_RAN_OUT) return { kind: 'starting' };
    switch (outcome.kind) {
      case 'woken':
        if (isTenantUpstreamAllowed(config, outcome.upstream, name)) return { kind: 'proxy', upstream: outcome.upstream };
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

  /** Waits for the wake, or at most `patienceMs`; the wake itself goes on either way. */
  async function waitForWake(
    wake: Promise<WakeOutcome>,
    patienceMs: number | undefined,
    name: string,
  ): Promise<WakeOutcome | typeof PATIENCE_RAN_OUT> {
    if (patienceMs === undefined) return wake;
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<typeof PATIENCE_RAN_OUT>((resolve) => {
      timer = setTimeout(() => resolve(PATIENCE_RAN_OUT), patienceMs);
    });
    try {
      const first = await Promise.race([wake, patience]);
      if (first === PATIENCE_RAN_OUT) {
        // No request may still await the wake, so its failure is logged here rather than left unhandled.
        wake.catch((error: unknown) => logger.error({ err: error, tenant: name }, 'background tenant wake failed'));
      }
      return first;
    } finally {
      clearTimeout(timer);
    }
  }

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
