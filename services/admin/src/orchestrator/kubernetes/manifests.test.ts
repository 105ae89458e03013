import { describe, expect, it } from 'vitest';
import { AppError } from '@esm/common';
import { buildTenantHttpRoute, buildTenantNetworkPolicy, databasePeer } from './tenant-network.js';
import { buildTenantDeployment, buildTenantSecret, buildTenantService, ESM_USER_ID, secretHash, serializeTenantSecret, tenantServiceHost } from './tenant-workload.js';
import { testKubernetesConfig, testTenantSecret } from './test-fixtures.js';

const config = testKubernetesConfig();
const secretJson = serializeTenantSecret(testTenantSecret('demo'));

describe('tenant labels', () => {
  it('label every object with part-of and tenant', () => {
    const objects = [
      buildTenantSecret('demo', secretJson, config),
      buildTenantDeployment('demo', 1, 'hash', config),
      buildTenantService('demo', config),
      buildTenantHttpRoute('demo', 'esm.example', config),
      buildTenantNetworkPolicy('demo', testTenantSecret('demo'), config),
    ];
    for (const object of objects) {
      expect(object.metadata?.name, object.kind).toBe('tenant-demo');
      expect(object.metadata?.namespace, object.kind).toBe('esm');
      expect(object.metadata?.labels?.['app.kubernetes.io/part-of'], object.kind).toBe('esm');
      expect(object.metadata?.labels?.['esm.io/tenant'], object.kind).toBe('demo');
    }
  });
});

describe('buildTenantSecret', () => {
  it('holds the secret JSON under one key', () => {
    const secret = buildTenantSecret('demo', secretJson, config);
    expect(Object.keys(secret.stringData ?? {})).toEqual(['secret.json']);
    expect(JSON.parse(secret.stringData!['secret.json']!)).toEqual(testTenantSecret('demo'));
  });
});

describe('buildTenantDeployment', () => {
  const deployment = buildTenantDeployment('demo', 1, secretHash(secretJson), config);
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers[0]!;

  it('sets replicas from the running state', () => {
    expect(deployment.spec?.replicas).toBe(1);
    expect(buildTenantDeployment('demo', 0, 'hash', config).spec?.replicas).toBe(0);
  });

  it('selects only its own tenant pods', () => {
    expect(deployment.spec?.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'esm-tenant', 'esm.io/tenant': 'demo' });
    expect(deployment.spec?.template.metadata?.labels).toMatchObject(deployment.spec!.selector.matchLabels!);
  });

  it('runs as a fixed non-root user', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: ESM_USER_ID, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: ESM_USER_ID,
      runAsGroup: ESM_USER_ID,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('gets no service account token or service links', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
  });

  it('passes only the tenant variables', () => {
    expect(container.env).toEqual([
      { name: 'ESM_TENANT_SECRET_FILE', value: '/etc/esm/tenant/secret.json' },
      { name: 'ESM_TENANT_HOST', value: '0.0.0.0' },
      { name: 'ESM_TENANT_PORT', value: '8080' },
      { name: 'NODE_ENV', value: 'production' },
    ]);
    expect(container.image).toBe('registry.example/esm:1.0.0');
    expect(container.command).toEqual(['node', 'services/tenant/dist/main.js']);
  });

  it('mounts the secret read-only and /tmp', () => {
    expect(container.volumeMounts).toEqual([
      { name: 'secret', mountPath: '/etc/esm/tenant', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    const secretVolume = pod.volumes!.find((volume) => volume.name === 'secret')!;
    expect(secretVolume.secret).toMatchObject({ secretName: 'tenant-demo', items: [{ key: 'secret.json', path: 'secret.json' }] });
    expect(pod.volumes!.find((volume) => volume.name === 'tmp')!.emptyDir).toBeDefined();
  });

  it('probes readyz and healthz', () => {
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });

  it('sets requests and limits', () => {
    expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources?.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
  });

  it('rolls the pod when the secret changes', () => {
    const other = buildTenantDeployment('demo', 1, secretHash(secretJson + ' '), config);
    expect(other.spec?.template.metadata?.annotations?.['esm.io/secret-sha256']).not.toBe(deployment.spec?.template.metadata?.annotations?.['esm.io/secret-sha256']);
  });
});

describe('buildTenantService', () => {
  it('maps port 80 to the container', () => {
    const service = buildTenantService('demo', config);
    expect(service.spec?.type).toBe('ClusterIP');
    expect(service.spec?.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(service.spec?.selector).toEqual({ 'app.kubernetes.io/name': 'esm-tenant', 'esm.io/tenant': 'demo' });
    expect(tenantServiceHost('demo', config)).toBe('tenant-demo.esm.svc');
  });
});

describe('buildTenantHttpRoute', () => {
  it('routes the tenant host to its Service', () => {
    const route = buildTenantHttpRoute('demo', 'esm.example', config);
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.hostnames).toEqual(['demo.esm.example']);
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'esm', namespace: 'esm', sectionName: 'https' }]);
    expect(route.spec.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'tenant-demo', port: 80 }] }]);
  });
});

describe('buildTenantNetworkPolicy', () => {
  const policy = buildTenantNetworkPolicy('demo', testTenantSecret('demo'), config);

  it('applies to the tenant pods both ways', () => {
    expect(policy.spec?.podSelector?.matchLabels).toEqual({ 'app.kubernetes.io/name': 'esm-tenant', 'esm.io/tenant': 'demo' });
    expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('admits only the gateway, default backend and admin', () => {
    expect(policy.spec?.ingress).toEqual([
      {
        _from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway-proxy' } },
          },
          { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'esm-default-backend' } } },
          { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'esm-admin' } } },
        ],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
  });

  it('allows egress to the database and DNS only', () => {
    expect(policy.spec?.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.20.0.5/32' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ]);
  });

  it('uses the database port from the secret', () => {
    const other = buildTenantNetworkPolicy('demo', testTenantSecret('demo', 'fd00::5', 6432), config);
    expect(other.spec?.egress?.[0]).toEqual({ to: [{ ipBlock: { cidr: 'fd00::5/128' } }], ports: [{ protocol: 'TCP', port: 6432 }] });
  });
});

describe('databasePeer', () => {
  it('selects configured PostgreSQL pods for a name', () => {
    const withPods = testKubernetesConfig({ databasePods: { namespace: 'databases', podSelector: { 'app.kubernetes.io/name': 'postgresql' } } });
    expect(databasePeer('demo', 'pg.databases.svc', withPods)).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'databases' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } },
    });
  });

  it('rejects a name without configured pods', () => {
    let caught: unknown;
    try {
      databasePeer('demo', 'pg.databases.svc', config);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('KUBERNETES_DATABASE_PEER_UNKNOWN');
  });
});
