import { isTenantNameWellFormed, isTenantUpstreamAllowed, RESERVED_TENANT_NAMES, tenantNameFromHost, type Logger, type PlatformConfig } from '@esm/common';
import type { RouteCache } from './route-cache.js';

/** An address the gateway forwards to. */
export interface Upstream {
  host: string;
  port: number;
}

/** The destination of one request: a running tenant, the registration service or the default backend. */
export type RouteDecision =
  | { kind: 'tenant'; tenant: string; upstream: Upstream }
  | { kind: 'registration'; upstream: Upstream }
  | { kind: 'default-backend'; tenant: string | null; upstream: Upstream };

/** The host label that serves the registration service. */
export const REGISTRATION_LABEL = 'register';

/**
 * Creates the function that picks the upstream for a Host header. The only
 * upstreams are a tenant, registration and the default backend, so no Host
 * value can make the gateway forward to admin.
 */
export function createRouter(
  config: PlatformConfig,
  routes: RouteCache,
  logger: Logger,
): (hostHeader: string | undefined) => Promise<RouteDecision> {
  const defaultBackend: Upstream = { host: config.bindHost, port: config.ports.defaultBackend };
  const registration: Upstream = { host: config.bindHost, port: config.ports.registration };

  return async (hostHeader) => {
    const label = tenantNameFromHost(hostHeader, config.baseDomain);
    if (label === REGISTRATION_LABEL) return { kind: 'registration', upstream: registration };
    if (label === null || !isTenantNameWellFormed(label) || RESERVED_TENANT_NAMES.has(label)) {
      return { kind: 'default-backend', tenant: null, upstream: defaultBackend };
    }

    let route;
    try {
      route = await routes.get(label);
    } catch (error) {
      // The default backend queries admin again and fails closed with its own page.
      logger.error({ err: error, tenant: label }, 'route lookup failed');
      return { kind: 'default-backend', tenant: label, upstream: defaultBackend };
    }
    if (route?.state !== 'active' || !route.upstream) {
      return { kind: 'default-backend', tenant: label, upstream: defaultBackend };
    }
    if (!isTenantUpstreamAllowed(config, route.upstream, label)) {
      logger.error({ tenant: label, upstream: route.upstream }, 'route upstream rejected: not a tenant address');
      routes.invalidate(label);
      return { kind: 'default-backend', tenant: label, upstream: defaultBackend };
    }
    return { kind: 'tenant', tenant: label, upstream: route.upstream };
  };
}
