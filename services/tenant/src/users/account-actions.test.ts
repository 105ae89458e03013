import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';

describe('user account actions', () => {
  let tenant: TestTenant;
  let admin: { id: string; email: string; token: string };

  beforeAll(async () => {
    tenant = await createTestTenant('user-actions');
    admin = await createUserWithToken(tenant, 'admin');
  });

  afterAll(async () => tenant.close());

  function post(url: string, token = admin.token) {
    return tenant.app.inject({ method: 'POST', url, headers: bearer(token) });
  }

  function getMe(token: string) {
    return tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
  }

  async function audits(action: string, entityId: string) {
    const result = await tenant.admin.query<{ actor_id: string; after: Record<string, unknown> | null }>(
      'SELECT actor_id, after FROM esm.audit_entries WHERE action = $1 AND entity_id = $2',
      [action, entityId],
    );
    return result.rows;
  }

  describe('POST /api/users/:id/reset-factor', () => {
    it('clears factors and revokes sessions', async () => {
      const user = await createUserWithToken(tenant, 'write');
      await tenant.admin.query("UPDATE esm.users SET totp_secret = 'JBSWY3DPEHPK3PXP', preferred_factor = 'totp' WHERE id = $1", [user.id]);
      await tenant.admin.query("INSERT INTO esm.recovery_codes (user_id, hash) VALUES ($1, '\\x01'), ($1, '\\x02')", [user.id]);

      const response = await post(`/api/users/${user.id}/reset-factor`);

      expect(response.statusCode).toBe(204);
      const stored = await tenant.admin.query('SELECT totp_secret, totp_enabled, preferred_factor FROM esm.users WHERE id = $1', [user.id]);
      expect(stored.rows[0]).toEqual({ totp_secret: null, totp_enabled: false, preferred_factor: null });
      const codes = await tenant.admin.query('SELECT count(*)::int AS count FROM esm.recovery_codes WHERE user_id = $1', [user.id]);
      expect(codes.rows[0].count).toBe(0);
      expect((await getMe(user.token)).statusCode).toBe(401);
      expect(await audits('user.factor-reset', user.id)).toEqual([{ actor_id: admin.id, after: null }]);
      expect(await audits('session.revoked', user.sessionId)).toEqual([
        { actor_id: admin.id, after: { userId: user.id, email: user.email, reason: 'factor-reset' } },
      ]);
    });

    it('rejects an unknown user with USER_NOT_FOUND', async () => {
      const response = await post(`/api/users/${randomUUID()}/reset-factor`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('USER_NOT_FOUND');
    });
  });

  describe('POST /api/users/:id/revoke-sessions', () => {
    it("revokes the user's sessions", async () => {
      const user = await createUserWithToken(tenant, 'read');
      const response = await post(`/api/users/${user.id}/revoke-sessions`);

      expect(response.statusCode).toBe(204);
      const me = await getMe(user.token);
      expect(me.statusCode).toBe(401);
      expect(me.json().error.code).toBe('AUTH_TOKEN_INVALID');
      expect(await audits('session.revoked', user.sessionId)).toEqual([
        { actor_id: admin.id, after: { userId: user.id, email: user.email, reason: 'administrator' } },
      ]);
      // The user may still sign in again.
      const status = await tenant.admin.query('SELECT status FROM esm.users WHERE id = $1', [user.id]);
      expect(status.rows[0].status).toBe('active');
    });

    it('rejects an unknown user with USER_NOT_FOUND', async () => {
      const response = await post(`/api/users/${randomUUID()}/revoke-sessions`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('USER_NOT_FOUND');
    });
  });

  describe('POST /api/users/:id/unlock', () => {
    it('ends the sign-in lock', async () => {
      const user = await createUserWithToken(tenant, 'write');
      await tenant.admin.query(
        "INSERT INTO esm.sign_in_failures (email, failures, locked_until) VALUES ($1, 10, now() + interval '30 minutes')",
        [user.email],
      );
      const before = await tenant.app.inject({ method: 'GET', url: '/api/users', headers: bearer(admin.token) });
      const listed = before.json().users.find((entry: { id: string }) => entry.id === user.id);
      expect(listed.lockedUntil).toEqual(expect.any(String));

      const response = await post(`/api/users/${user.id}/unlock`);

      expect(response.statusCode).toBe(204);
      const failures = await tenant.admin.query('SELECT count(*)::int AS count FROM esm.sign_in_failures WHERE email = $1', [user.email]);
      expect(failures.rows[0].count).toBe(0);
      expect(await audits('user.unlocked', user.id)).toEqual([{ actor_id: admin.id, after: null }]);
      const after = await tenant.app.inject({ method: 'GET', url: '/api/users', headers: bearer(admin.token) });
      expect(after.json().users.find((entry: { id: string }) => entry.id === user.id).lockedUntil).toBeNull();
    });

    it('rejects an unknown user with USER_NOT_FOUND', async () => {
      const response = await post(`/api/users/${randomUUID()}/unlock`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('USER_NOT_FOUND');
    });
  });

  describe('GET /api/users', () => {
    it('lists users with their factors', async () => {
      const writer = await createUserWithToken(tenant, 'write');
      await tenant.admin.query("UPDATE esm.users SET mobile = '070-123 45 67', locale = 'sv' WHERE id = $1", [writer.id]);

      const response = await tenant.app.inject({ method: 'GET', url: '/api/users', headers: bearer(admin.token) });

      expect(response.statusCode).toBe(200);
      const listed = response.json().users.find((entry: { id: string }) => entry.id === writer.id);
      expect(listed).toEqual({
        id: writer.id,
        email: writer.email,
        mobile: '070-123 45 67',
        accessLevel: 'write',
        status: 'active',
        locale: 'sv',
        factors: ['totp', 'sms', 'email'],
        lockedUntil: null,
        createdAt: expect.any(String),
      });
    });
  });

  describe('access', () => {
    const routes: [string, string, Record<string, unknown> | undefined][] = [
      ['GET', '/api/users', undefined],
      ['POST', '/api/users/invitations', { email: 'x@example.test', accessLevel: 'admin' }],
      ['PATCH', '/api/users/:id', { accessLevel: 'admin' }],
      ['POST', '/api/users/:id/reset-factor', undefined],
      ['POST', '/api/users/:id/revoke-sessions', undefined],
      ['POST', '/api/users/:id/unlock', undefined],
    ];

    it.each(['read', 'write'] as const)('rejects the %s level', async (level) => {
      const caller = await createUserWithToken(tenant, level);
      const auditCount = async () => (await tenant.admin.query('SELECT count(*)::int AS count FROM esm.audit_entries')).rows[0].count;
      const entries = await auditCount();

      for (const [method, url, payload] of routes) {
        const response = await tenant.app.inject({
          method: method as 'GET' | 'POST' | 'PATCH',
          url: url.replace(':id', caller.id),
          headers: bearer(caller.token),
          ...(payload ? { payload } : {}),
        });
        expect(response.statusCode, `${method} ${url}`).toBe(403);
        expect(response.json().error.code, `${method} ${url}`).toBe('ACCESS_DENIED');
      }

      expect(await auditCount()).toBe(entries);
      const stored = await tenant.admin.query('SELECT access_level FROM esm.users WHERE id = $1', [caller.id]);
      expect(stored.rows[0].access_level).toBe(level);
      const invited = await tenant.admin.query("SELECT count(*)::int AS count FROM esm.users WHERE email = 'x@example.test'");
      expect(invited.rows[0].count).toBe(0);
    });
  });
});
