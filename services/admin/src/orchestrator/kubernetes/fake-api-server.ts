import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** One request the fake API server received, with its JSON body. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  body: unknown;
}

/** The fake Deployment controller's behaviour for a Deployment with replicas: available at once, or never. */
export type DeploymentAvailability = 'immediate' | 'never';

/** Checks an object before the fake stores it, and throws with the reason when it is invalid. */
export type ObjectValidator = (object: unknown) => void;

type StoredObject = Record<string, unknown> & { metadata: Record<string, unknown> & { name: string; labels?: Record<string, string> } };

/** The kinds the fake serves, by API group path, as the API server's discovery documents list them. */
const RESOURCES: Record<string, { plural: string; kind: string }[]> = {
  '/api/v1': [
    { plural: 'secrets', kind: 'Secret' },
    { plural: 'services', kind: 'Service' },
  ],
  '/apis/apps/v1': [{ plural: 'deployments', kind: 'Deployment' }],
  '/apis/networking.k8s.io/v1': [{ plural: 'networkpolicies', kind: 'NetworkPolicy' }],
  '/apis/gateway.networking.k8s.io/v1': [{ plural: 'httproutes', kind: 'HTTPRoute' }],
};

/**
 * A small stand-in for the Kubernetes API server on loopback, for tests of
 * the Kubernetes orchestrator without a cluster. It serves discovery, and
 * create, read, merge patch, delete, list and watch of the tenant kinds
 * with the API server's status codes (201, 404, 409) and Status bodies. It
 * plays the Deployment controller too: after every write a Deployment's
 * status reports its replicas as available, or never available.
 *
 * With a validator, it checks each created object, and each patched object
 * after the merge, as the API server does, and rejects an invalid one with
 * 422 Invalid. The tests pass the Kubernetes and Gateway API schemas.
 *
 * NOTE: it checks no admission or RBAC and treats every patch as a JSON
 * merge patch, so it proves the requests, their order and the objects'
 * schema, not every rule a real API server enforces.
 */
export class FakeKubernetesApi {
  readonly requests: RecordedRequest[] = [];
  /** The validator's messages for the objects the fake rejected with 422. */
  readonly rejected: string[] = [];
  /** Objects by collection path (`/apis/apps/v1/namespaces/esm/deployments`) and name. */
  private readonly objects = new Map<string, Map<string, StoredObject>>();
  private readonly watchers = new Map<string, Set<ServerResponse>>();
  private resourceVersion = 1;
  private server: Server | null = null;

  constructor(
    public availability: DeploymentAvailability = 'immediate',
    private readonly validate?: ObjectValidator,
  ) {}

  /** Listens on a free loopback port and returns a KubeConfig that points the client at it. */
  async start(): Promise<KubeConfig> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'admin', token: 'fake-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'admin', namespace: 'esm' }],
      currentContext: 'fake',
    });
    return kubeConfig;
  }

  async stop(): Promise<void> {
    for (const responses of this.watchers.values()) for (const response of responses) response.end();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Returns the stored object as a client reading it would get it, or undefined. */
  get(collection: string, name: string): StoredObject | undefined {
    return this.objects.get(collection)?.get(name);
  }

  /** Returns the requests with this method whose path starts with the prefix. */
  requestsTo(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path.startsWith(pathPrefix));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const text = await readBody(request);
    const body: unknown = text ? JSON.parse(text) : undefined;
    const method = request.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query: url.searchParams, contentType: request.headers['content-type'], body });

    const discovery = RESOURCES[url.pathname];
    if (method === 'GET' && discovery) {
      const resources = discovery.map(({ plural, kind }) => ({ name: plural, singularName: '', namespaced: true, kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }));
      send(response, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: url.pathname.replace(/^\/apis?\//, ''), resources });
      return;
    }
    const match = /^(\/apis?(?:\/[^/]+)?\/v1\/namespaces\/[^/]+\/[a-z]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match || !this.isServed(match[1]!)) {
      send(response, 404, status(404, 'NotFound', `the server could not find the requested resource ${url.pathname}`));
      return;
    }
    const [, collection, name] = match as unknown as [string, string, string | undefined];
    const stored = this.objects.get(collection) ?? new Map<string, StoredObject>();
    this.objects.set(collection, stored);

    if (method === 'GET' && !name && url.searchParams.get('watch') === 'true') return this.watch(collection, response);
    if (method === 'GET' && !name) return this.list(collection, stored, url.searchParams.get('labelSelector'), response);
    if (method === 'POST' && !name) return this.create(collection, stored, body as StoredObject, response);
    const existing = name ? stored.get(name) : undefined;
    if (!name || !existing) {
      send(response, 404, status(404, 'NotFound', `${collection.split('/').pop()} "${name}" not found`));
      return;
    }
    if (method === 'GET') return send(response, 200, existing);
    if (method === 'PATCH') return this.patch(collection, existing, body as Record<string, unknown>, response);
    if (method === 'DELETE') {
      stored.delete(name);
      this.notify(collection, 'DELETED', existing);
      return send(response, 200, status(200, '', '', 'Success'));
    }
    send(response, 405, status(405, 'MethodNotAllowed', `${method} is not supported by the fake`));
  }

  private isServed(collection: string): boolean {
    return Object.entries(RESOURCES).some(([group, kinds]) => kinds.some(({ plural }) => collection.startsWith(group) && collection.endsWith(`/${plural}`)));
  }

  /** Runs the validator; on failure records the message, sends 422 Invalid and returns false. */
  private accepts(object: StoredObject, response: ServerResponse): boolean {
    try {
      this.validate?.(object);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.rejected.push(message);
      send(response, 422, status(422, 'Invalid', message));
      return false;
    }
  }

  private create(collection: string, stored: Map<string, StoredObject>, object: StoredObject, response: ServerResponse): void {
    const name = object.metadata.name;
    if (!this.accepts(object, response)) return;
    if (stored.has(name)) {
      send(response, 409, status(409, 'AlreadyExists', `${collection.split('/').pop()} "${name}" already exists`));
      return;
    }
    const created: StoredObject = {
      ...object,
      metadata: { ...object.metadata, uid: randomUUID(), generation: 1, creationTimestamp: new Date().toISOString() },
    };
    this.store(collection, created);
    stored.set(name, created);
    this.notify(collection, 'ADDED', created);
    send(response, 201, created);
  }

  private patch(collection: string, existing: StoredObject, patch: Record<string, unknown>, response: ServerResponse): void {
    const patched = mergePatch(existing, patch) as StoredObject;
    if (!this.accepts(patched, response)) return;
    const specChanged = JSON.stringify(patched.spec) !== JSON.stringify(existing.spec);
    patched.metadata.generation = Number(existing.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    this.store(collection, patched);
    this.objects.get(collection)!.set(patched.metadata.name, patched);
    this.notify(collection, 'MODIFIED', patched);
    send(response, 200, patched);
  }

  /** Applies what the API server and the controllers do on every write that the tests rely on: a new resourceVersion, Secret data from stringData, a Deployment status. */
  private store(collection: string, object: StoredObject): void {
    object.metadata.resourceVersion = String(++this.resourceVersion);
    if (object.kind === 'Secret' && object.stringData) {
      const data = { ...(object.data as Record<string, string> | undefined) };
      for (const [key, value] of Object.entries(object.stringData as Record<string, string>)) data[key] = Buffer.from(value).toString('base64');
      object.data = data;
      delete object.stringData;
    }
    if (collection.endsWith('/deployments')) object.status = this.deploymentStatus(object);
  }

  private deploymentStatus(deployment: StoredObject): Record<string, number> {
    const replicas = Number((deployment.spec as { replicas?: number } | undefined)?.replicas ?? 1);
    const observedGeneration = Number(deployment.metadata.generation);
    if (replicas === 0) return { observedGeneration };
    if (this.availability === 'never') return { observedGeneration, replicas, updatedReplicas: replicas, unavailableReplicas: replicas };
    return { observedGeneration, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas };
  }

  private list(collection: string, stored: Map<string, StoredObject>, labelSelector: string | null, response: ServerResponse): void {
    const items = [...stored.values()].filter((object) => matchesSelector(object.metadata.labels ?? {}, labelSelector));
    const kind = RESOURCES[collection.replace(/\/namespaces\/.*$/, '')]?.find(({ plural }) => collection.endsWith(`/${plural}`))?.kind;
    send(response, 200, { kind: `${kind}List`, apiVersion: 'v1', metadata: { resourceVersion: String(this.resourceVersion) }, items });
  }

  private watch(collection: string, response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    response.flushHeaders();
    const watchers = this.watchers.get(collection) ?? new Set<ServerResponse>();
    watchers.add(response);
    this.watchers.set(collection, watchers);
    response.on('close', () => watchers.delete(response));
  }

  private notify(collection: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: StoredObject): void {
    for (const response of this.watchers.get(collection) ?? []) response.write(JSON.stringify({ type, object }) + '\n');
  }
}

/** Applies a JSON merge patch (RFC 7386): objects merge key by key, null removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks labels against an equality-based selector (`a=b,c=d`), the only form admin sends. */
function matchesSelector(labels: Record<string, string>, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=');
    return labels[key!] === value;
  });
}

function status(code: number, reason: string, message: string, outcome: 'Failure' | 'Success' = 'Failure') {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: outcome, message, reason, code };
}

function send(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
