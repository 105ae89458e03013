import { createHash } from 'node:crypto';
import type { V1Deployment, V1ObjectMeta, V1Secret, V1Service } from '@kubernetes/client-node';
import type { KubernetesOrchestratorConfig, TenantSecret } from '@esm/common';

/** The port the tenant listens on inside its pod; the Service forwards port 80 to it. */
export const TENANT_CONTAINER_PORT = 8080;
export const TENANT_SERVICE_PORT = 80;
/** Numeric user and group of every ESM container, so that `runAsNonRoot` can be verified without reading /etc/passwd. */
export const ESM_USER_ID = 10001;

const SECRET_MOUNT_DIR = '/etc/esm/tenant';
const SECRET_KEY = 'secret.json';
/** Pod template annotation that changes with the secret, so a new secret rolls the pod. */
export const SECRET_HASH_ANNOTATION = 'esm.io/secret-sha256';

/** Returns the name of every Kubernetes object that belongs to the tenant. */
export function tenantObjectName(tenant: string): string {
  return `tenant-${tenant}`;
}

/** Labels that select one tenant's pods; the Deployment's selector, which cannot change after creation. */
export function tenantSelectorLabels(tenant: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'esm-tenant', 'esm.io/tenant': tenant };
}

/** Labels on every object of the tenant. */
export function tenantLabels(tenant: string): Record<string, string> {
  return {
    ...tenantSelectorLabels(tenant),
    'app.kubernetes.io/part-of': 'esm',
    'app.kubernetes.io/component': 'tenant',
    'app.kubernetes.io/instance': tenantObjectName(tenant),
    'app.kubernetes.io/managed-by': 'esm-admin',
  };
}

/** Label selector of every tenant object admin manages, for list and watch requests. */
export const TENANT_LABEL_SELECTOR = 'app.kubernetes.io/part-of=esm,app.kubernetes.io/component=tenant';

/** Builds the name, namespace and labels that every object of the tenant shares. */
export function tenantMetadata(tenant: string, namespace: string): V1ObjectMeta {
  return { name: tenantObjectName(tenant), namespace, labels: tenantLabels(tenant) };
}

/** Serialises the tenant secret exactly as the local orchestrator writes it to a file. */
export function serializeTenantSecret(secret: TenantSecret): string {
  return JSON.stringify(secret, null, 2) + '\n';
}

/** Builds the Secret that contains the tenant's secret JSON under one key, mounted as a file. */
export function buildTenantSecret(tenant: string, secretJson: string, config: KubernetesOrchestratorConfig): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: tenantMetadata(tenant, config.namespace),
    type: 'Opaque',
    stringData: { [SECRET_KEY]: secretJson },
  };
}

/** Computes the SHA-256 of the secret JSON, written into the pod template so that a changed secret restarts the tenant. */
export function secretHash(secretJson: string): string {
  return createHash('sha256').update(secretJson).digest('hex');
}

/**
 * Builds the tenant's Deployment. One replica when it runs, none when it is
 * stopped. The container runs as a fixed non-root user on a read-only root
 * file system with every capability dropped, and its environment holds only
 * the three variables the tenant reads.
 */
export function buildTenantDeployment(tenant: string, replicas: 0 | 1, secretJsonHash: string, config: KubernetesOrchestratorConfig): V1Deployment {
  const name = tenantObjectName(tenant);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: tenantMetadata(tenant, config.namespace),
    spec: {
      replicas,
      selector: { matchLabels: tenantSelectorLabels(tenant) },
      // One tenant process at a time, as on one machine: two pods of different
      // versions would run database migrations against each other.
      strategy: { type: 'Recreate' },
      revisionHistoryLimit: 3,
      template: {
        metadata: { labels: tenantLabels(tenant), annotations: { [SECRET_HASH_ANNOTATION]: secretJsonHash } },
        spec: {
          // The tenant never calls the Kubernetes API, and service links would
          // put every Service's address into its environment.
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: ESM_USER_ID,
            runAsGroup: ESM_USER_ID,
            fsGroup: ESM_USER_ID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'tenant',
              image: config.image,
              command: ['node', 'services/tenant/dist/main.js'],
              env: [
                { name: 'ESM_TENANT_SECRET_FILE', value: `${SECRET_MOUNT_DIR}/${SECRET_KEY}` },
                { name: 'ESM_TENANT_HOST', value: '0.0.0.0' },
                { name: 'ESM_TENANT_PORT', value: String(TENANT_CONTAINER_PORT) },
                { name: 'NODE_ENV', value: 'production' },
              ],
              ports: [{ name: 'http', containerPort: TENANT_CONTAINER_PORT, protocol: 'TCP' }],
              // The tenant runs its database migrations before it listens, so
              // the start-up probe gives it a minute before liveness applies.
              startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 30 },
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
              // NOTE: an estimate for one tenant with a model of a few thousand
              // objects; not measured under load.
              resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: ESM_USER_ID,
                runAsGroup: ESM_USER_ID,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                { name: 'secret', mountPath: SECRET_MOUNT_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            // 0440 with fsGroup: readable by the tenant's group only.
            { name: 'secret', secret: { secretName: name, defaultMode: 0o440, items: [{ key: SECRET_KEY, path: SECRET_KEY }] } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  };
}

/** Builds the ClusterIP Service in front of the tenant's pod: port 80 to the container's 8080. */
export function buildTenantService(tenant: string, config: KubernetesOrchestratorConfig): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: tenantMetadata(tenant, config.namespace),
    spec: {
      type: 'ClusterIP',
      selector: tenantSelectorLabels(tenant),
      ports: [{ name: 'http', port: TENANT_SERVICE_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/**
 * Returns the Service's name in cluster DNS, where other pods reach the
 * tenant. It leaves out the cluster domain, because a cluster may change it
 * from `cluster.local`, and the pods' DNS search list adds it.
 */
export function tenantServiceHost(tenant: string, config: KubernetesOrchestratorConfig): string {
  return `${tenantObjectName(tenant)}.${config.namespace}.svc`;
}
