import net from 'node:net';
import { AppError, type OrchestratorConfig } from '@esm/common';
import { ADMIN_ERRORS } from './errors.js';

// admin is internal only: it may listen on loopback or a private network
// address, never on a public one or on every interface.
const INTERNAL_ADDRESSES = new net.BlockList();
INTERNAL_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4');
INTERNAL_ADDRESSES.addSubnet('10.0.0.0', 8, 'ipv4');
INTERNAL_ADDRESSES.addSubnet('172.16.0.0', 12, 'ipv4');
INTERNAL_ADDRESSES.addSubnet('192.168.0.0', 16, 'ipv4');
INTERNAL_ADDRESSES.addAddress('::1', 'ipv6');
// IPv6 unique local addresses.
INTERNAL_ADDRESSES.addSubnet('fc00::', 7, 'ipv6');

// Every interface: a pod's only way to listen on its own address, which is
// assigned when the pod starts.
const ALL_INTERFACES = new Set(['0.0.0.0', '::']);

/** Tells whether the host is a loopback or private address (or `localhost`). */
export function isInternalBindHost(host: string): boolean {
  if (host === 'localhost') return true;
  const family = net.isIP(host);
  if (family === 0) return false;
  return INTERNAL_ADDRESSES.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Throws when admin must not listen on the host. An internal address is
 * always allowed. Every interface (`0.0.0.0`, `::`) is allowed only with
 * the Kubernetes orchestrator, where the pod's network is the cluster's:
 * admin's NetworkPolicy admits only the platform's own pods, its Service is
 * ClusterIP without a route, and every caller still needs its credential.
 * On a machine, every interface includes the public ones, so it stays rejected.
 */
export function assertInternalBindHost(host: string, orchestrator: OrchestratorConfig['kind'] = 'local'): void {
  if (isInternalBindHost(host)) return;
  if (orchestrator === 'kubernetes' && ALL_INTERFACES.has(host)) return;
  const allowed = orchestrator === 'kubernetes' ? 'an internal address, 0.0.0.0 or ::' : 'an internal address (0.0.0.0 and :: only with the kubernetes orchestrator)';
  throw new AppError(ADMIN_ERRORS.bindHostRejected, { values: { host, allowed } });
}
