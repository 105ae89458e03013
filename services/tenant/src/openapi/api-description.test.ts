import diagnostics from 'node:diagnostics_channel';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../test-support/tenant-fixture.js';
import { API_DESCRIPTION_PATH, DESCRIBED_PREFIX } from './api-description.js';

/**
 * Creates a test tenant and records every route its app registers. Fastify
 * publishes each new instance on the `fastify.initialization` diagnostics
 * channel before any route exists, so the onRoute hook added there receives every route.
 */
async function createTenantRecordingRoutes(): Promise<{ tenant: TestTenant; routes: { method: string; url: string }[] }> {
  const routes: { method: string; url: string }[] = [];
  const addRouteHook = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
  };
  diagnostics.subscribe('fastify.initialization', addRouteHook);
  try {
    return { tenant: await createTestTenant('openapi'), routes };
  } finally {
    diagnostics.unsubscribe('fastify.initialization', addRouteHook);
  }
}

type Operation = { parameters?: { in: string; name: string }[]; security?: Record<string, string[]>[]; 'x-access-level'?: string };
type ApiDescription = { openapi: string; info: { version: string }; paths: Record<string, Record<string, Operation>> };

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Turns a Fastify path (`/api/objects/:id`) into OpenAPI path syntax (`/api/objects/{id}`). */
function toOpenApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, '{$1}');
}

function operationsOf(description: ApiDescription): { method: string; path: string; operation: Operation }[] {
  return Object.entries(description.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

describe('GET /api/openapi.json', () => {
  let tenant: TestTenant;
  let registeredRoutes: { method: string; url: string }[];
  let description: ApiDescription;

  beforeAll(async () => {
    ({ tenant, routes: registeredRoutes } = await createTenantRecordingRoutes());
    const response = await tenant.app.inject({ method: 'GET', url: API_DESCRIPTION_PATH });
    expect(response.statusCode).toBe(200);
    description = response.json<ApiDescription>();
  });

  afterAll(async () => tenant.close());

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(description));

    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(description.openapi).toBe('3.1.0');
  });

  it('describes every API route', () => {
    const served = registeredRoutes
      .filter((route) => route.url.startsWith(DESCRIBED_PREFIX) && route.method !== 'HEAD')
      .map((route) => `${route.method} ${toOpenApiPath(route.url)}`);
    const documented = operationsOf(description).map(({ method, path }) => `${method} ${path}`);

    expect(served.length).toBeGreaterThan(10);
    expect(new Set(documented)).toEqual(new Set(served));
    expect(documented).toHaveLength(new Set(documented).size);
  });

  it('leaves out routes outside the API', () => {
    const outside = registeredRoutes.filter((route) => !route.url.startsWith(DESCRIBED_PREFIX));

    expect(outside.map((route) => route.url)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics', '/*']));
    expect(Object.keys(description.paths).filter((path) => !path.startsWith(DESCRIBED_PREFIX))).toEqual([]);
  });

  it('declares every path parameter', () => {
    for (const { method, path, operation } of operationsOf(description)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
      expect({ operation: `${method} ${path}`, parameters: declared.sort() }).toEqual({ operation: `${method} ${path}`, parameters: inPath.sort() });
    }
  });

  it('names the access level of routes behind a token', () => {
    const listObjects = description.paths['/api/objects']?.get;
    const signIn = description.paths['/api/auth/password']?.post;

    expect(listObjects?.['x-access-level']).toBe('read');
    expect(listObjects?.security).toEqual([{ accessToken: [] }]);
    expect(signIn?.['x-access-level']).toBeUndefined();
    expect(signIn?.security).toBeUndefined();
  });

  it('names the credential of the template export', () => {
    const templateExport = description.paths['/api/template/export']?.get;

    expect(templateExport?.security).toEqual([{ templateCredential: [] }]);
    expect(templateExport?.['x-access-level']).toBeUndefined();
  });

  it('is served without a token', async () => {
    const response = await tenant.app.inject({ method: 'GET', url: API_DESCRIPTION_PATH, headers: { authorization: 'Bearer not-a-token' } });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });
});
