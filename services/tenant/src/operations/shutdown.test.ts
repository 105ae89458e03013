import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@esm/common';
import { buildTenantApp } from '../app.js';
import { createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';

type WriteResult = { name: string; status: number; body: string } | { name: string; networkError: string };

/** Posts one object over the given agent and reports the status or the network error code. */
function postObject(port: number, token: string, name: string, agent: http.Agent): Promise<WriteResult> {
  const body = JSON.stringify({ type: 'process', name });
  return new Promise((resolve) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/objects',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ name, status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error: NodeJS.ErrnoException) => resolve({ name, networkError: error.code ?? error.message }));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ name, networkError: error.code ?? error.message }));
    request.end(body);
  });
}

describe('tenant shutdown', () => {
  let tenant: TestTenant | undefined;

  afterEach(async () => {
    await tenant?.close();
    tenant = undefined;
  });

  it('keeps every acknowledged write', async () => {
    tenant = await createTestTenant('shutdown');
    const { token } = await createUserWithToken(tenant, 'write');
    await tenant.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (tenant.app.server.address() as AddressInfo).port;
    // Few sockets with keep-alive, so that queued requests reach the closing server on open connections.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

    const early = Array.from({ length: 30 }, (_, index) => postObject(port, token, `before-${index}`, agent));
    await new Promise((resolve) => setTimeout(resolve, 40));
    const closing = tenant.app.close();
    const late = Array.from({ length: 10 }, (_, index) => postObject(port, token, `after-${index}`, new http.Agent()));
    const results = [...(await Promise.all(early)), ...(await Promise.all(late))];
    await closing;
    agent.destroy();

    const acknowledged = results.filter((result): result is Extract<WriteResult, { status: number }> => 'status' in result && result.status === 201);
    const refused = results.filter((result) => !('status' in result && result.status === 201));
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThanOrEqual(10);
    for (const result of refused) {
      if ('networkError' in result) {
        expect(['ECONNREFUSED', 'ECONNRESET']).toContain(result.networkError);
      } else {
        expect(result.status).toBe(503);
        expect(JSON.parse(result.body).error.code).toBe('SERVICE_STOPPING');
      }
    }
    expect(results.filter((result) => result.name.startsWith('after-') && 'status' in result && result.status === 201)).toEqual([]);

    const stored = await tenant.admin.query<{ id: string; name: string; audited: boolean }>(
      `SELECT o.id, o.name, EXISTS (SELECT 1 FROM esm.audit_entries a WHERE a.entity_id = o.id::text) AS audited
         FROM esm.objects o`,
    );
    const storedNames = new Set(stored.rows.map((row) => row.name));
    for (const result of acknowledged) {
      expect(storedNames.has(result.name), `${result.name} acknowledged but missing`).toBe(true);
      expect(stored.rows.find((row) => row.id === JSON.parse(result.body).id)?.audited).toBe(true);
    }
    // Nothing half-applied: every stored object has its audit entry, acknowledged or not.
    expect(stored.rows.filter((row) => !row.audited)).toEqual([]);
  });

  it('tells live clients to reconnect', async () => {
    tenant = await createTestTenant('shutdown-live');
    const { token } = await createUserWithToken(tenant, 'read');
    await tenant.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (tenant.app.server.address() as AddressInfo).port;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/live`, { origin: tenant.secret.origin });
    const messages: unknown[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'auth', token }));
    while (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));

    await tenant.app.close();

    expect(await closed).toEqual({ code: 1012, reason: 'service restart' });
    expect(messages).toContainEqual({ type: 'reconnect' });
  });
});

describe('tenant operations endpoints', () => {
  let tenant: TestTenant | undefined;

  afterEach(async () => {
    await tenant?.close();
    tenant = undefined;
  });

  it('readyz is 200 with database', async () => {
    tenant = await createTestTenant('ready');
    const response = await tenant.app.inject({ method: 'GET', url: '/readyz' });

    expect(response.statusCode).toBe(200);
  });

  it('readyz is 503 without database', async () => {
    tenant = await createTestTenant('unready');
    const unreachable = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'nobody', database: 'nothing', connectionTimeoutMillis: 500 });
    const app = await buildTenantApp(tenant.secret, { pool: unreachable, logger: createLogger('tenant-test', { level: 'silent' }) });
    try {
      const response = await app.inject({ method: 'GET', url: '/readyz', headers: { 'accept-language': 'sv' } });

      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('SERVICE_NOT_READY');
      expect(response.json().error.message).toMatch(/inte redo/);
    } finally {
      await app.close();
      await unreachable.end();
    }
  });

  it('metrics lists route patterns', async () => {
    tenant = await createTestTenant('metrics');
    await tenant.app.inject({ method: 'GET', url: '/api/objects/00000000-0000-0000-0000-000000000000' });
    const response = await tenant.app.inject({ method: 'GET', url: '/metrics' });

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/^http_requests_total\{method="GET",route="\/api\/objects\/:id",status="401",service="tenant"\} 1$/m);
    expect(response.body).toContain('http_request_duration_seconds_bucket');
    expect(response.body).not.toContain('00000000-0000');
  });

  it.each(['x-forwarded-for', 'x-forwarded-host', 'forwarded'])('metrics rejected with %s', async (header) => {
    tenant = await createTestTenant('metrics-proxied');
    const response = await tenant.app.inject({ method: 'GET', url: '/metrics', headers: { [header]: '198.51.100.7' } });

    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
  });
});
