import type { KubernetesOrchestratorConfig, TenantSecret } from '@esm/common';

/** Builds a Kubernetes configuration for tests with the base's namespace and Gateway and an ingress namespace of its own. */
export function testKubernetesConfig(overrides: Partial<KubernetesOrchestratorConfig> = {}): KubernetesOrchestratorConfig {
  return {
    namespace: 'esm',
    image: 'registry.example/esm:1.0.0',
    gateway: { name: 'esm', namespace: 'esm', listener: 'https' },
    ingress: { namespace: 'gateway-system', podSelector: { 'app.kubernetes.io/name': 'gateway-proxy' } },
    ...overrides,
  };
}

/** Builds a tenant secret whose three logins point at one database server. */
export function testTenantSecret(tenant: string, databaseHost = '10.20.0.5', databasePort = 5432): TenantSecret {
  const login = (role: string) => ({ host: databaseHost, port: databasePort, database: `esm_tenant_${tenant}`, user: `esm_${tenant}_${role}`, password: `password-${role}` });
  return {
    tenant,
    origin: `https://${tenant}.esm.example`,
    database: { owner: login('owner'), app: login('app'), readOnly: login('ro') },
    signingKeys: [{ kid: 'k1', privateKeyPem: 'private', publicKeyPem: 'public', createdAt: '2026-01-01T00:00:00.000Z' }],
    mail: { from: 'ESM <no-reply@esm.example>', outboxDir: '/tmp/outbox' },
    sms: { provider: 'outbox', outboxDir: '/tmp/outbox' },
    firstAdministrator: { email: 'first@example.org', locale: 'en' },
  };
}
