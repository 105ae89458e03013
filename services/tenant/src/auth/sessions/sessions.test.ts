import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';
import { hashOneTimeToken } from '../one-time-token.js';
import { REFRESH_COOKIE } from './refresh-cookie.js';
import { createSessionStarter, type SessionStarter } from '../../test-support/session-starter.js';

describe('sessions', () => {
  let tenant: TestTenant;
  let starter: SessionStarter;

  beforeAll(async () => {
    tenant = await createTestTenant('sessions');
    starter = await createSessionStarter(tenant);
  });

  afterAll(async () => {
    await starter.close();
    await tenant.close();
  });

  async function signedInUser(accessLevel: 'read' | 'write' | 'admin' = 'write') {
    const user = await createUserWithToken(tenant, accessLevel);
    return { ...user, session: await starter.start({ ...user, accessLevel }) };
  }

  function refresh(token: string | undefined, headers: Record<string, string> = { origin: tenant.secret.origin }) {
    return tenant.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers,
      cookies: token === undefined ? {} : { [REFRESH_COOKIE]: token },
    });
  }

  function getMe(token: string) {
    return tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
  }

  async function sessionRow(id: string) {
    const result = await tenant.admin.query<{ revoked_at: Date | null; revoked_reason: string | null; user_agent: string | null }>(
      'SELECT revoked_at, revoked_reason, user_agent FROM esm.sessions WHERE id = $1',
      [id],
    );
    return result.rows[0]!;
  }

  async function revocationAudits(sessionId: string) {
    const result = await tenant.admin.query<{ after: { reason: string } }>(
      "SELECT after FROM esm.audit_entries WHERE action = 'session.revoked' AND entity_type = 'session' AND entity_id = $1",
      [sessionId],
    );
    return result.rows.map((row) => row.after.reason);
  }

  function expectError(response: { statusCode: number; json: () => { error: { code: string } } }, status: number, code: string) {
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
  }

  describe('startSession', () => {
    it('sets a host-only secure refresh cookie', async () => {
      const { session } = await signedInUser();
      expect(session.setCookie).toMatch(/^__Host-esm-refresh=[A-Za-z0-9_-]{43};/);
      expect(session.setCookie).toContain('HttpOnly');
      expect(session.setCookie).toContain('Secure');
      expect(session.setCookie).toContain('SameSite=Strict');
      expect(session.setCookie).toContain('Path=/');
      expect(session.setCookie).not.toMatch(/Domain=/i);
    });

    it('stores only the refresh token hash', async () => {
      const { id, session } = await signedInUser();
      const row = await sessionRow(session.sessionId);
      expect(row.revoked_at).toBeNull();
      expect(row.user_agent).toBe('session-test/1.0');
      const tokens = await tenant.admin.query<{ hash: Buffer; expires_at: Date }>(
        'SELECT hash, expires_at FROM esm.refresh_tokens WHERE session_id = $1',
        [session.sessionId],
      );
      expect(tokens.rows).toHaveLength(1);
      expect(tokens.rows[0]!.hash.equals(hashOneTimeToken(session.refreshToken))).toBe(true);
      const hoursLeft = (tokens.rows[0]!.expires_at.getTime() - Date.now()) / 3_600_000;
      expect(hoursLeft).toBeGreaterThan(11.9);
      expect(hoursLeft).toBeLessThanOrEqual(12);
      const claims = decodeJwt(session.accessToken);
      expect(claims.sid).toBe(session.sessionId);
      expect(claims.sub).toBe(id);
    });

    it('issues an access token the API accepts', async () => {
      const { id, session } = await signedInUser();
      const response = await getMe(session.accessToken);
      expect(response.statusCode).toBe(200);
      expect(response.json().id).toBe(id);
    });
  });

  describe('POST /api/auth/refresh', () => {
    it('rotates the refresh token', async () => {
      const { id, session } = await signedInUser();
      const response = await refresh(session.refreshToken);

      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.user).toMatchObject({ id, accessLevel: 'write' });
      expect(decodeJwt(body.accessToken).sid).toBe(session.sessionId);
      const next = response.cookies.find((entry) => entry.name === REFRESH_COOKIE)!;
      expect(next.value).not.toBe(session.refreshToken);
      expect(next.httpOnly).toBe(true);
      expect(next.secure).toBe(true);
      expect(next.sameSite).toBe('Strict');

      const used = await tenant.admin.query<{ used_at: Date | null }>('SELECT used_at FROM esm.refresh_tokens WHERE hash = $1', [
        hashOneTimeToken(session.refreshToken),
      ]);
      expect(used.rows[0]!.used_at).not.toBeNull();
      expect((await getMe(body.accessToken)).statusCode).toBe(200);
      expect((await refresh(next.value)).statusCode).toBe(200);
    });

    it('returns the access level stored now', async () => {
      const { id, session } = await signedInUser('write');
      await tenant.admin.query("UPDATE esm.users SET access_level = 'read' WHERE id = $1", [id]);
      const response = await refresh(session.refreshToken);
      expect(response.statusCode).toBe(200);
      expect(response.json().user.accessLevel).toBe('read');
      expect(decodeJwt(response.json().accessToken).lvl).toBe('read');
    });

    it('revokes the session on token reuse', async () => {
      const { session } = await signedInUser();
      const first = await refresh(session.refreshToken);
      const newer = first.cookies.find((entry) => entry.name === REFRESH_COOKIE)!.value;
      const newerAccessToken = first.json().accessToken as string;

      const replay = await refresh(session.refreshToken);

      expectError(replay, 401, 'SESSION_REVOKED');
      expect(await sessionRow(session.sessionId)).toMatchObject({ revoked_reason: 'reuse' });
      expect(await revocationAudits(session.sessionId)).toEqual(['reuse']);
      // Every token of the session stops working at once: both access tokens and the newer refresh token.
      expectError(await getMe(session.accessToken), 401, 'AUTH_TOKEN_INVALID');
      expectError(await getMe(newerAccessToken), 401, 'AUTH_TOKEN_INVALID');
      expectError(await refresh(newer), 401, 'SESSION_REVOKED');
      expect(await revocationAudits(session.sessionId)).toHaveLength(1);
    });

    it('clears the cookie on rejection', async () => {
      const { session } = await signedInUser();
      await refresh(session.refreshToken);
      const replay = await refresh(session.refreshToken);
      const cleared = replay.cookies.find((entry) => entry.name === REFRESH_COOKIE);
      expect(cleared?.value).toBe('');
    });

    it.each([
      ['a foreign Origin', { origin: 'https://attacker.example' }],
      ['an Origin of another tenant', { origin: 'https://other.esm.test' }],
      ['no Origin', {}],
    ])('rejects %s with ORIGIN_REJECTED and leaves the token unused', async (_case, headers) => {
      const { session } = await signedInUser();
      expectError(await refresh(session.refreshToken, headers), 403, 'ORIGIN_REJECTED');
      expect((await refresh(session.refreshToken)).statusCode).toBe(200);
    });

    it('requires the cookie', async () => {
      expectError(await refresh(undefined), 401, 'AUTH_REQUIRED');
    });

    it('rejects an unknown token', async () => {
      expectError(await refresh('not-a-token-this-tenant-issued'), 401, 'AUTH_TOKEN_INVALID');
    });

    it('expires a token idle 12 hours', async () => {
      const { session } = await signedInUser();
      await tenant.admin.query("UPDATE esm.refresh_tokens SET expires_at = now() - interval '1 second' WHERE hash = $1", [
        hashOneTimeToken(session.refreshToken),
      ]);
      expectError(await refresh(session.refreshToken), 401, 'SESSION_EXPIRED');
    });

    it('expires a session after 7 days', async () => {
      const { session } = await signedInUser();
      await tenant.admin.query("UPDATE esm.sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [session.sessionId]);
      expectError(await refresh(session.refreshToken), 401, 'SESSION_EXPIRED');
      expectError(await getMe(session.accessToken), 401, 'AUTH_TOKEN_INVALID');
    });

    it('rejects a deactivated user', async () => {
      const { id, session } = await signedInUser();
      await tenant.admin.query("UPDATE esm.users SET status = 'deactivated' WHERE id = $1", [id]);
      expectError(await refresh(session.refreshToken), 401, 'AUTH_TOKEN_INVALID');
    });
  });

  describe('POST /api/auth/sign-out', () => {
    it('revokes the bearer token session', async () => {
      const { session } = await signedInUser();
      const response = await tenant.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: bearer(session.accessToken) });

      expect(response.statusCode).toBe(204);
      expect(response.cookies.find((entry) => entry.name === REFRESH_COOKIE)?.value).toBe('');
      expect(await sessionRow(session.sessionId)).toMatchObject({ revoked_reason: 'sign-out' });
      expect(await revocationAudits(session.sessionId)).toEqual(['sign-out']);
      expectError(await getMe(session.accessToken), 401, 'AUTH_TOKEN_INVALID');
      expectError(await refresh(session.refreshToken), 401, 'SESSION_REVOKED');
    });

    it('revokes the session of the refresh cookie', async () => {
      const { session } = await signedInUser();
      const response = await tenant.app.inject({
        method: 'POST',
        url: '/api/auth/sign-out',
        headers: { origin: tenant.secret.origin },
        cookies: { [REFRESH_COOKIE]: session.refreshToken },
      });
      expect(response.statusCode).toBe(204);
      expectError(await getMe(session.accessToken), 401, 'AUTH_TOKEN_INVALID');
    });

    it('rejects a foreign Origin', async () => {
      const { session } = await signedInUser();
      const response = await tenant.app.inject({
        method: 'POST',
        url: '/api/auth/sign-out',
        headers: { origin: 'https://attacker.example' },
        cookies: { [REFRESH_COOKIE]: session.refreshToken },
      });
      expectError(response, 403, 'ORIGIN_REJECTED');
      expect((await sessionRow(session.sessionId)).revoked_at).toBeNull();
    });

    it('answers 204 without a session', async () => {
      const response = await tenant.app.inject({ method: 'POST', url: '/api/auth/sign-out' });
      expect(response.statusCode).toBe(204);
    });

    it('keeps other sessions of the user', async () => {
      const user = await signedInUser();
      const other = await starter.start({ ...user, accessLevel: 'write' });
      await tenant.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: bearer(user.session.accessToken) });
      expect((await getMe(other.accessToken)).statusCode).toBe(200);
    });
  });

  describe('POST /api/auth/sign-out-everywhere', () => {
    it("revokes only the user's sessions", async () => {
      const user = await signedInUser('read');
      const second = await starter.start({ ...user, accessLevel: 'read' });
      const bystander = await signedInUser();

      const response = await tenant.app.inject({
        method: 'POST',
        url: '/api/auth/sign-out-everywhere',
        headers: bearer(user.session.accessToken),
      });

      expect(response.statusCode).toBe(204);
      expectError(await getMe(user.session.accessToken), 401, 'AUTH_TOKEN_INVALID');
      expectError(await getMe(second.accessToken), 401, 'AUTH_TOKEN_INVALID');
      // The fixture's own session of the user, started without a refresh token, ends too.
      expectError(await getMe(user.token), 401, 'AUTH_TOKEN_INVALID');
      expectError(await refresh(second.refreshToken), 401, 'SESSION_REVOKED');
      expect(await revocationAudits(second.sessionId)).toEqual(['sign-out-everywhere']);
      expect((await getMe(bystander.session.accessToken)).statusCode).toBe(200);
    });

    it('requires a token', async () => {
      const response = await tenant.app.inject({ method: 'POST', url: '/api/auth/sign-out-everywhere' });
      expectError(response, 401, 'AUTH_REQUIRED');
    });
  });
});
