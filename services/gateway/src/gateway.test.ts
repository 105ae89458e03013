import net from 'node:net';
import { rm } from 'node:fs/promises';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import WebSocket from 'ws';
import { createLogger, type PlatformConfig } from '@esm/common';
import { startGateway, type RunningGateway } from './gateway.js';
import {
  closedPort,
  createTestConfig,
  httpRequest,
  httpsRequest,
  startEchoServer,
  startFakeAdmin,
  type EchoServer,
  type FakeAdmin,
} from './test-support/fakes.js';

const logger = createLogger('gateway-test', { level: 'silent' });
const DOMAIN = 'esm.localhost';

/** Sends raw bytes to a loopback port and returns everything the server writes back before it closes. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

describe('gateway', () => {
  let config: PlatformConfig;
  let admin: FakeAdmin;
  let tenant: EchoServer;
  let registration: EchoServer;
  let defaultBackend: EchoServer;
  let gateway: RunningGateway;
  let gatewayCredential: string;

  /**
   * Sends an HTTPS request through the gateway. The TLS server name is the
   * Host when the certificate covers it, else a tenant host, because a client
   * may send any Host header inside a connection made for another name.
   */
  function request(host: string, options: Partial<Parameters<typeof httpsRequest>[0]> = {}) {
    const hostname = host.replace(/:\d+$/, '');
    const covered = hostname === DOMAIN || hostname === 'localhost' || hostname.endsWith(`.${DOMAIN}`);
    const servername = covered && !hostname.includes('_') ? hostname : `demo.${DOMAIN}`;
    return httpsRequest({ port: gateway.httpsPort, ca: gateway.caCertPem, host, servername, ...options });
  }

  function openTenantSocket(headers: Record<string, string> = {}): WebSocket {
    const options: WebSocket.ClientOptions & { servername: string } = {
      ca: gateway.caCertPem,
      servername: `demo.${DOMAIN}`,
      headers: { host: `demo.${DOMAIN}`, ...headers },
    };
    return new WebSocket(`wss://127.0.0.1:${gateway.httpsPort}/api/live`, options);
  }

  function setRoute(name: string, state: string, upstream: { host: string; port: number } | null): void {
    admin.answers.set(`GET /v1/routes/${name}`, { status: 200, body: { state, upstream } });
  }

  function routeLookups(name: string): number {
    return admin.requests.filter((entry) => entry.url === `/v1/routes/${name}`).length;
  }

  beforeAll(async () => {
    [tenant, registration, defaultBackend] = await Promise.all([
      startEchoServer('tenant'),
      startEchoServer('registration'),
      startEchoServer('default-backend'),
    ]);
    const setup = await createTestConfig({ registration: registration.port, defaultBackend: defaultBackend.port });
    config = setup.config;
    gatewayCredential = setup.credentials.gateway;
    admin = await startFakeAdmin(setup.credentials.gateway);
    config.ports.admin = admin.port;
  });

  afterAll(async () => {
    await Promise.all([admin?.close(), tenant?.close(), registration?.close(), defaultBackend?.close()]);
    if (config) await rm(config.dataDir, { recursive: true, force: true });
  });

  // A fresh gateway per test starts with an empty route cache; the CA from the first start is reused.
  beforeEach(async () => {
    admin.answers.clear();
    admin.requests.length = 0;
    setRoute('demo', 'active', { host: '127.0.0.1', port: tenant.port });
    gateway = await startGateway(config, { logger });
  });

  afterEach(async () => {
    await gateway.close();
  });

  it('http redirects to same https url', async () => {
    const response = await httpRequest({ port: gateway.httpPort, host: `demo.${DOMAIN}:8080`, path: '/api/objects?type=x' });

    expect(response.status).toBe(301);
    expect(response.headers.location).toBe(`https://demo.${DOMAIN}:8443/api/objects?type=x`);
  });

  it('malformed host on http returns 400', async () => {
    const response = await httpRequest({ port: gateway.httpPort, host: 'evil.example/x@y' });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.code).toBe('GATEWAY_HOST_INVALID');
  });

  it('http rejects hosts outside the domain', async () => {
    const response = await httpRequest({ port: gateway.httpPort, host: 'evil.example', path: '/x' });

    expect(response.status).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(JSON.parse(response.body).error.code).toBe('GATEWAY_HOST_INVALID');
  });

  it('malformed request line gets coded 400', async () => {
    const raw = await rawExchange(gateway.httpPort, 'GARBAGE\r\n\r\n');

    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('"code":"GATEWAY_REQUEST_MALFORMED"');
  });

  it('oversized headers get coded 431', async () => {
    const raw = await rawExchange(gateway.httpPort, `GET / HTTP/1.1\r\nHost: demo.${DOMAIN}\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`);

    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toContain('"code":"GATEWAY_HEADERS_TOO_LARGE"');
  });

  it('certificate verifies for tenant host', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port: gateway.httpsPort, servername: `demo.${DOMAIN}`, ca: gateway.caCertPem });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });

    expect(socket.authorized).toBe(true);
    expect(socket.getPeerCertificate().subjectaltname).toContain(`DNS:*.${DOMAIN}`);
    socket.destroy();
  });

  it('certificate fails for foreign host', async () => {
    const failure = new Promise<Error>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port: gateway.httpsPort, servername: 'demo.example.com', ca: gateway.caCertPem });
      socket.once('error', resolve);
      socket.once('secureConnect', () => resolve(new Error('connected')));
    });

    expect((await failure).message).toMatch(/altnames|does not match/i);
  });

  it('tenant host reaches tenant', async () => {
    const response = await request(`demo.${DOMAIN}`, { path: '/api/me', headers: { authorization: 'Bearer abc' } });
    const body = JSON.parse(response.body);

    expect(response.status).toBe(200);
    expect(body.upstream).toBe('tenant');
    expect(body.url).toBe('/api/me');
    expect(body.headers.host).toBe(`demo.${DOMAIN}`);
    expect(body.headers.authorization).toBe('Bearer abc');
    expect(admin.requests[0]?.headers.authorization).toBe(`Bearer ${gatewayCredential}`);
  });

  it('response headers are cleaned', async () => {
    const response = await request(`demo.${DOMAIN}`);

    expect(response.headers.server).toBeUndefined();
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
  });

  it('body and method reach tenant', async () => {
    const response = await request(`demo.${DOMAIN}`, {
      method: 'PATCH',
      path: '/api/objects/1',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"Kund"}',
    });
    const body = JSON.parse(response.body);

    expect(body.method).toBe('PATCH');
    expect(body.body).toBe('{"name":"Kund"}');
  });

  it('register host reaches registration', async () => {
    const response = await request(`register.${DOMAIN}`, { path: '/sign-up' });

    expect(JSON.parse(response.body).upstream).toBe('registration');
    expect(routeLookups('register')).toBe(0);
  });

  it.each([
    ['an unknown tenant', `nobody.${DOMAIN}`],
    ['the base domain', DOMAIN],
    ['a foreign host', 'www.example.com'],
    ['a reserved name', `www.${DOMAIN}`],
    ['a malformed name', `a_b.${DOMAIN}`],
  ])('%s reaches the default backend', async (_case, host) => {
    const response = await request(host);

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).upstream).toBe('default-backend');
  });

  it.each(['inactive', 'archived', 'registered', 'deploying'])('%s tenant reaches the default backend', async (state) => {
    setRoute('sleepy', state, null);
    const response = await request(`sleepy.${DOMAIN}`, { path: '/api/me' });
    const body = JSON.parse(response.body);

    expect(body.upstream).toBe('default-backend');
    expect(body.url).toBe('/api/me');
    expect(body.headers['x-forwarded-host']).toBe(`sleepy.${DOMAIN}`);
  });

  it('admin failure falls back to default backend', async () => {
    admin.answers.set('GET /v1/routes/demo', { status: 500, body: {} });
    const response = await request(`demo.${DOMAIN}`);

    expect(JSON.parse(response.body).upstream).toBe('default-backend');
  });

  it('upstream on admin port is rejected', async () => {
    setRoute('demo', 'active', { host: '127.0.0.1', port: admin.port });
    const response = await request(`demo.${DOMAIN}`, { path: '/v1/tenants' });

    expect(JSON.parse(response.body).upstream).toBe('default-backend');
    expect(admin.requests.map((entry) => entry.url)).toEqual(['/v1/routes/demo']);
  });

  it('spoofed forwarding headers are replaced', async () => {
    const response = await request(`demo.${DOMAIN}`, {
      headers: {
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'evil.example',
        forwarded: 'for=203.0.113.9',
        'x-real-ip': '203.0.113.9',
      },
    });
    const headers = JSON.parse(response.body).headers;

    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('https');
    expect(headers['x-forwarded-host']).toBe(`demo.${DOMAIN}`);
    expect(headers.forwarded).toBeUndefined();
    expect(headers['x-real-ip']).toBeUndefined();
  });

  it('tenant metrics path is marked proxied', async () => {
    const response = await request(`demo.${DOMAIN}`, { path: '/metrics' });
    const body = JSON.parse(response.body);

    // The tenant serves /metrics only to requests without X-Forwarded-*, so this one gets its 404.
    expect(body.upstream).toBe('tenant');
    expect(body.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(body.headers['x-forwarded-host']).toBe(`demo.${DOMAIN}`);
  });

  it('metrics port lists proxied requests', async () => {
    await gateway.close();
    config.metricsPorts = { admin: 0, registration: 0, defaultBackend: 0, gateway: 0 };
    gateway = await startGateway(config, { logger });
    delete config.metricsPorts;
    await request(`demo.${DOMAIN}`, { path: '/api/objects/42' });
    const metrics = await fetch(`http://127.0.0.1:${gateway.metricsPort}/metrics`);
    const text = await metrics.text();

    expect(metrics.status).toBe(200);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="tenant",status="200",service="gateway"\} 1$/m);
    expect(text).not.toContain('/api/objects/42');
  });

  it('admin is not reachable by any host', async () => {
    const hosts = [
      `admin.${DOMAIN}`,
      'admin',
      'localhost',
      `localhost:${admin.port}`,
      `127.0.0.1:${admin.port}`,
      `127.0.0.1`,
      `[::1]:${admin.port}`,
    ];
    for (const host of hosts) {
      const response = await request(host, { path: '/v1/tenants', headers: { authorization: 'Bearer guess' } });

      expect(JSON.parse(response.body).upstream, host).toBe('default-backend');
    }
    expect(admin.requests).toEqual([]);
  });

  it('route lookups are cached', async () => {
    await request(`demo.${DOMAIN}`);
    await request(`demo.${DOMAIN}`);

    expect(routeLookups('demo')).toBe(1);
  });

  it('unreachable tenant returns coded 502', async () => {
    setRoute('demo', 'active', { host: '127.0.0.1', port: await closedPort() });
    const first = await request(`demo.${DOMAIN}`, { headers: { 'accept-language': 'sv-SE,sv;q=0.9' } });
    const body = JSON.parse(first.body);

    expect(first.status).toBe(502);
    expect(body.error.code).toBe('GATEWAY_UPSTREAM_UNREACHABLE');
    expect(body.error.message).toMatch(/svarar inte/);
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|at /);
    expect(first.headers['strict-transport-security']).toBeDefined();
    expect(routeLookups('demo')).toBe(2);

    setRoute('demo', 'active', { host: '127.0.0.1', port: tenant.port });
    const second = await request(`demo.${DOMAIN}`);

    expect(second.status).toBe(200);
    expect(routeLookups('demo')).toBe(3);
  });

  it('stale cached route is looked up again', async () => {
    const stopped = await startEchoServer('stopped-tenant');
    setRoute('demo', 'active', { host: '127.0.0.1', port: stopped.port });
    expect((await request(`demo.${DOMAIN}`)).status).toBe(200);
    await stopped.close();
    setRoute('demo', 'inactive', null);

    const read = await request(`demo.${DOMAIN}`);
    const write = await request(`demo.${DOMAIN}`, { method: 'POST', body: '{"name":"kept"}', headers: { 'content-type': 'application/json' } });

    expect(read.status).toBe(200);
    expect(JSON.parse(read.body).upstream).toBe('default-backend');
    expect(write.status).toBe(200);
    expect(JSON.parse(write.body).upstream).toBe('default-backend');
    expect(JSON.parse(write.body).body).toBe('{"name":"kept"}');
  });

  it('502 message is english by default', async () => {
    setRoute('demo', 'active', { host: '127.0.0.1', port: await closedPort() });
    const response = await request(`demo.${DOMAIN}`);

    expect(JSON.parse(response.body).error.message).toMatch(/not responding/);
  });

  it('request log omits secrets', async () => {
    const lines: string[] = [];
    const capturingLogger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const logged = await startGateway(config, { logger: capturingLogger });
    try {
      await httpsRequest({
        port: logged.httpsPort,
        ca: logged.caCertPem,
        host: `demo.${DOMAIN}`,
        path: '/api/me?token=abcdef',
        headers: { authorization: 'Bearer secret-token', cookie: 'session=secret-cookie' },
      });
      await expect.poll(() => lines.some((line) => line.includes('request proxied'))).toBe(true);
    } finally {
      await logged.close();
    }
    const entry = JSON.parse(lines.find((line) => line.includes('request proxied')) ?? '{}');

    expect(entry.host).toBe(`demo.${DOMAIN}`);
    expect(entry.status).toBe(200);
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    expect(entry.path).toBe('/api/me');
    expect(lines.join('\n')).not.toMatch(/secret-token|secret-cookie|abcdef/);
  });

  it('websocket upgrade reaches tenant', async () => {
    const socket = openTenantSocket({ 'x-forwarded-for': '203.0.113.9' });
    const messages: string[] = [];
    socket.on('message', (data) => messages.push(String(data)));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.send('ping');
    await expect.poll(() => messages.length).toBe(2);
    socket.close();

    const greeting = JSON.parse(messages[0] ?? '{}');
    expect(greeting.upstream).toBe('tenant');
    expect(greeting.url).toBe('/api/live');
    expect(greeting.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(messages[1]).toBe('echo:ping');
  });

  it('websocket to unreachable tenant returns 502', async () => {
    setRoute('demo', 'active', { host: '127.0.0.1', port: await closedPort() });
    const socket = openTenantSocket();
    const status = await new Promise<number>((resolve, reject) => {
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('open', () => reject(new Error('upgrade succeeded')));
      socket.once('error', reject);
    });

    expect(status).toBe(502);
  });
});
