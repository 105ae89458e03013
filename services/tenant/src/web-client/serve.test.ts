import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type TenantSecret } from '@esm/common';
import { buildTenantApp } from '../app.js';
import { generateSigningKey } from '../test-support/tenant-fixture.js';
import { CONTENT_SECURITY_POLICY } from './serve.js';

// Port 1 on loopback refuses connections, like a database server that is down.
const unreachable = { host: '127.0.0.1', port: 1, database: 'none', user: 'none', password: 'none' };
const secret: TenantSecret = {
  tenant: 'static',
  origin: 'https://static.esm.test',
  database: { owner: unreachable, app: unreachable, readOnly: unreachable },
  signingKeys: [generateSigningKey()],
  mail: { from: 'ESM <noreply@esm.test>', outboxDir: os.tmpdir() },
  sms: { provider: 'outbox', outboxDir: os.tmpdir() },
  firstAdministrator: { email: 'admin@static.example', locale: 'en' },
};
const logger = createLogger('test', { level: 'silent' });

describe('web client', () => {
  let root: string;
  let app: FastifyInstance;
  let withoutClient: FastifyInstance;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'esm-web-'));
    await mkdir(path.join(root, 'assets'));
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>ESM</title>');
    await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    app = await buildTenantApp(secret, { logger, webClientDir: root });
    withoutClient = await buildTenantApp(secret, { logger, webClientDir: path.join(root, 'missing') });
  });

  afterAll(async () => {
    await app.close();
    await withoutClient.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves index.html for a client route with the CSP', async () => {
    const response = await app.inject({ method: 'GET', url: '/invite/some-token' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>ESM</title>');
    expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('serves an asset file', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/app.js' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('console.log(1)');
  });

  it('serves no file outside the folder', async () => {
    const response = await app.inject({ method: 'GET', url: '/..%2f..%2f..%2f..%2fetc/passwd' });
    expect(response.body).not.toContain('root:');
  });

  it.each(['/assets/missing.js', '/api/unknown'])('answers %s with a JSON 404', async (url) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('answers 404 when the client is not built', async () => {
    const response = await withoutClient.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('answers SERVICE_UNAVAILABLE when the database is down', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/auth/password', payload: { email: 'a@b.c', password: 'x' } });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('SERVICE_UNAVAILABLE');
    expect(response.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});
