import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, createLogger, dataPaths, type TenantSecret } from '@esm/common';
import { validateKubernetesObject } from '../../../../../tests/support/kubernetes-schema.js';
import { FakeKubernetesApi } from './fake-api-server.js';
import { KubernetesOrchestrator } from './kubernetes-orchestrator.js';
import { TenantObjects } from './tenant-objects.js';
import { serializeTenantSecret } from './tenant-workload.js';
import { testKubernetesConfig, testTenantSecret } from './test-fixtures.js';

const SECRETS = '/api/v1/namespaces/esm/secrets';
const SERVICES = '/api/v1/namespaces/esm/services';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/esm/deployments';
const POLICIES = '/apis/networking.k8s.io/v1/namespaces/esm/networkpolicies';
const ROUTES = '/apis/gateway.networking.k8s.io/v1/namespaces/esm/httproutes';

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('KubernetesOrchestrator', () => {
  let api: FakeKubernetesApi;
  let dataDir: string;
  let orchestrator: KubernetesOrchestrator;

  async function writeSecret(secret: TenantSecret): Promise<void> {
    const dir = dataPaths({ dataDir, secretsDir: path.join(dataDir, 'secrets') }).tenantSecretsDir;
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${secret.tenant}.json`), serializeTenantSecret(secret));
  }

  async function createOrchestrator(startTimeoutMs = 5_000): Promise<KubernetesOrchestrator> {
    const kubeConfig = await api.start();
    return new KubernetesOrchestrator({
      config: { baseDomain: 'esm.example', dataDir, secretsDir: path.join(dataDir, 'secrets') },
      kubernetes: testKubernetesConfig(),
      logger: createLogger('admin-test', { level: 'silent' }),
      kubeConfig,
      startTimeoutMs,
      stopTimeoutMs: 2_000,
      pollIntervalMs: 20,
      watchRestartDelayMs: 50,
    });
  }

  beforeEach(async () => {
    // Every object the orchestrator creates or patches must match its schema.
    api = new FakeKubernetesApi('immediate', validateKubernetesObject);
    dataDir = await mkdtemp(path.join(tmpdir(), 'esm-kubernetes-'));
  });

  afterEach(async () => {
    expect(api.rejected, 'objects that do not match their schema').toEqual([]);
    await orchestrator?.stopAll();
    await api.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('start creates every tenant object', async () => {
    await writeSecret(testTenantSecret('demo'));
    orchestrator = await createOrchestrator();

    const upstream = await orchestrator.start('demo');

    expect(upstream).toEqual({ host: 'tenant-demo.esm.svc', port: 80 });
    const created = api.requests.filter((request) => request.method === 'POST').map((request) => request.path);
    expect(created).toEqual([SECRETS, POLICIES, SERVICES, DEPLOYMENTS, ROUTES]);
    const secret = api.get(SECRETS, 'tenant-demo')!;
    expect(JSON.parse(Buffer.from((secret.data as Record<string, string>)['secret.json']!, 'base64').toString())).toEqual(testTenantSecret('demo'));
    expect((api.get(DEPLOYMENTS, 'tenant-demo')!.spec as { replicas: number }).replicas).toBe(1);
    expect((api.get(ROUTES, 'tenant-demo')!.spec as { hostnames: string[] }).hostnames).toEqual(['demo.esm.example']);
    await waitFor(() => orchestrator.upstream('demo') !== null);
    expect(orchestrator.upstream('demo')).toEqual(upstream);
  });

  it('sends from, not the model name', async () => {
    await writeSecret(testTenantSecret('demo'));
    orchestrator = await createOrchestrator();
    await orchestrator.start('demo');
    await orchestrator.start('demo');

    const [create] = api.requestsTo('POST', POLICIES);
    const [patch] = api.requestsTo('PATCH', POLICIES);
    for (const request of [create!, patch!]) {
      const ingress = (request.body as { spec: { ingress: Record<string, unknown>[] } }).spec.ingress[0]!;
      expect(Object.keys(ingress).sort(), request.method).toEqual(['from', 'ports']);
      expect(ingress.from, request.method).toHaveLength(3);
    }
  });

  it('stop scales to zero and removes the route', async () => {
    await writeSecret(testTenantSecret('demo'));
    orchestrator = await createOrchestrator();
    await orchestrator.start('demo');

    await orchestrator.stop('demo');

    expect((api.get(DEPLOYMENTS, 'tenant-demo')!.spec as { replicas: number }).replicas).toBe(0);
    expect(api.get(ROUTES, 'tenant-demo')).toBeUndefined();
    expect(api.get(SECRETS, 'tenant-demo')).toBeDefined();
    expect(api.get(SERVICES, 'tenant-demo')).toBeDefined();
    expect(api.requestsTo('DELETE', '/').map((request) => request.path)).toEqual([`${ROUTES}/tenant-demo`]);
    await waitFor(() => orchestrator.upstream('demo') === null);
  });

  it('start again patches without re-creating', async () => {
    await writeSecret(testTenantSecret('demo'));
    orchestrator = await createOrchestrator();
    await orchestrator.start('demo');
    const uid = api.get(DEPLOYMENTS, 'tenant-demo')!.metadata.uid;
    await orchestrator.stop('demo');

    await orchestrator.start('demo');

    const deployment = api.get(DEPLOYMENTS, 'tenant-demo')!;
    expect(deployment.metadata.uid).toBe(uid);
    expect((deployment.spec as { replicas: number }).replicas).toBe(1);
    const patches = api.requestsTo('PATCH', DEPLOYMENTS);
    expect(patches.every((request) => request.contentType === 'application/merge-patch+json')).toBe(true);
    // The second start met a 409 on each existing object and patched it; only the route was new again.
    const postsPerPath = api.requestsTo('POST', '/').map((request) => request.path);
    expect(postsPerPath.filter((entry) => entry === DEPLOYMENTS)).toHaveLength(2);
    expect(api.get(ROUTES, 'tenant-demo')).toBeDefined();
    expect(api.requestsTo('DELETE', DEPLOYMENTS)).toHaveLength(0);
    await waitFor(() => orchestrator.upstream('demo') !== null);
  });

  it('new secret rolls the deployment', async () => {
    await writeSecret(testTenantSecret('demo'));
    orchestrator = await createOrchestrator();
    await orchestrator.start('demo');
    const before = api.get(DEPLOYMENTS, 'tenant-demo')!;

    await writeSecret({ ...testTenantSecret('demo'), signingKeys: [] });
    await orchestrator.start('demo');

    const after = api.get(DEPLOYMENTS, 'tenant-demo')!;
    expect(after.metadata.generation).toBe(Number(before.metadata.generation) + 1);
    const annotation = (deployment: typeof after) => (deployment.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations['esm.io/secret-sha256'];
    expect(annotation(after)).not.toBe(annotation(before));
  });

  it('shares one start between concurrent calls', async () => {
    await writeSecret(testTenantSecret('demo'));
    orchestrator = await createOrchestrator();

    await Promise.all([orchestrator.start('demo'), orchestrator.start('demo'), orchestrator.start('demo')]);

    expect(api.requestsTo('POST', DEPLOYMENTS)).toHaveLength(1);
  });

  it('uses the stored Secret when the file is gone', async () => {
    await writeSecret(testTenantSecret('demo'));
    orchestrator = await createOrchestrator();
    await orchestrator.start('demo');
    await rm(path.join(dataDir, 'secrets'), { recursive: true });

    await orchestrator.stop('demo');
    await orchestrator.start('demo');

    expect((api.get(DEPLOYMENTS, 'tenant-demo')!.spec as { replicas: number }).replicas).toBe(1);
  });

  it('start without any secret fails', async () => {
    orchestrator = await createOrchestrator();

    const error = await orchestrator.start('ghost').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('KUBERNETES_TENANT_SECRET_MISSING');
    expect(api.requestsTo('POST', '/')).toHaveLength(0);
  });

  it('start times out without an available pod', async () => {
    api.availability = 'never';
    await writeSecret(testTenantSecret('demo'));
    orchestrator = await createOrchestrator(300);

    const error = await orchestrator.start('demo').catch((caught: unknown) => caught);

    expect((error as AppError).code).toBe('KUBERNETES_START_TIMED_OUT');
    // No route until the tenant is available, so its requests stay with the default backend.
    expect(api.get(ROUTES, 'tenant-demo')).toBeUndefined();
    expect(orchestrator.upstream('demo')).toBeNull();
  });

  it('stop of an unknown tenant does nothing', async () => {
    orchestrator = await createOrchestrator();

    await orchestrator.stop('ghost');

    expect(api.requestsTo('PATCH', '/')).toHaveLength(1);
    expect(api.get(DEPLOYMENTS, 'tenant-ghost')).toBeUndefined();
  });

  it('remove deletes every tenant object', async () => {
    await writeSecret(testTenantSecret('demo'));
    orchestrator = await createOrchestrator();
    await orchestrator.start('demo');

    await orchestrator.remove('demo');

    expect(api.requestsTo('DELETE', '/').map((request) => request.path)).toEqual([
      `${ROUTES}/tenant-demo`,
      `${DEPLOYMENTS}/tenant-demo`,
      `${SERVICES}/tenant-demo`,
      `${SECRETS}/tenant-demo`,
      `${POLICIES}/tenant-demo`,
    ]);
    for (const collection of [ROUTES, DEPLOYMENTS, SERVICES, SECRETS, POLICIES]) {
      expect(api.get(collection, 'tenant-demo'), collection).toBeUndefined();
    }
    await waitFor(() => orchestrator.upstream('demo') === null);
  });

  it('second remove changes nothing', async () => {
    await writeSecret(testTenantSecret('demo'));
    orchestrator = await createOrchestrator();
    await orchestrator.start('demo');
    await orchestrator.remove('demo');
    const before = api.requests.length;

    await orchestrator.remove('demo');

    const again = api.requests.slice(before);
    expect(again.filter((request) => request.method === 'DELETE')).toHaveLength(5);
    expect(again.filter((request) => request.method === 'POST')).toHaveLength(0);
    for (const collection of [ROUTES, DEPLOYMENTS, SERVICES, SECRETS, POLICIES]) {
      expect(api.get(collection, 'tenant-demo'), collection).toBeUndefined();
    }
  });

  it('fake rejects an object against its schema', async () => {
    const kubeConfig = await api.start();
    const objects = new TenantObjects(kubeConfig, 'esm');
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'tenant-bad' }, spec: { replicas: 'one', selector: {}, template: {} } };

    const error = await objects.apply('bad', deployment).catch((caught: unknown) => caught);

    expect((error as AppError).code).toBe('KUBERNETES_API_REQUEST_FAILED');
    expect(api.rejected).toHaveLength(1);
    expect(api.rejected[0]).toContain('spec/replicas must be integer');
    api.rejected.splice(0);
  });
});
