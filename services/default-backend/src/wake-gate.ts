import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, type WakeLimitsConfig } from '@esm/common';
import { DEFAULT_BACKEND_ERRORS } from './errors.js';

/** The limits used when the platform configuration has none. */
export const DEFAULT_WAKE_LIMITS: WakeLimitsConfig = {
  perTenantPerMinute: 10,
  perClientPerMinute: 30,
  maxWaiting: 500,
  maxWaitingPerTenant: 100,
  browserPageAfterMs: 3000,
};

/** Seconds a client should wait (the Retry-After value) when too many requests are already waiting. */
const QUEUE_FULL_RETRY_AFTER_SECONDS = 5;

/** A place among the waiting requests; release it once the request stops waiting. */
export interface WaitingSlot {
  release(): void;
}

/** The result of asking to wait for a wake: a slot, or the error to send with its Retry-After in seconds. */
export type WakeAdmission = { kind: 'admitted'; slot: WaitingSlot } | { kind: 'rejected'; error: AppError; retryAfterSeconds: number };

export interface WakeGate {
  /**
   * Admits a request that must wait for a tenant's wake. `startsWake` is true
   * when the request would start a new wake-up rather than join one in
   * flight. Only new wake-ups count against the per-tenant and per-client
   * rates, but every waiting request counts against the waiting caps.
   */
  admit(tenant: string, clientAddress: string, startsWake: boolean): Promise<WakeAdmission>;
  /** Requests waiting now, over all tenants. */
  waiting(): number;
}

/**
 * Creates the gate in front of the default backend's wake-ups. It keeps a
 * flood of requests for stopped tenants from starting tenant after tenant
 * (rates) and from holding unbounded memory and sockets while they start
 * (waiting caps). The counters live in this process's memory, so with
 * several default backend replicas each enforces its own limits.
 */
export function createWakeGate(limits: WakeLimitsConfig): WakeGate {
  const tenantRate = new RateLimiterMemory({ keyPrefix: 'tenant', points: limits.perTenantPerMinute, duration: 60 });
  const clientRate = new RateLimiterMemory({ keyPrefix: 'client', points: limits.perClientPerMinute, duration: 60 });
  const waitingByTenant = new Map<string, number>();
  let waitingTotal = 0;

  function queueFull(): WakeAdmission {
    return { kind: 'rejected', error: new AppError(DEFAULT_BACKEND_ERRORS.wakeQueueFull), retryAfterSeconds: QUEUE_FULL_RETRY_AFTER_SECONDS };
  }

  async function chargeRates(tenant: string, clientAddress: string): Promise<WakeAdmission | null> {
    try {
      await tenantRate.consume(tenant);
    } catch (rejection) {
      return rateLimited(rejection, new AppError(DEFAULT_BACKEND_ERRORS.wakeTenantRateLimited));
    }
    try {
      await clientRate.consume(clientAddress);
    } catch (rejection) {
      // The wake does not happen, so the tenant's point is given back.
      await tenantRate.reward(tenant, 1);
      return rateLimited(rejection, new AppError(DEFAULT_BACKEND_ERRORS.wakeClientRateLimited));
    }
    return null;
  }

  return {
    async admit(tenant, clientAddress, startsWake) {
      if (waitingTotal >= limits.maxWaiting) return queueFull();
      if ((waitingByTenant.get(tenant) ?? 0) >= limits.maxWaitingPerTenant) return queueFull();
      if (startsWake) {
        const rejected = await chargeRates(tenant, clientAddress);
        if (rejected) return rejected;
      }

      waitingTotal += 1;
      waitingByTenant.set(tenant, (waitingByTenant.get(tenant) ?? 0) + 1);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        waitingTotal -= 1;
        const left = (waitingByTenant.get(tenant) ?? 1) - 1;
        if (left === 0) waitingByTenant.delete(tenant);
        else waitingByTenant.set(tenant, left);
      };
      return { kind: 'admitted', slot: { release } };
    },
    waiting: () => waitingTotal,
  };
}

/** Turns a rate limiter's rejection into a 429 with the seconds until a point is free again. */
function rateLimited(rejection: unknown, error: AppError): WakeAdmission {
  // rate-limiter-flexible rejects with RateLimiterRes when the limit is reached and with an Error otherwise.
  if (!(rejection instanceof RateLimiterRes)) throw rejection;
  return { kind: 'rejected', error, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
}
