import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminClient } from '@esm/common';
import { startAdminTestPlatform, type AdminTestPlatform } from '../test-support/admin-test-platform.js';

interface ErrorReply {
  error: { code: string };
}

describe('caller authentication', () => {
  let platform: AdminTestPlatform;
  let baseUrl: string;

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    baseUrl = `http://127.0.0.1:${platform.admin.port}`;
  });

  afterAll(async () => {
    await platform.cleanup([]);
  });

  it('missing credential gets 401', async () => {
    const response = await fetch(`${baseUrl}/v1/tenants`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorReply).error.code).toBe('ADMIN_CREDENTIAL_INVALID');
  });

  it('unknown credential gets 401', async () => {
    const response = await createAdminClient(baseUrl, 'not-a-credential').request<ErrorReply>('GET', '/v1/tenants');
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('ADMIN_CREDENTIAL_INVALID');
  });

  it('credential without Bearer gets 401', async () => {
    const response = await fetch(`${baseUrl}/v1/tenants`, { headers: { authorization: platform.credentials.cli } });
    expect(response.status).toBe(401);
  });

  it('wrong caller gets 403', async () => {
    const cases: [Parameters<typeof platform.client>[0], string, string][] = [
      ['registration', 'GET', '/v1/tenants'],
      ['cli', 'GET', '/v1/routes/some-tenant'],
      ['gateway', 'POST', '/v1/tenants/some-tenant/wake'],
      ['default-backend', 'POST', '/v1/deployments'],
      ['gateway', 'POST', '/v1/tenants/some-tenant/stop'],
    ];
    for (const [caller, method, path] of cases) {
      const response = await platform.client(caller).request<ErrorReply>(method, path, method === 'POST' ? {} : undefined);
      expect(response.status, `${caller} ${method} ${path}`).toBe(403);
      expect(response.body.error.code).toBe('ADMIN_CALLER_FORBIDDEN');
    }
  });

  it('callers reach their own routes', async () => {
    expect((await platform.client('cli').request('GET', '/v1/tenants')).status).toBe(200);
    expect((await platform.client('gateway').request('GET', '/v1/routes/no-such-tenant')).status).toBe(404);
    expect((await platform.client('default-backend').request('GET', '/v1/tenants/no-such-tenant/state')).status).toBe(404);
  });

  it('unknown API path needs credential', async () => {
    expect((await fetch(`${baseUrl}/v1/unknown`)).status).toBe(401);
    expect((await platform.client('cli').request('GET', '/v1/unknown')).status).toBe(404);
  });

  it('health check needs no credential', async () => {
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });
});
