import { describe, expect, it } from 'vitest';
import type { PlatformConfig } from './platform-config.js';
import { isTenantUpstreamAllowed } from './tenant-upstream.js';

const local = {
  bindHost: '127.0.0.1',
  ports: { https: 8443, http: 8080, admin: 8600, registration: 8601, defaultBackend: 8602, tenantRange: [8700, 8999], embeddedPostgres: 8432 },
} as PlatformConfig;

const kubernetes = {
  ...local,
  bindHost: '0.0.0.0',
  orchestrator: { kind: 'kubernetes', namespace: 'esm', image: 'esm:1', gateway: { name: 'esm', namespace: 'esm', listener: 'https' }, ingress: { namespace: 'esm', podSelector: {} } },
} as PlatformConfig;

describe('isTenantUpstreamAllowed', () => {
  it('local allows loopback tenant ports', () => {
    expect(isTenantUpstreamAllowed(local, { host: '127.0.0.1', port: 8700 }, 'demo')).toBe(true);
    expect(isTenantUpstreamAllowed(local, { host: '[::1]', port: 8999 }, 'demo')).toBe(true);
  });

  it('local rejects other hosts and ports', () => {
    expect(isTenantUpstreamAllowed(local, { host: '10.0.0.5', port: 8700 }, 'demo')).toBe(false);
    expect(isTenantUpstreamAllowed(local, { host: '127.0.0.1', port: 8600 }, 'demo')).toBe(false);
    expect(isTenantUpstreamAllowed(local, { host: '127.0.0.1', port: 9000 }, 'demo')).toBe(false);
    expect(isTenantUpstreamAllowed(local, { host: 'tenant-demo.esm.svc', port: 80 }, 'demo')).toBe(false);
  });

  it('local rejects a metrics port inside the tenant range', () => {
    const overlapping = { ...local, metricsPorts: { admin: 8610, registration: 8611, defaultBackend: 8612, gateway: 8750 } } as PlatformConfig;

    expect(isTenantUpstreamAllowed(overlapping, { host: '127.0.0.1', port: 8750 }, 'demo')).toBe(false);
    expect(isTenantUpstreamAllowed(overlapping, { host: '127.0.0.1', port: 8751 }, 'demo')).toBe(true);
  });

  it("kubernetes allows the tenant's own Service", () => {
    expect(isTenantUpstreamAllowed(kubernetes, { host: 'tenant-demo.esm.svc', port: 80 }, 'demo')).toBe(true);
  });

  it('kubernetes rejects anything else', () => {
    const rejected = [
      { host: 'tenant-other.esm.svc', port: 80 },
      { host: 'tenant-demo.esm.svc', port: 8080 },
      { host: 'tenant-demo.kube-system.svc', port: 80 },
      { host: 'tenant-demo.esm.svc.cluster.local', port: 80 },
      { host: 'admin.esm.svc', port: 80 },
      { host: '127.0.0.1', port: 8700 },
      { host: '10.0.0.5', port: 80 },
    ];
    for (const upstream of rejected) expect(isTenantUpstreamAllowed(kubernetes, upstream, 'demo'), upstream.host).toBe(false);
  });
});
