import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig, makeInformer, type Informer, type ObjectCache, type V1Deployment } from '@kubernetes/client-node';
import { AppError, dataPaths, type KubernetesOrchestratorConfig, type Logger, type PlatformConfig, type TenantSecret } from '@esm/common';
import type { Orchestrator, Upstream } from '../orchestrator.js';
import { KUBERNETES_ERRORS } from './errors.js';
import { buildTenantHttpRoute, buildTenantNetworkPolicy, HTTP_ROUTE_API_VERSION } from './tenant-network.js';
import { TenantObjects } from './tenant-objects.js';
import {
  buildTenantDeployment,
  buildTenantSecret,
  buildTenantService,
  secretHash,
  TENANT_LABEL_SELECTOR,
  TENANT_SERVICE_PORT,
  tenantObjectName,
  tenantServiceHost,
} from './tenant-workload.js';

export interface KubernetesOrchestratorOptions {
  config: Pick<PlatformConfig, 'baseDomain' | 'dataDir' | 'secretsDir'>;
  kubernetes: KubernetesOrchestratorConfig;
  logger: Logger;
  /** Cluster and credentials; by default KUBECONFIG, then ~/.kube/config, then the pod's service account. */
  kubeConfig?: KubeConfig;
  /** Time a starting tenant has until its Deployment has an available replica (default 120 s, image pulls included). */
  startTimeoutMs?: number;
  /** Time a stopping tenant has until its pod is gone; after it stop() logs a warning and returns (default 60 s). */
  stopTimeoutMs?: number;
  /** Interval of the Deployment reads while waiting (default 1 s). */
  pollIntervalMs?: number;
  /** Delay before the Deployment watch is started again after it failed (default 5 s). */
  watchRestartDelayMs?: number;
}

/**
 * Runs each tenant as a Deployment in one namespace, with a Secret that
 * contains its secret file, a Service, an HTTPRoute on the platform Gateway and a
 * NetworkPolicy. Stopping scales the Deployment to zero and removes the route,
 * so that requests fall through to the default backend, which wakes the
 * tenant. Only remove(), for a tenant being deleted, deletes the objects
 * that hold data (the Secret).
 */
export class KubernetesOrchestrator implements Orchestrator {
  private readonly objects: TenantObjects;
  private readonly logger: Logger;
  private readonly starts = new Map<string, Promise<Upstream>>();
  private readonly deployments: Informer<V1Deployment> & ObjectCache<V1Deployment>;
  private watching = true;

  constructor(private readonly options: KubernetesOrchestratorOptions) {
    this.logger = options.logger.child({ component: 'orchestrator', orchestrator: 'kubernetes' });
    const kubeConfig = options.kubeConfig ?? defaultKubeConfig();
    const { namespace } = options.kubernetes;
    this.objects = new TenantObjects(kubeConfig, namespace);
    // upstream() must return without an API request, so a watch keeps every
    // tenant Deployment's status in memory.
    this.deployments = makeInformer(
      kubeConfig,
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      () => this.objects.listDeployments(TENANT_LABEL_SELECTOR),
      TENANT_LABEL_SELECTOR,
    );
    this.deployments.on('error', (error: unknown) => this.restartWatch(error));
    this.startWatch();
  }

  start(tenant: string): Promise<Upstream> {
    const running = this.starts.get(tenant);
    if (running) return running;
    const starting = this.startTenant(tenant).finally(() => this.starts.delete(tenant));
    this.starts.set(tenant, starting);
    return starting;
  }

  async stop(tenant: string): Promise<void> {
    // A start in flight would otherwise scale the Deployment up after stop() returns.
    await this.starts.get(tenant)?.catch(() => undefined);
    const name = tenantObjectName(tenant);
    await this.objects.delete(tenant, HTTP_ROUTE_API_VERSION, 'HTTPRoute', name);
    const scaled = await this.objects.scaleDeployment(tenant, name, 0);
    if (scaled) await this.waitForNoPods(tenant, name);
    this.logger.info({ tenant }, 'tenant stopped');
  }

  /**
   * Stops the tenant, then deletes its Deployment, Service, Secret and
   * NetworkPolicy. Stopping first waits for the pod to go, and the policy
   * goes last, so the pod never runs without it. Objects already gone count
   * as deleted, so a second remove() sends only requests that return 404.
   */
  async remove(tenant: string): Promise<void> {
    await this.stop(tenant);
    const name = tenantObjectName(tenant);
    await this.objects.delete(tenant, 'apps/v1', 'Deployment', name);
    await this.objects.delete(tenant, 'v1', 'Service', name);
    await this.objects.delete(tenant, 'v1', 'Secret', name);
    await this.objects.delete(tenant, 'networking.k8s.io/v1', 'NetworkPolicy', name);
    this.logger.info({ tenant }, 'tenant objects deleted');
  }

  upstream(tenant: string): Upstream | null {
    const deployment = this.deployments.get(tenantObjectName(tenant), this.options.kubernetes.namespace);
    if (!deployment || !isAvailable(deployment)) return null;
    return { host: tenantServiceHost(tenant, this.options.kubernetes), port: TENANT_SERVICE_PORT };
  }

  /**
   * Stops the Deployment watch only. Tenants keep running: they do not depend
   * on admin's pod, and scaling every tenant down on each rollout of admin
   * would take them all offline. Admin starts the active ones again (a no-op
   * for those still running) when it comes back.
   */
  async stopAll(): Promise<void> {
    this.watching = false;
    await this.deployments.stop();
  }

  private async startTenant(tenant: string): Promise<Upstream> {
    const { kubernetes, config } = this.options;
    const name = tenantObjectName(tenant);
    const { json, secret } = await this.loadSecret(tenant, name);

    await this.objects.apply(tenant, buildTenantSecret(tenant, json, kubernetes));
    // The policy comes before the pod, so the pod never runs unrestricted.
    await this.objects.apply(tenant, buildTenantNetworkPolicy(tenant, secret, kubernetes));
    await this.objects.apply(tenant, buildTenantService(tenant, kubernetes));
    const deployment = await this.objects.apply(tenant, buildTenantDeployment(tenant, 1, secretHash(json), kubernetes));
    await this.waitUntilAvailable(tenant, name);
    // The route comes last. Until it exists, the default backend keeps the
    // tenant's requests waiting, so no request meets a pod that is not ready.
    await this.objects.apply(tenant, buildTenantHttpRoute(tenant, config.baseDomain, kubernetes));

    this.logger.info({ tenant, deployment }, 'tenant started');
    return { host: tenantServiceHost(tenant, kubernetes), port: TENANT_SERVICE_PORT };
  }

  /**
   * Reads the tenant secret that deployment wrote to admin's data folder. When
   * admin's pod lost that file (it restarted with an empty volume), the Secret
   * already in the cluster is the copy that survived, and is used as it is.
   */
  private async loadSecret(tenant: string, name: string): Promise<{ json: string; secret: TenantSecret }> {
    const file = path.join(dataPaths(this.options.config).tenantSecretsDir, `${tenant}.json`);
    let json: string | undefined;
    try {
      json = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const stored = await this.objects.readSecret(tenant, name);
      const encoded = stored?.data?.['secret.json'];
      if (encoded) json = Buffer.from(encoded, 'base64').toString('utf8');
    }
    if (json === undefined) {
      throw new AppError(KUBERNETES_ERRORS.tenantSecretMissing, { values: { tenant }, detail: `neither ${file} nor Secret ${name} exists` });
    }
    return { json, secret: JSON.parse(json) as TenantSecret };
  }

  private async waitUntilAvailable(tenant: string, name: string): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const deployment = await this.objects.readDeployment(tenant, name);
      if (deployment && isAvailable(deployment)) return;
      if (Date.now() >= deadline) break;
      await sleep(this.options.pollIntervalMs ?? 1_000);
    }
    this.logger.error({ tenant, timeoutMs }, 'tenant did not become available');
    throw new AppError(KUBERNETES_ERRORS.startTimedOut, {
      values: { tenant, seconds: Math.round(timeoutMs / 1000) },
      detail: `Deployment ${name} had no available replica of its current generation within ${timeoutMs} ms`,
    });
  }

  /**
   * Waits until the Deployment reports no replicas.
   *
   * NOTE: a ReplicaSet stops counting a pod once it is terminating, so the
   * pod may still be within its grace period when this returns.
   */
  private async waitForNoPods(tenant: string, name: string): Promise<void> {
    const timeoutMs = this.options.stopTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const deployment = await this.objects.readDeployment(tenant, name);
      if (!deployment || (deployment.status?.replicas ?? 0) === 0) return;
      await sleep(this.options.pollIntervalMs ?? 1_000);
    }
    // The pod still ends on its own; only the wait is given up.
    this.logger.warn({ tenant, timeoutMs }, 'tenant pod still terminating after stop');
  }

  private startWatch(): void {
    this.deployments.start().catch((error: unknown) => this.restartWatch(error));
  }

  /** Starts the watch again after a failure, e.g. the API server restarted or the connection dropped. */
  private restartWatch(error: unknown): void {
    if (!this.watching) return;
    const delayMs = this.options.watchRestartDelayMs ?? 5_000;
    this.logger.warn({ err: error, delayMs }, 'tenant deployment watch failed, restarting it');
    setTimeout(() => {
      if (this.watching) this.startWatch();
    }, delayMs).unref();
  }
}

/**
 * Tells whether the Deployment has an available pod of its current spec:
 * the controller has seen the latest generation, so a pod of an earlier
 * spec (e.g. with an old secret) does not count.
 */
export function isAvailable(deployment: V1Deployment): boolean {
  const { metadata, spec, status } = deployment;
  if ((spec?.replicas ?? 1) < 1 || !status) return false;
  if ((status.observedGeneration ?? 0) < (metadata?.generation ?? 0)) return false;
  return (status.availableReplicas ?? 0) >= 1 && (status.updatedReplicas ?? 0) >= 1;
}

function defaultKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}
