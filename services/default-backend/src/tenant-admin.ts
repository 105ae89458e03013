import type { Registry } from 'prom-client';
import { counterIn, histogramIn, type AdminClient, type Logger, type PlatformConfig } from '@esm/common';

/** The lifecycle states admin reports, plus `unknown` for a name admin does not have. */
export type TenantState = 'registered' | 'deploying' | 'active' | 'inactive' | 'archived' | 'unknown';

const KNOWN_STATES = new Set<string>(['registered', 'deploying', 'active', 'inactive', 'archived']);

export interface Upstream {
  host: string;
  port: number;
}

/** The result of a wake request. */
export type WakeOutcome =
  | { kind: 'woken'; upstream: Upstream }
  /** Admin did not respond within the wake time-out. */
  | { kind: 'timeout' }
  /** Admin returned 409 because the tenant is in a state that cannot be woken. */
  | { kind: 'not-wakeable' }
  /** Admin returned 503 because the tenant process did not start or failed its health check. */
  | { kind: 'failed' }
  | { kind: 'unknown' };

/** Error thrown when admin cannot be reached or returns a response outside its contract. Callers fail closed. */
export class AdminUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdminUnavailableError';
  }
}

export interface TenantAdmin {
  readState(name: string): Promise<TenantState>;
  /** Wakes a tenant; concurrent calls for one tenant share a single admin request. */
  wake(name: string): Promise<WakeOutcome>;
  /** Whether a wake request for the tenant is in flight, so that a new wake() would join it. */
  isWaking(name: string): boolean;
}

const STATE_LOOKUP_TIMEOUT_MS = 5000;

/**
 * Wraps admin's `GET /v1/tenants/:name/state` and `POST /v1/tenants/:name/wake`.
 * Wake is also used for an active tenant to learn its upstream, because the
 * default backend may not call the gateway's route lookup.
 *
 * NOTE: for an active tenant this relies on wake being a no-op that returns
 * 200 with the upstream, as admin's contract states for a request for the
 * state a tenant already has. A 409 instead ends in TENANT_WAKE_FAILED.
 */
export function createTenantAdmin(
  admin: AdminClient,
  config: Pick<PlatformConfig, 'wakeTimeoutMs'>,
  logger: Logger,
  registry?: Registry,
): TenantAdmin {
  const wakesInFlight = new Map<string, Promise<WakeOutcome>>();
  const wakeCounter = registry && counterIn(registry, 'esm_wakes_total', 'Wake requests sent to admin, by outcome.', ['outcome']);
  const wakeDurations =
    registry && histogramIn(registry, 'esm_wake_duration_seconds', 'Duration of wake requests sent to admin, by outcome.', ['outcome']);

  /** Records one wake request; `error` is admin unreachable or outside its contract. */
  async function measureWake(name: string): Promise<WakeOutcome> {
    const startedAt = performance.now();
    let outcome = 'error';
    try {
      const result = await requestWake(name);
      outcome = result.kind;
      return result;
    } finally {
      wakeCounter?.inc({ outcome });
      wakeDurations?.observe({ outcome }, (performance.now() - startedAt) / 1000);
    }
  }

  async function readState(name: string): Promise<TenantState> {
    const response = await callAdmin<{ state?: string }>(admin, 'GET', `/v1/tenants/${encodeURIComponent(name)}/state`, STATE_LOOKUP_TIMEOUT_MS);
    if (response.status === 404) return 'unknown';
    const state = response.body?.state;
    if (response.status !== 200 || typeof state !== 'string' || !KNOWN_STATES.has(state)) {
      throw new AdminUnavailableError(`admin returned status ${response.status} to the state lookup`);
    }
    return state as TenantState;
  }

  async function requestWake(name: string): Promise<WakeOutcome> {
    const startedAt = performance.now();
    logger.info({ tenant: name }, 'tenant wake requested');
    let response;
    try {
      response = await callAdmin<{ upstream?: Upstream | null }>(
        admin,
        'POST',
        `/v1/tenants/${encodeURIComponent(name)}/wake`,
        config.wakeTimeoutMs,
      );
    } catch (error) {
      if (isTimeout(error)) {
        logger.warn({ tenant: name, timeoutMs: config.wakeTimeoutMs }, 'tenant wake timed out');
        return { kind: 'timeout' };
      }
      throw error;
    }
    const durationMs = Math.round(performance.now() - startedAt);
    const upstream = response.body?.upstream;
    if (response.status === 200 && upstream && typeof upstream.host === 'string' && typeof upstream.port === 'number') {
      logger.info({ tenant: name, durationMs }, 'tenant woken');
      return { kind: 'woken', upstream: { host: upstream.host, port: upstream.port } };
    }
    logger.warn({ tenant: name, status: response.status, durationMs }, 'tenant wake rejected');
    if (response.status === 404) return { kind: 'unknown' };
    if (response.status === 409) return { kind: 'not-wakeable' };
    if (response.status === 503) return { kind: 'failed' };
    throw new AdminUnavailableError(`admin returned status ${response.status} to the wake request`);
  }

  return {
    readState,
    wake(name) {
      const inFlight = wakesInFlight.get(name);
      if (inFlight) return inFlight;
      const wake = measureWake(name).finally(() => wakesInFlight.delete(name));
      wakesInFlight.set(name, wake);
      return wake;
    },
    isWaking: (name) => wakesInFlight.has(name),
  };
}

/** Calls admin and turns network failures into AdminUnavailableError; time-outs keep their own error. */
async function callAdmin<T>(admin: AdminClient, method: string, path: string, timeoutMs: number) {
  try {
    return await admin.request<T | undefined>(method, path, undefined, { timeoutMs });
  } catch (error) {
    if (isTimeout(error)) throw error;
    throw new AdminUnavailableError(`admin request ${method} ${path} failed`, { cause: error });
  }
}

// AbortSignal.timeout() rejects fetch with a DOMException named TimeoutError.
function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}
