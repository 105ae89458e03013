import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTenantNameWellFormed, randomSecret, RESERVED_TENANT_NAMES } from '@esm/common';

/** A deployment as `GET /v1/deployments/:id` returns it. */
export interface FakeDeployment {
  deploymentId: string;
  tenantName: string;
  state: string;
  steps: { step: string; status: string }[];
  finished: boolean;
  failed: boolean;
  origin: string;
}

/** A response that replaces admin's normal one, for testing how admin failures are shown. */
export interface FakeAdminOverride {
  status: number;
  body: unknown;
}

/**
 * A small stand-in for admin that follows its documented API for the
 * routes the registration service calls, with state the tests can set.
 */
export interface FakeAdmin {
  port: number;
  credential: string;
  /** Tenant names that admin reports as taken. */
  takenNames: Set<string>;
  /** Deployment tokens by value and their state. */
  tokens: Map<string, 'fresh' | 'used' | 'expired'>;
  deployments: Map<string, FakeDeployment>;
  /** Request bodies of every `POST /v1/registrations`. */
  registrations: Record<string, unknown>[];
  /** Every request path admin received. */
  paths: string[];
  /** When set, every request gets this response. */
  override: FakeAdminOverride | undefined;
  close(): Promise<void>;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MOBILE_PATTERN = /^\+[0-9 ]{7,20}$/;

function errorBody(code: string, extra: Record<string, unknown> = {}) {
  return { error: { code, message: `fake admin: ${code}`, requestId: randomUUID(), ...extra } };
}

function validateRegistration(body: Record<string, unknown>, takenNames: Set<string>) {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  const fields: { field: string; code: string }[] = [];
  if (text('organisation').trim() === '') fields.push({ field: 'organisation', code: 'ORGANISATION_REQUIRED' });
  const name = text('tenantName');
  if (!isTenantNameWellFormed(name)) fields.push({ field: 'tenantName', code: 'TENANT_NAME_INVALID' });
  else if (RESERVED_TENANT_NAMES.has(name)) fields.push({ field: 'tenantName', code: 'TENANT_NAME_RESERVED' });
  else if (takenNames.has(name)) fields.push({ field: 'tenantName', code: 'TENANT_NAME_TAKEN' });
  if (!EMAIL_PATTERN.test(text('contactEmail'))) fields.push({ field: 'contactEmail', code: 'CONTACT_EMAIL_INVALID' });
  if (!MOBILE_PATTERN.test(text('contactMobile'))) fields.push({ field: 'contactMobile', code: 'CONTACT_MOBILE_INVALID' });
  return fields;
}

async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Starts the fake admin on a free loopback port. */
export async function startFakeAdmin(): Promise<FakeAdmin> {
  const state = {
    credential: randomSecret(),
    takenNames: new Set<string>(['taken-name']),
    tokens: new Map<string, 'fresh' | 'used' | 'expired'>(),
    deployments: new Map<string, FakeDeployment>(),
    registrations: [] as Record<string, unknown>[],
    paths: [] as string[],
    override: undefined as FakeAdminOverride | undefined,
  };

  const route = async (request: http.IncomingMessage): Promise<{ status: number; body: unknown }> => {
    const path = request.url ?? '';
    state.paths.push(path);
    if (request.headers.authorization !== `Bearer ${state.credential}`) {
      return { status: 401, body: errorBody('ADMIN_CREDENTIAL_INVALID') };
    }
    if (state.override) return state.override;

    if (request.method === 'POST' && path === '/v1/registrations') {
      const body = await readJson(request);
      state.registrations.push(body);
      const fields = validateRegistration(body, state.takenNames);
      if (fields.length > 0) return { status: 422, body: errorBody('REGISTRATION_INVALID', { fields }) };
      const tenantName = body.tenantName as string;
      state.takenNames.add(tenantName);
      const deploymentToken = randomSecret();
      state.tokens.set(deploymentToken, 'fresh');
      return { status: 201, body: { tenantName, deploymentToken, expiresAt: new Date(Date.now() + 3_600_000).toISOString() } };
    }

    if (request.method === 'POST' && path === '/v1/deployments') {
      const { token } = await readJson(request);
      const tokenState = typeof token === 'string' ? state.tokens.get(token) : undefined;
      if (tokenState === undefined) return { status: 400, body: errorBody('DEPLOYMENT_TOKEN_INVALID') };
      if (tokenState === 'used') return { status: 410, body: errorBody('DEPLOYMENT_TOKEN_USED') };
      if (tokenState === 'expired') return { status: 410, body: errorBody('DEPLOYMENT_TOKEN_EXPIRED') };
      state.tokens.set(token as string, 'used');
      const deploymentId = randomUUID();
      const tenantName = 'acme';
      state.deployments.set(deploymentId, {
        deploymentId,
        tenantName,
        state: 'deploying',
        steps: [
          { step: 'database', status: 'done' },
          { step: 'secret', status: 'running' },
          { step: 'process', status: 'pending' },
          { step: 'health', status: 'pending' },
          { step: 'invitation', status: 'pending' },
        ],
        finished: false,
        failed: false,
        origin: `https://${tenantName}.esm.test:8443`,
      });
      return { status: 202, body: { deploymentId, tenantName } };
    }

    const deploymentMatch = /^\/v1\/deployments\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && deploymentMatch) {
      const deployment = state.deployments.get(decodeURIComponent(deploymentMatch[1] ?? ''));
      return deployment ? { status: 200, body: deployment } : { status: 404, body: errorBody('DEPLOYMENT_NOT_FOUND') };
    }
    return { status: 404, body: errorBody('ROUTE_NOT_FOUND') };
  };

  const server = http.createServer((request, response) => {
    route(request).then(
      ({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      },
      () => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify(errorBody('INTERNAL_ERROR')));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return Object.assign(state, {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  });
}
