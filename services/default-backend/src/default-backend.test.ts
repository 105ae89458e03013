import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger, type PlatformConfig } from '@esm/common';
import { startDefaultBackend, type RunningDefaultBackend } from './default-backend.js';
import {
  closedPort,
  createTestConfig,
  delay,
  sendRequest,
  startEchoServer,
  startFakeAdmin,
  type EchoServer,
  type FakeAdmin,
} from './test-support/fakes.js';

const logger = createLogger('default-backend-test', { level: 'silent' });
const DOMAIN = 'esm.localhost';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('default backend', () => {
  let config: PlatformConfig;
  let credential: string;
  let admin: FakeAdmin;
  let tenant: EchoServer;
  let backend: RunningDefaultBackend;

  function request(host: string, options: Partial<Parameters<typeof sendRequest>[0]> = {}) {
    return sendRequest({ port: backend.port, host, ...options });
  }

  function setState(name: string, state: string): void {
    admin.answers.set(`GET /v1/tenants/${name}/state`, { status: 200, body: { state } });
  }

  function wakeCalls(name: string): number {
    return admin.requests.filter((entry) => entry.method === 'POST' && entry.url === `/v1/tenants/${name}/wake`).length;
  }

  /** Makes the fake admin's wake return the fake tenant as upstream after `ms` milliseconds. */
  function wakeAfter(name: string, ms: number): void {
    admin.answers.set(`POST /v1/tenants/${name}/wake`, async () => {
      await delay(ms);
      return { status: 200, body: { state: 'active', upstream: { host: '127.0.0.1', port: tenant.port } } };
    });
  }

  beforeAll(async () => {
    ({ config, credential } = await createTestConfig());
    admin = await startFakeAdmin(credential);
    tenant = await startEchoServer();
    config.ports.admin = admin.port;
  });

  afterAll(async () => {
    await Promise.all([admin?.close(), tenant?.close()]);
    if (config) await rm(config.dataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    admin.answers.clear();
    admin.requests.length = 0;
    tenant.requests.length = 0;
    config.wakeTimeoutMs = 30_000;
    backend = await startDefaultBackend(config, { logger });
  });

  afterEach(async () => {
    await backend.close();
  });

  it('wake forwards request with body', async () => {
    setState('demo', 'inactive');
    wakeAfter('demo', 300);
    const startedAt = Date.now();
    const response = await request(`demo.${DOMAIN}`, {
      method: 'POST',
      path: '/api/objects',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7' },
      body: '{"type":"process","name":"Fakturering"}',
    });
    const body = JSON.parse(response.body);

    expect(response.status).toBe(200);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(body.method).toBe('POST');
    expect(body.url).toBe('/api/objects');
    expect(body.body).toBe('{"type":"process","name":"Fakturering"}');
    expect(body.headers.host).toBe(`demo.${DOMAIN}`);
    expect(body.headers['x-forwarded-for']).toBe('198.51.100.7');
    expect(response.headers.server).toBeUndefined();
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(wakeCalls('demo')).toBe(1);
    expect(admin.requests[0]?.headers.authorization).toBe(`Bearer ${credential}`);
  });

  it('concurrent requests share one wake call', async () => {
    setState('demo', 'inactive');
    wakeAfter('demo', 300);
    const responses = await Promise.all(
      [1, 2, 3, 4, 5].map((index) => request(`demo.${DOMAIN}`, { path: `/api/objects/${index}` })),
    );

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(wakeCalls('demo')).toBe(1);
    expect(tenant.requests.map((entry) => entry.url).sort()).toEqual([1, 2, 3, 4, 5].map((index) => `/api/objects/${index}`));
  });

  it('active tenant is proxied', async () => {
    setState('demo', 'active');
    wakeAfter('demo', 0);
    const response = await request(`demo.${DOMAIN}`, { path: '/api/me' });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).url).toBe('/api/me');
  });

  it('forwarded host selects tenant', async () => {
    setState('demo', 'inactive');
    wakeAfter('demo', 0);
    const response = await request(`127.0.0.1:${backend.port}`, { headers: { 'x-forwarded-host': `demo.${DOMAIN}` } });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).upstream).toBe('tenant');
  });

  it('wake time-out returns coded json', async () => {
    config.wakeTimeoutMs = 200;
    await backend.close();
    backend = await startDefaultBackend(config, { logger });
    setState('demo', 'inactive');
    wakeAfter('demo', 2000);
    const response = await request(`demo.${DOMAIN}`, { path: '/api/me', headers: { 'accept-language': 'sv' } });
    const body = JSON.parse(response.body);

    expect(response.status).toBe(503);
    expect(body.error.code).toBe('TENANT_WAKE_TIMEOUT');
    expect(body.error.message).toMatch(/svarade inte i tid/);
    expect(response.headers['retry-after']).toBeDefined();
  });

  it('wake time-out returns html page', async () => {
    config.wakeTimeoutMs = 200;
    await backend.close();
    backend = await startDefaultBackend(config, { logger });
    setState('demo', 'inactive');
    wakeAfter('demo', 2000);
    const response = await request(`demo.${DOMAIN}`, { headers: { accept: BROWSER_ACCEPT, 'accept-language': 'en' } });

    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('<html lang="en">');
    expect(response.body).toContain('did not respond in time');
  });

  it('failed start returns TENANT_WAKE_FAILED', async () => {
    setState('demo', 'inactive');
    admin.answers.set('POST /v1/tenants/demo/wake', { status: 503, body: { error: { code: 'TENANT_START_FAILED' } } });
    const response = await request(`demo.${DOMAIN}`, { path: '/api/me' });

    expect(response.status).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('TENANT_WAKE_FAILED');
  });

  it('archived during wake returns 410', async () => {
    let lookups = 0;
    admin.answers.set('GET /v1/tenants/demo/state', () => ({ status: 200, body: { state: lookups++ === 0 ? 'inactive' : 'archived' } }));
    admin.answers.set('POST /v1/tenants/demo/wake', { status: 409, body: { error: { code: 'TENANT_NOT_WAKEABLE' } } });
    const response = await request(`demo.${DOMAIN}`, { path: '/api/me' });

    expect(response.status).toBe(410);
    expect(JSON.parse(response.body).error.code).toBe('TENANT_ARCHIVED');
  });

  it('unreachable woken tenant returns 502', async () => {
    setState('demo', 'inactive');
    const port = await closedPort();
    admin.answers.set('POST /v1/tenants/demo/wake', { status: 200, body: { state: 'active', upstream: { host: '127.0.0.1', port } } });
    const response = await request(`demo.${DOMAIN}`, { path: '/api/me' });
    const body = JSON.parse(response.body);

    expect(response.status).toBe(502);
    expect(body.error.code).toBe('TENANT_UPSTREAM_UNREACHABLE');
    expect(response.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });

  it('upstream on admin port is rejected', async () => {
    setState('demo', 'inactive');
    admin.answers.set('POST /v1/tenants/demo/wake', {
      status: 200,
      body: { state: 'active', upstream: { host: '127.0.0.1', port: admin.port } },
    });
    const response = await request(`demo.${DOMAIN}`, { path: '/v1/tenants' });

    expect(response.status).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('TENANT_WAKE_FAILED');
    expect(admin.requests.map((entry) => entry.url)).toEqual(['/v1/tenants/demo/state', '/v1/tenants/demo/wake']);
  });

  it('archived page in swedish', async () => {
    setState('demo', 'archived');
    const response = await request(`demo.${DOMAIN}`, { headers: { accept: BROWSER_ACCEPT, 'accept-language': 'sv-SE,sv;q=0.9,en;q=0.8' } });

    expect(response.status).toBe(410);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toContain('<html lang="sv">');
    expect(response.body).toContain('Arbetsytan är arkiverad');
    expect(response.body).not.toMatch(/\s(src|href)=/);
    expect(wakeCalls('demo')).toBe(0);
  });

  it('archived page in english', async () => {
    setState('demo', 'archived');
    const response = await request(`demo.${DOMAIN}`, { headers: { accept: BROWSER_ACCEPT, 'accept-language': 'en-GB' } });

    expect(response.status).toBe(410);
    expect(response.body).toContain('<html lang="en">');
    expect(response.body).toContain('Workspace archived');
    expect(response.headers['content-security-policy']).toMatch(/default-src 'none'/);
  });

  it('archived api request returns json', async () => {
    setState('demo', 'archived');
    const response = await request(`demo.${DOMAIN}`, { path: '/api/objects', headers: { accept: BROWSER_ACCEPT } });

    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body).error.code).toBe('TENANT_ARCHIVED');
  });

  it.each([
    ['registered', 'TENANT_NOT_DEPLOYED', 'not deployed yet'],
    ['deploying', 'TENANT_DEPLOYING', 'being deployed'],
  ])('%s tenant returns 503 %s', async (state, code, text) => {
    setState('demo', state);
    const json = await request(`demo.${DOMAIN}`, { headers: { accept: 'application/json' } });
    const page = await request(`demo.${DOMAIN}`, { headers: { accept: BROWSER_ACCEPT } });

    expect(json.status).toBe(503);
    expect(JSON.parse(json.body).error.code).toBe(code);
    expect(page.status).toBe(503);
    expect(page.body).toContain(text);
    expect(wakeCalls('demo')).toBe(0);
  });

  it('unknown name redirects to main site', async () => {
    const response = await request(`nobody.${DOMAIN}`, { path: '/api/me' });

    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(config.mainSiteUrl);
  });

  it.each(['www.example.org', DOMAIN, `www.${DOMAIN}`, `a.b.${DOMAIN}`])('host %s redirects without admin lookup', async (host) => {
    const response = await request(host);

    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(config.mainSiteUrl);
    expect(admin.requests).toEqual([]);
  });

  it('main site host returns 404', async () => {
    const response = await request('www.example.com');

    // A redirect to the main site from its own host would loop.
    expect(response.status).toBe(404);
  });

  it('admin unreachable fails closed', async () => {
    const port = config.ports.admin;
    config.ports.admin = await closedPort();
    await backend.close();
    backend = await startDefaultBackend(config, { logger });
    config.ports.admin = port;
    const response = await request(`demo.${DOMAIN}`, { path: '/api/me' });

    expect(response.status).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('rejected credential fails closed', async () => {
    admin.answers.set('GET /v1/tenants/demo/state', { status: 401, body: { error: { code: 'ADMIN_CREDENTIAL_INVALID' } } });
    const response = await request(`demo.${DOMAIN}`, { path: '/api/me' });

    expect(response.status).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('health check on service address', async () => {
    const response = await request(`127.0.0.1:${backend.port}`, { path: '/healthz' });

    expect(response.status).toBe(200);
  });

  it('websocket wakes inactive tenant', async () => {
    setState('demo', 'inactive');
    wakeAfter('demo', 200);
    const socket = new WebSocket(`ws://127.0.0.1:${backend.port}/api/live`, { headers: { host: `demo.${DOMAIN}` } });
    const greeting = await new Promise<string>((resolve, reject) => {
      socket.once('message', (data) => resolve(String(data)));
      socket.once('error', reject);
    });
    socket.close();

    expect(JSON.parse(greeting)).toMatchObject({ upstream: 'tenant', url: '/api/live' });
    expect(wakeCalls('demo')).toBe(1);
  });

  it('websocket to archived tenant returns 410', async () => {
    setState('demo', 'archived');
    const socket = new WebSocket(`ws://127.0.0.1:${backend.port}/api/live`, { headers: { host: `demo.${DOMAIN}` } });
    const status = await new Promise<number>((resolve, reject) => {
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('open', () => reject(new Error('upgrade succeeded')));
      socket.once('error', reject);
    });

    expect(status).toBe(410);
  });
});
