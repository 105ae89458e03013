import type { PlatformConfig } from './platform-config.js';

/** A tenant's listening address, as admin returns it. */
export interface TenantUpstream {
  host: string;
  port: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

// The Kubernetes orchestrator's Service for a tenant: `tenant-<name>` in the
// orchestrator's namespace, reached on port 80.
const KUBERNETES_SERVICE_PORT = 80;

/**
 * Checks that an upstream from admin is where the configured orchestrator
 * runs this tenant, so that a wrong registry row or a compromised reply
 * cannot turn the gateway or the default backend into a path to admin,
 * PostgreSQL or another host:
 *
 * - local: a loopback or bind-host address with a port in the tenant range
 *   that is none of the platform's own ports;
 * - kubernetes: exactly `tenant-<tenant>.<namespace>.svc` on port 80, the
 *   Service name the orchestrator creates for this tenant.
 */
export function isTenantUpstreamAllowed(config: PlatformConfig, upstream: TenantUpstream, tenant: string): boolean {
  const host = upstream.host.replace(/^\[|\]$/g, '').toLowerCase();
  const orchestrator = config.orchestrator;
  if (orchestrator?.kind === 'kubernetes') {
    return host === `tenant-${tenant}.${orchestrator.namespace}.svc` && upstream.port === KUBERNETES_SERVICE_PORT;
  }
  if (host !== config.bindHost && !LOOPBACK_HOSTS.has(host)) return false;
  const [lowest, highest] = config.ports.tenantRange;
  if (!Number.isInteger(upstream.port) || upstream.port < lowest || upstream.port > highest) return false;
  const platformPorts = [
    config.ports.admin,
    config.ports.https,
    config.ports.http,
    config.ports.registration,
    config.ports.defaultBackend,
    config.ports.embeddedPostgres,
    ...Object.values(config.metricsPorts ?? {}),
  ];
  return !platformPorts.includes(upstream.port);
}
