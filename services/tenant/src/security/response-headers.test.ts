import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse as InjectResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@esm/common';
import { buildTenantApp } from '../app.js';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';

const STRICT_REFERRER_POLICIES = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'];
// Names and version numbers of the software behind the tenant, which a response must not reveal.
const SOFTWARE_NAMES = /fastify|node|express|postgres|pino|vite|nginx/i;
const VERSION_NUMBER = /\bv?\d+\.\d+(\.\d+)?\b/;

describe('tenant response headers', () => {
  let tenant: TestTenant;
  let app: FastifyInstance;
  let webRoot: string;
  let token: string;

  beforeAll(async () => {
    tenant = await createTestTenant('headers');
    token = (await createUserWithToken(tenant, 'read')).token;
    webRoot = await mkdtemp(path.join(os.tmpdir(), 'esm-headers-'));
    await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>ESM</title><script type="module" src="/assets/app.js"></script>');
    app = await buildTenantApp(tenant.secret, { logger: createLogger('test', { level: 'silent' }), webClientDir: webRoot });
    // A route that fails the way a bug would, with a message that must not reach the client.
    app.get('/api/failing-for-test', async () => {
      throw new Error('query failed at /srv/esm/services/tenant/dist/db.js with PostgreSQL 17.2');
    });
  });

  afterAll(async () => {
    await app.close();
    await tenant.close();
    await rm(webRoot, { recursive: true, force: true });
  });

  const cases: [string, () => Promise<InjectResponse>, number][] = [
    ['an API route', () => app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) }), 200],
    ['a page', () => app.inject({ method: 'GET', url: '/objects' }), 200],
    ['a 500', () => app.inject({ method: 'GET', url: '/api/failing-for-test' }), 500],
    ['a rejected token', () => app.inject({ method: 'GET', url: '/api/me', headers: bearer('x.y.z') }), 401],
  ];

  describe.each(cases)('on %s', (_case, request, status) => {
    let response: InjectResponse;

    beforeAll(async () => {
      response = await request();
    });

    it('has the expected status', () => {
      expect(response.statusCode).toBe(status);
    });

    it('sends a strict CSP', () => {
      const policy = String(response.headers['content-security-policy']);
      const directives = new Map(policy.split(';').map((part) => {
        const [name = '', ...values] = part.trim().split(/\s+/);
        return [name, values] as const;
      }));
      const scriptSources = directives.get('script-src') ?? directives.get('default-src');
      expect(scriptSources).toEqual(["'self'"]);
      expect(policy).not.toContain("'unsafe-inline'");
      expect(policy).not.toContain("'unsafe-eval'");
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      expect(directives.get('object-src')).toEqual(["'none'"]);
    });

    it('sends nosniff and a strict referrer policy', () => {
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(STRICT_REFERRER_POLICIES).toContain(response.headers['referrer-policy']);
    });

    it('names no software and no version', () => {
      expect(response.headers.server).toBeUndefined();
      expect(response.headers['x-powered-by']).toBeUndefined();
      for (const [name, value] of Object.entries(response.headers)) {
        if (name === 'date' || name === 'content-length' || name === 'last-modified' || name === 'etag') continue;
        expect(String(value), name).not.toMatch(SOFTWARE_NAMES);
        expect(String(value), name).not.toMatch(VERSION_NUMBER);
      }
      expect(response.body).not.toMatch(SOFTWARE_NAMES);
      expect(response.body).not.toMatch(VERSION_NUMBER);
    });
  });

  it('hides the cause of a 500', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/failing-for-test' });
    const body = response.json();
    expect(body.error.code).toBe('INTERNAL_ERROR');
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'requestId']);
    expect(response.body).not.toContain('/srv/esm');
    expect(response.body).not.toContain('query failed');
  });
});
