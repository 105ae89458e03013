import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';

describe('/api/me', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTestTenant('me');
  });

  afterAll(async () => tenant.close());

  function patchMe(token: string, payload: Record<string, unknown>) {
    return tenant.app.inject({ method: 'PATCH', url: '/api/me', headers: bearer(token), payload });
  }

  async function changeAudits(id: string) {
    const result = await tenant.admin.query<{ actor_id: string; before: unknown; after: unknown }>(
      "SELECT actor_id, before, after FROM esm.audit_entries WHERE action = 'user.changed' AND entity_id = $1 ORDER BY id",
      [id],
    );
    return result.rows;
  }

  it('returns the own account', async () => {
    const user = await createUserWithToken(tenant, 'read');
    await tenant.admin.query("INSERT INTO esm.recovery_codes (user_id, hash) VALUES ($1, '\\x01'), ($1, '\\x02')", [user.id]);

    const response = await tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(user.token) });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: user.id,
      email: user.email,
      mobile: null,
      accessLevel: 'read',
      locale: 'en',
      factors: ['totp', 'email', 'recovery'],
      preferredFactor: null,
      recoveryCodesLeft: 2,
    });
  });

  it('lets a read user change settings', async () => {
    const user = await createUserWithToken(tenant, 'read');

    const response = await patchMe(user.token, { mobile: ' +46 70 123 45 67 ', locale: 'sv', preferredFactor: 'sms' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ mobile: '+46 70 123 45 67', locale: 'sv', preferredFactor: 'sms', factors: ['sms', 'totp', 'email'] });
    const stored = await tenant.admin.query('SELECT mobile, locale, preferred_factor FROM esm.users WHERE id = $1', [user.id]);
    expect(stored.rows[0]).toEqual({ mobile: '+46 70 123 45 67', locale: 'sv', preferred_factor: 'sms' });
    expect(await changeAudits(user.id)).toEqual([
      {
        actor_id: user.id,
        before: { locale: 'en', preferredFactor: null },
        after: { locale: 'sv', preferredFactor: 'sms', mobileChanged: true },
      },
    ]);
    expect(JSON.stringify(await changeAudits(user.id))).not.toContain('123 45 67');
  });

  it('removes the mobile number with null', async () => {
    const user = await createUserWithToken(tenant, 'write');
    await patchMe(user.token, { mobile: '070-123 45 67' });
    const response = await patchMe(user.token, { mobile: null });
    expect(response.statusCode).toBe(200);
    expect(response.json().mobile).toBeNull();
    expect(response.json().factors).toEqual(['totp', 'email']);
  });

  it('audits nothing without a change', async () => {
    const user = await createUserWithToken(tenant, 'write');
    const response = await patchMe(user.token, { locale: 'en' });
    expect(response.statusCode).toBe(200);
    expect(await changeAudits(user.id)).toEqual([]);
  });

  it.each([
    ['letters', '070-ABC 45 67'],
    ['six digits', '123 456'],
    ['21 digits', '+46 70 123 45 67 89 01 23 45 67'],
    ['a leading hyphen', '-070 123 45 67'],
    ['an empty string', ''],
  ])('rejects a mobile number with %s with USER_MOBILE_INVALID', async (_case, mobile) => {
    const user = await createUserWithToken(tenant, 'write');
    const response = await patchMe(user.token, { mobile, locale: 'sv' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('USER_MOBILE_INVALID');
    const stored = await tenant.admin.query('SELECT mobile, locale FROM esm.users WHERE id = $1', [user.id]);
    expect(stored.rows[0]).toEqual({ mobile: null, locale: 'en' });
  });

  it('rejects SMS without a mobile number', async () => {
    const user = await createUserWithToken(tenant, 'write');
    const response = await patchMe(user.token, { preferredFactor: 'sms' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('SECOND_FACTOR_UNAVAILABLE');
    expect(await changeAudits(user.id)).toEqual([]);
  });

  it.each([
    ['an unknown locale', { locale: 'de' }],
    ['recovery as preferred factor', { preferredFactor: 'recovery' }],
  ])('rejects %s with REQUEST_INVALID', async (_case, payload) => {
    const user = await createUserWithToken(tenant, 'read');
    const response = await patchMe(user.token, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
  });

  // The schema validator drops fields it does not know, so these arrive as an empty change.
  it.each([
    ['the own access level', { accessLevel: 'admin' }],
    ['the own e-mail address', { email: 'other@example.test' }],
    ['the own status', { status: 'active' }],
  ])('ignores a change of %s', async (_case, payload) => {
    const user = await createUserWithToken(tenant, 'read');
    const response = await patchMe(user.token, payload);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ accessLevel: 'read', email: user.email });
    const stored = await tenant.admin.query('SELECT access_level, email FROM esm.users WHERE id = $1', [user.id]);
    expect(stored.rows[0]).toEqual({ access_level: 'read', email: user.email });
    expect(await changeAudits(user.id)).toEqual([]);
  });

  it('requires a token', async () => {
    const response = await tenant.app.inject({ method: 'PATCH', url: '/api/me', payload: { locale: 'sv' } });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('AUTH_REQUIRED');
  });
});
