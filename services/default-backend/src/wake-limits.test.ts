import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type PlatformConfig, type WakeLimitsConfig } from '@esm/common';
import { startDefaultBackend, type RunningDefaultBackend } from './default-backend.js';
import { DEFAULT_WAKE_LIMITS } from './wake-gate.js';
import {
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

describe('default backend wake limits', () => {
  let config: PlatformConfig;
  let credential: string;
  let admin: FakeAdmin;
  let tenant: EchoServer;
  let backend: RunningDefaultBackend | undefined;

  async function restart(limits: Partial<WakeLimitsConfig>): Promise<RunningDefaultBackend> {
    await backend?.close();
    config.wake = { ...DEFAULT_WAKE_LIMITS, ...limits };
    backend = await startDefaultBackend(config, { logger });
    return backend;
  }

  function request(host: string, options: Partial<Parameters<typeof sendRequest>[0]> = {}) {
    return sendRequest({ port: backend!.port, host, ...options });
  }

  function setState(name: string, state: string): void {
    admin.answers.set(`GET /v1/tenants/${name}/state`, { status: 200, body: { state } });
  }

  function wakeCalls(name: string): number {
    return admin.requests.filter((entry) => entry.method === 'POST' && entry.url === `/v1/tenants/${name}/wake`).length;
  }

  function wakeAfter(name: string, ms: number): void {
    admin.answers.set(`POST /v1/tenants/${name}/wake`, async () => {
      await delay(ms);
      return { status: 200, body: { state: 'active', upstream: { host: '127.0.0.1', port: tenant.port } } };
    });
  }

  function failWake(name: string): void {
    admin.answers.set(`POST /v1/tenants/${name}/wake`, { status: 503, body: { error: { code: 'TENANT_START_FAILED' } } });
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

  beforeEach(() => {
    admin.answers.clear();
    admin.requests.length = 0;
    delete config.metricsPorts;
  });

  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it('slow wake sends browser a reloading page', async () => {
    await restart({ browserPageAfterMs: 200 });
    setState('demo', 'inactive');
    wakeAfter('demo', 600);
    const page = await request(`demo.${DOMAIN}`, {
      path: '/objects?type=process',
      headers: { accept: BROWSER_ACCEPT, 'accept-language': 'sv-SE,sv;q=0.9' },
    });

    expect(page.status).toBe(503);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['retry-after']).toBe('2');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<html lang="sv">');
    expect(page.body).toContain('Arbetsytan startar');
    expect(page.body).toContain('<meta http-equiv="refresh" content="2">');
    expect(page.body).toContain('<a href="/objects?type=process">Ladda om nu</a>');
    expect(page.body).not.toContain('<script');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);

    // The wake went on in the background, so the reload joins it rather than starting another.
    await delay(300);
    const reloaded = await request(`demo.${DOMAIN}`, { path: '/objects', headers: { accept: BROWSER_ACCEPT } });
    expect(reloaded.status).toBe(200);
    expect(wakeCalls('demo')).toBe(1);
  });

  it('starting page in english', async () => {
    await restart({ browserPageAfterMs: 100 });
    setState('demo', 'inactive');
    wakeAfter('demo', 500);
    const page = await request(`demo.${DOMAIN}`, { headers: { accept: BROWSER_ACCEPT, 'accept-language': 'en-GB' } });

    expect(page.status).toBe(503);
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('The workspace is starting.');
    expect(page.body).toContain('<a href="/">Reload now</a>');
    await delay(500);
  });

  it('reload link never leaves the origin', async () => {
    await restart({ browserPageAfterMs: 100 });
    setState('demo', 'inactive');
    wakeAfter('demo', 500);
    const page = await request(`demo.${DOMAIN}`, { path: '//evil.example/', headers: { accept: BROWSER_ACCEPT } });

    expect(page.status).toBe(503);
    expect(page.body).toContain('<a href="/">');
    expect(page.body).not.toContain('evil.example');
    await delay(500);
  });

  it('api client waits past page delay', async () => {
    await restart({ browserPageAfterMs: 100 });
    setState('demo', 'inactive');
    wakeAfter('demo', 500);
    const response = await request(`demo.${DOMAIN}`, { path: '/api/me', headers: { accept: 'application/json' } });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).url).toBe('/api/me');
  });

  it('browser form post waits for wake', async () => {
    await restart({ browserPageAfterMs: 100 });
    setState('demo', 'inactive');
    wakeAfter('demo', 400);
    const response = await request(`demo.${DOMAIN}`, { method: 'POST', path: '/form', headers: { accept: BROWSER_ACCEPT }, body: 'a=1' });

    expect(response.status).toBe(200);
  });

  it('tenant wake rate returns coded 429', async () => {
    await restart({ perTenantPerMinute: 2 });
    setState('demo', 'inactive');
    failWake('demo');
    const first = await request(`demo.${DOMAIN}`, { path: '/api/me' });
    const second = await request(`demo.${DOMAIN}`, { path: '/api/me' });
    const third = await request(`demo.${DOMAIN}`, { path: '/api/me', headers: { 'accept-language': 'sv' } });
    const body = JSON.parse(third.body);

    expect(first.status).toBe(503);
    expect(second.status).toBe(503);
    expect(third.status).toBe(429);
    expect(body.error.code).toBe('TENANT_WAKE_RATE_LIMITED');
    expect(body.error.message).toMatch(/startats för många gånger/);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(third.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(wakeCalls('demo')).toBe(2);
  });

  it('client wake rate spans tenants', async () => {
    await restart({ perClientPerMinute: 2 });
    for (const name of ['alpha', 'beta', 'gamma']) {
      setState(name, 'inactive');
      failWake(name);
    }
    const client = { 'x-forwarded-for': '198.51.100.7' };
    await request(`alpha.${DOMAIN}`, { path: '/api/me', headers: client });
    await request(`beta.${DOMAIN}`, { path: '/api/me', headers: client });
    const limited = await request(`gamma.${DOMAIN}`, { path: '/api/me', headers: { ...client, 'accept-language': 'en' } });
    const otherClient = await request(`gamma.${DOMAIN}`, { path: '/api/me', headers: { 'x-forwarded-for': '198.51.100.8' } });

    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body).error.code).toBe('TENANT_WAKE_CLIENT_RATE_LIMITED');
    expect(JSON.parse(limited.body).error.message).toMatch(/from your address/);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(otherClient.status).toBe(503);
    expect(JSON.parse(otherClient.body).error.code).toBe('TENANT_WAKE_FAILED');
    expect(wakeCalls('gamma')).toBe(1);
  });

  it('client limit returns tenant point', async () => {
    await restart({ perClientPerMinute: 1, perTenantPerMinute: 1 });
    setState('alpha', 'inactive');
    setState('beta', 'inactive');
    failWake('alpha');
    failWake('beta');
    await request(`alpha.${DOMAIN}`, { path: '/api/me', headers: { 'x-forwarded-for': '198.51.100.7' } });
    const limited = await request(`beta.${DOMAIN}`, { path: '/api/me', headers: { 'x-forwarded-for': '198.51.100.7' } });
    const other = await request(`beta.${DOMAIN}`, { path: '/api/me', headers: { 'x-forwarded-for': '198.51.100.9' } });

    expect(JSON.parse(limited.body).error.code).toBe('TENANT_WAKE_CLIENT_RATE_LIMITED');
    // beta's single point was given back when the client limit refused the first request.
    expect(JSON.parse(other.body).error.code).toBe('TENANT_WAKE_FAILED');
  });

  it('joining a wake costs no rate', async () => {
    await restart({ perTenantPerMinute: 1, perClientPerMinute: 1 });
    setState('demo', 'inactive');
    wakeAfter('demo', 300);
    const responses = await Promise.all([1, 2, 3, 4].map(() => request(`demo.${DOMAIN}`, { path: '/api/me' })));

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(wakeCalls('demo')).toBe(1);
  });

  it('per tenant waiting cap returns 503', async () => {
    await restart({ maxWaitingPerTenant: 2 });
    setState('demo', 'inactive');
    wakeAfter('demo', 400);
    const responses = await Promise.all([1, 2, 3].map(() => request(`demo.${DOMAIN}`, { path: '/api/me', headers: { 'accept-language': 'sv' } })));
    const refused = responses.filter((response) => response.status === 503);

    expect(responses.filter((response) => response.status === 200)).toHaveLength(2);
    expect(refused).toHaveLength(1);
    expect(JSON.parse(refused[0]!.body).error.code).toBe('TENANT_WAKE_QUEUE_FULL');
    expect(JSON.parse(refused[0]!.body).error.message).toMatch(/väntar på att arbetsytor/);
    expect(refused[0]!.headers['retry-after']).toBe('5');
  });

  it('global waiting cap spans tenants', async () => {
    await restart({ maxWaiting: 2 });
    for (const name of ['alpha', 'beta', 'gamma']) {
      setState(name, 'inactive');
      wakeAfter(name, 400);
    }
    const responses = await Promise.all(['alpha', 'beta', 'gamma'].map((name) => request(`${name}.${DOMAIN}`, { path: '/api/me' })));
    const codes = responses.map((response) => (response.status === 200 ? 'ok' : JSON.parse(response.body).error.code));

    expect(codes.filter((code) => code === 'ok')).toHaveLength(2);
    expect(codes.filter((code) => code === 'TENANT_WAKE_QUEUE_FULL')).toHaveLength(1);
  });

  it('waiting slots are freed after wake', async () => {
    await restart({ maxWaiting: 1 });
    setState('demo', 'inactive');
    wakeAfter('demo', 50);
    const first = await request(`demo.${DOMAIN}`, { path: '/api/me' });
    const second = await request(`demo.${DOMAIN}`, { path: '/api/me' });

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
  });

  it('metrics list requests and wakes', async () => {
    config.metricsPorts = { admin: 0, registration: 0, defaultBackend: 0, gateway: 0 };
    await restart({});
    setState('demo', 'inactive');
    wakeAfter('demo', 10);
    await request(`demo.${DOMAIN}`, { path: '/api/objects/42' });
    await request(`127.0.0.1:${backend!.port}`, { path: '/healthz' });
    const metrics = await sendRequest({ port: backend!.metricsPort!, host: '127.0.0.1', path: '/metrics' });

    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^http_requests_total\{method="GET",route="\/healthz",status="200",service="default-backend"\} 1$/m);
    expect(metrics.body).toContain('http_request_duration_seconds_bucket');
    expect(metrics.body).toMatch(/^esm_wakes_total\{outcome="woken",service="default-backend"\} 1$/m);
    expect(metrics.body).toContain('esm_wake_duration_seconds_count');
    expect(metrics.body).not.toContain('/api/objects/42');
    expect(metrics.body).toContain('process_cpu_seconds_total');
  });

  it('metrics port serves nothing else', async () => {
    config.metricsPorts = { admin: 0, registration: 0, defaultBackend: 0, gateway: 0 };
    await restart({});
    const other = await sendRequest({ port: backend!.metricsPort!, host: `demo.${DOMAIN}`, path: '/api/me' });

    expect(other.status).toBe(404);
  });

  it('shutdown finishes request in flight', async () => {
    await restart({});
    setState('demo', 'inactive');
    wakeAfter('demo', 300);
    const inFlight = request(`demo.${DOMAIN}`, { path: '/api/me' });
    await delay(100);
    const closing = backend!.close();
    await delay(50);
    const late = request(`demo.${DOMAIN}`, { path: '/api/me' }).then(
      (response) => response.status,
      (error: NodeJS.ErrnoException) => error.code,
    );

    expect((await inFlight).status).toBe(200);
    expect(await late).toBe('ECONNREFUSED');
    await closing;
    backend = undefined;
  });
});
