import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRegistry, registrationBody, startAdminTestPlatform, type AdminTestPlatform } from '../test-support/admin-test-platform.js';
import { hashDeploymentToken } from './register-tenant.js';

interface ErrorReply {
  error: { code: string; fields?: { field: string; code: string }[] };
}

describe('POST /v1/registrations', () => {
  let platform: AdminTestPlatform;

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
  });

  afterAll(async () => {
    await platform.cleanup([]);
  });

  const register = (body: unknown) => platform.client('registration').request<ErrorReply>('POST', '/v1/registrations', body);

  it('valid registration returns a token', async () => {
    const response = await platform
      .client('registration')
      .request<{ tenantName: string; deploymentToken: string; expiresAt: string }>('POST', '/v1/registrations', registrationBody('reg-created'));

    expect(response.status).toBe(201);
    expect(response.body.tenantName).toBe('reg-created');
    expect(Buffer.from(response.body.deploymentToken, 'base64url').length).toBe(32);
    const ttl = new Date(response.body.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(23 * 60 * 60 * 1000);
    expect(ttl).toBeLessThanOrEqual(24 * 60 * 60 * 1000);

    const registry = await connectRegistry(platform);
    const tenant = await registry.query('SELECT state, organisation, locale FROM tenants WHERE name = $1', ['reg-created']);
    expect(tenant.rows[0]).toEqual({ state: 'registered', organisation: 'Testbolaget AB', locale: 'sv' });
    const tokens = await registry.query('SELECT token_hash FROM deployment_tokens WHERE tenant = $1', ['reg-created']);
    expect(tokens.rows).toEqual([{ token_hash: hashDeploymentToken(response.body.deploymentToken) }]);
    const history = await registry.query('SELECT from_state, to_state, actor FROM tenant_state_changes WHERE tenant = $1', ['reg-created']);
    expect(history.rows).toEqual([{ from_state: null, to_state: 'registered', actor: 'registration' }]);
    await registry.end();
  });

  it('malformed name is invalid', async () => {
    for (const tenantName of ['ab', 'Upper-case', '-leading', 'trailing-', 'under_score', 'xn--punycode', 'a'.repeat(41), 42]) {
      const response = await register(registrationBody('x', { tenantName }));
      expect(response.status, String(tenantName)).toBe(422);
      expect(response.body.error.code).toBe('REGISTRATION_INVALID');
      expect(response.body.error.fields).toEqual([{ field: 'tenantName', code: 'TENANT_NAME_INVALID', message: expect.any(String) }]);
    }
  });

  it('reserved name is rejected', async () => {
    const response = await register(registrationBody('admin'));
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toMatchObject([{ field: 'tenantName', code: 'TENANT_NAME_RESERVED' }]);
  });

  it('taken name is rejected', async () => {
    expect((await register(registrationBody('reg-taken'))).status).toBe(201);
    const response = await register(registrationBody('reg-taken', { organisation: 'Another AB' }));
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toMatchObject([{ field: 'tenantName', code: 'TENANT_NAME_TAKEN' }]);
  });

  it('all field problems at once', async () => {
    const response = await register({ organisation: '  ', tenantName: 'reg-taken', contactEmail: 'no-at-sign', contactMobile: '12' });
    expect(response.status).toBe(422);
    expect(response.body.error.fields?.map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'organisation', code: 'ORGANISATION_REQUIRED' },
      { field: 'contactEmail', code: 'CONTACT_EMAIL_INVALID' },
      { field: 'contactMobile', code: 'CONTACT_MOBILE_INVALID' },
      { field: 'tenantName', code: 'TENANT_NAME_TAKEN' },
    ]);
  });

  it('empty body lists every field', async () => {
    const response = await register({});
    expect(response.status).toBe(422);
    expect(response.body.error.fields?.map((problem) => problem.field)).toEqual(['organisation', 'tenantName', 'contactEmail', 'contactMobile']);
  });

  it('unsupported locale returns 400', async () => {
    const response = await register(registrationBody('reg-locale', { locale: 'de' }));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('REQUEST_INVALID');
  });

  it('other caller gets 403', async () => {
    const response = await platform.client('gateway').request<ErrorReply>('POST', '/v1/registrations', registrationBody('reg-gateway'));
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('ADMIN_CALLER_FORBIDDEN');
  });
});
