import net from 'node:net';
import type { KubernetesObject, V1NetworkPolicy, V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';
import { AppError, type KubernetesOrchestratorConfig, type TenantSecret } from '@esm/common';
import { KUBERNETES_ERRORS } from './errors.js';
import { TENANT_CONTAINER_PORT, TENANT_SERVICE_PORT, tenantMetadata, tenantObjectName, tenantSelectorLabels } from './tenant-workload.js';

const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export const HTTP_ROUTE_API_VERSION = `${GATEWAY_API_GROUP}/v1`;

/** A Gateway API HTTPRoute. The client has no model for custom resources, so this is its own type. */
export interface HttpRoute extends KubernetesObject {
  spec: {
    parentRefs: { group: string; kind: string; name: string; namespace: string; sectionName: string }[];
    hostnames: string[];
    rules: { matches: { path: { type: 'PathPrefix'; value: string } }[]; backendRefs: { name: string; port: number }[] }[];
  };
}

/** Labels of the default backend's pods, which proxy the request that woke a tenant to it. */
export const DEFAULT_BACKEND_POD_LABELS = { 'app.kubernetes.io/name': 'esm-default-backend' };

/** Labels of admin's pods, which ask each running tenant for its last request time (idle scale-down). */
export const ADMIN_POD_LABELS = { 'app.kubernetes.io/name': 'esm-admin' };

/**
 * Builds the HTTPRoute for `<tenant>.<baseDomain>` on the platform Gateway's
 * HTTPS listener. Under the Gateway API's hostname matching, this exact host
 * wins over the wildcard route to the default backend, so the route exists
 * only while the tenant runs and requests for a stopped tenant reach the
 * default backend, which wakes it.
 */
export function buildTenantHttpRoute(tenant: string, baseDomain: string, config: KubernetesOrchestratorConfig): HttpRoute {
  return {
    apiVersion: HTTP_ROUTE_API_VERSION,
    kind: 'HTTPRoute',
    metadata: tenantMetadata(tenant, config.namespace),
    spec: {
      parentRefs: [
        { group: GATEWAY_API_GROUP, kind: 'Gateway', name: config.gateway.name, namespace: config.gateway.namespace, sectionName: config.gateway.listener },
      ],
      hostnames: [`${tenant}.${baseDomain}`],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: tenantObjectName(tenant), port: TENANT_SERVICE_PORT }] }],
    },
  };
}

/**
 * Builds the tenant's NetworkPolicy. Ingress: only the gateway's proxy pods,
 * the default backend and admin (for the activity check), on the tenant's port. Egress: only the tenant's
 * database server on its port, and DNS. The tenant can therefore reach
 * neither admin nor another tenant nor another database server.
 *
 * NOTE: e-mail and SMS from the tenant are blocked too. Because policies add
 * up, an operator allows the mail relay with one more policy that selects
 * every tenant pod (docs/kubernetes.md has an example).
 */
export function buildTenantNetworkPolicy(tenant: string, secret: TenantSecret, config: KubernetesOrchestratorConfig): V1NetworkPolicy {
  const tenantPort: V1NetworkPolicyPort[] = [{ protocol: 'TCP', port: TENANT_CONTAINER_PORT }];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: tenantMetadata(tenant, config.namespace),
    spec: {
      podSelector: { matchLabels: tenantSelectorLabels(tenant) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          // The client's model calls `from` `_from`; its serialiser sends `from`.
          _from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': config.ingress.namespace } },
              podSelector: { matchLabels: { ...config.ingress.podSelector } },
            },
            { podSelector: { matchLabels: { ...DEFAULT_BACKEND_POD_LABELS } } },
            { podSelector: { matchLabels: { ...ADMIN_POD_LABELS } } },
          ],
          ports: tenantPort,
        },
      ],
      egress: [...databaseEgressRules(tenant, secret, config), dnsEgressRule()],
    },
  };
}

/** Builds one egress rule per distinct database host and port in the tenant's secret (normally one). */
function databaseEgressRules(tenant: string, secret: TenantSecret, config: KubernetesOrchestratorConfig) {
  const endpoints = new Map<string, { host: string; port: number }>();
  for (const login of [secret.database.owner, secret.database.app, secret.database.readOnly]) {
    endpoints.set(`${login.host}:${login.port}`, { host: login.host, port: login.port });
  }
  return [...endpoints.values()].map(({ host, port }) => ({
    to: [databasePeer(tenant, host, config)],
    ports: [{ protocol: 'TCP', port }],
  }));
}

/**
 * Returns the peer for a database host: the address itself, or the
 * configured PostgreSQL pods when the host is a name. A NetworkPolicy cannot name a DNS
 * host, so a name without configured pods is an error rather than an open rule.
 *
 * NOTE: for pods, policies see the port after the Service's translation, so
 * the in-cluster PostgreSQL Service must use the same port as its container.
 */
export function databasePeer(tenant: string, host: string, config: KubernetesOrchestratorConfig): V1NetworkPolicyPeer {
  const family = net.isIP(host);
  if (family !== 0) return { ipBlock: { cidr: `${host}/${family === 4 ? 32 : 128}` } };
  if (!config.databasePods) {
    throw new AppError(KUBERNETES_ERRORS.databasePeerUnknown, {
      values: { tenant },
      detail: `database host ${host} of tenant ${tenant} is a name and no PostgreSQL pods are configured (ESM_KUBERNETES_DATABASE_POD_SELECTOR)`,
    });
  }
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': config.databasePods.namespace } },
    podSelector: { matchLabels: { ...config.databasePods.podSelector } },
  };
}

/** Builds the DNS rule to the cluster's DNS pods, which keep the `k8s-app: kube-dns` label also when they run CoreDNS. */
function dnsEgressRule() {
  return {
    to: [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
    ],
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  };
}
