import { describe, expect, it } from 'vitest';
import { resolvePlatformConfig } from '../../services/platform/src/config.js';

describe('orchestrator configuration', () => {
  it('defaults to local', () => {
    expect(resolvePlatformConfig({}).orchestrator).toEqual({ kind: 'local' });
  });

  it('reads the kubernetes settings', () => {
    const config = resolvePlatformConfig({
      ESM_ORCHESTRATOR: 'kubernetes',
      ESM_KUBERNETES_IMAGE: 'registry.example/esm:1.0.0',
      ESM_KUBERNETES_NAMESPACE: 'tenants',
      ESM_KUBERNETES_GATEWAY_NAME: 'public',
      ESM_KUBERNETES_GATEWAY_NAMESPACE: 'edge',
      ESM_KUBERNETES_INGRESS_NAMESPACE: 'envoy-gateway-system',
      ESM_KUBERNETES_INGRESS_POD_SELECTOR: 'app.kubernetes.io/name=envoy, gateway=public',
      ESM_KUBERNETES_DATABASE_POD_SELECTOR: 'app.kubernetes.io/name=postgresql',
      ESM_KUBERNETES_DATABASE_NAMESPACE: 'databases',
    });
    expect(config.orchestrator).toEqual({
      kind: 'kubernetes',
      namespace: 'tenants',
      image: 'registry.example/esm:1.0.0',
      gateway: { name: 'public', namespace: 'edge', listener: 'https' },
      ingress: { namespace: 'envoy-gateway-system', podSelector: { 'app.kubernetes.io/name': 'envoy', gateway: 'public' } },
      databasePods: { namespace: 'databases', podSelector: { 'app.kubernetes.io/name': 'postgresql' } },
    });
  });

  it('defaults the gateway to the namespace', () => {
    const config = resolvePlatformConfig({ ESM_ORCHESTRATOR: 'kubernetes', ESM_KUBERNETES_IMAGE: 'esm:1' });
    expect(config.orchestrator).toEqual({
      kind: 'kubernetes',
      namespace: 'esm',
      image: 'esm:1',
      gateway: { name: 'esm', namespace: 'esm', listener: 'https' },
      ingress: { namespace: 'esm', podSelector: {} },
      databasePods: undefined,
    });
  });

  it('rejects kubernetes without an image', () => {
    expect(() => resolvePlatformConfig({ ESM_ORCHESTRATOR: 'kubernetes' })).toThrow(/ESM_KUBERNETES_IMAGE/);
  });

  it('rejects an unknown orchestrator', () => {
    expect(() => resolvePlatformConfig({ ESM_ORCHESTRATOR: 'nomad' })).toThrow(/local or kubernetes/);
  });

  it('rejects a malformed selector', () => {
    expect(() => resolvePlatformConfig({ ESM_ORCHESTRATOR: 'kubernetes', ESM_KUBERNETES_IMAGE: 'esm:1', ESM_KUBERNETES_INGRESS_POD_SELECTOR: 'app in (a,b)' })).toThrow(
      /ESM_KUBERNETES_INGRESS_POD_SELECTOR/,
    );
  });
});
