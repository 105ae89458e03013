import {
  ApiException,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Deployment,
  type V1Secret,
} from '@kubernetes/client-node';
import { AppError } from '@esm/common';
import { KUBERNETES_ERRORS } from './errors.js';

/** The outcome of an apply: the object was new, or it existed and was patched to the manifest. */
export type ApplyResult = 'created' | 'patched';

/** Recorded by the API server as the manager of the fields admin sets. */
const FIELD_MANAGER = 'esm-admin';

/**
 * Reads and writes one namespace's tenant objects through the Kubernetes API,
 * with the client's generic object API, so that core kinds and the Gateway
 * API's HTTPRoute take one path. Every failure other than the expected 404
 * and 409 becomes KUBERNETES_API_REQUEST_FAILED with the object and the
 * status in its detail.
 */
export class TenantObjects {
  private readonly client: KubernetesObjectApi;

  constructor(
    kubeConfig: KubeConfig,
    readonly namespace: string,
  ) {
    this.client = KubernetesObjectApi.makeApiClient(kubeConfig);
  }

  /**
   * Creates the object, or patches it to the manifest when it already exists
   * (409), so that a repeated start changes nothing and never re-creates an
   * object. A JSON merge patch of the whole manifest sets every field admin
   * manages and replaces lists such as the containers, while fields the API
   * server set itself (a Service's clusterIP, a Deployment's status) stay.
   */
  async apply(tenant: string, manifest: KubernetesObject): Promise<ApplyResult> {
    try {
      await this.client.create(manifest, undefined, undefined, FIELD_MANAGER);
      return 'created';
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 409)) throw requestFailed(tenant, `create ${describe(manifest)}`, error);
    }
    try {
      await this.client.patch(manifest, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch);
      return 'patched';
    } catch (error) {
      throw requestFailed(tenant, `patch ${describe(manifest)}`, error);
    }
  }

  /** Deletes the object; one that does not exist counts as deleted. */
  async delete(tenant: string, apiVersion: string, kind: string, name: string): Promise<void> {
    const header = { apiVersion, kind, metadata: { name, namespace: this.namespace } };
    await this.orNullWhenMissing(tenant, header, () => this.client.delete(header));
  }

  /** Sets the Deployment's replicas; returns false when there is no Deployment. */
  async scaleDeployment(tenant: string, name: string, replicas: number): Promise<boolean> {
    const patch: V1Deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: this.namespace }, spec: { replicas } as V1Deployment['spec'] };
    const result = await this.orNullWhenMissing(tenant, patch, () =>
      this.client.patch(patch, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch),
    );
    return result !== null;
  }

  readDeployment(tenant: string, name: string): Promise<V1Deployment | null> {
    const header = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: this.namespace } };
    return this.orNullWhenMissing(tenant, header, () => this.client.read<V1Deployment>(header));
  }

  readSecret(tenant: string, name: string): Promise<V1Secret | null> {
    const header = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: this.namespace } };
    return this.orNullWhenMissing(tenant, header, () => this.client.read<V1Secret>(header));
  }

  /** Lists the namespace's Deployments that match the label selector; the first request of the Deployment watch. */
  listDeployments(labelSelector: string): Promise<KubernetesListObject<V1Deployment>> {
    return this.client.list<V1Deployment>('apps/v1', 'Deployment', this.namespace, undefined, undefined, undefined, undefined, labelSelector);
  }

  private async orNullWhenMissing<T>(tenant: string, object: KubernetesObject, call: () => Promise<T>): Promise<T | null> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return null;
      throw requestFailed(tenant, `request for ${describe(object)}`, error);
    }
  }
}

function describe(object: KubernetesObject): string {
  return `${object.kind} ${object.metadata?.name}`;
}

function requestFailed(tenant: string, action: string, error: unknown): AppError {
  const status = error instanceof ApiException ? `status ${error.code}: ${apiMessage(error.body)}` : String(error);
  return new AppError(KUBERNETES_ERRORS.apiRequestFailed, { values: { tenant }, detail: `${action} failed (${status})`, cause: error });
}

/** Returns the `message` of a Kubernetes Status body, which explains why the API server rejected a request. */
function apiMessage(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return apiMessage(JSON.parse(body));
    } catch {
      return body.slice(0, 500);
    }
  }
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return body.message;
  return 'no message';
}
