import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, type TestTenant } from '../../test-support/tenant-fixture.js';
import { auditEntries, createSignInUser, freshClientAddress, postFrom, startSignIn, totpCodeAt, type SignInUser } from '../../test-support/sign-in.js';

describe('own second factors', () => {
  let tenant: TestTenant;
  let user: SignInUser;
  let accessToken: string;

  beforeAll(async () => {
    tenant = await createTestTenant('factors');
    user = await createSignInUser(tenant);
    const signedIn = await postFrom(
      tenant,
      '/api/auth/second-factor',
      { challenge: await startSignIn(tenant, user), factor: 'totp', code: totpCodeAt(user.totpSecret) },
      freshClientAddress(),
    );
    accessToken = signedIn.json().accessToken;
  });

  afterAll(async () => tenant.close());

  function post(url: string, payload?: object) {
    return tenant.app.inject({ method: 'POST', url, headers: bearer(accessToken), ...(payload ? { payload } : {}) });
  }

  function signInWith(factor: string, code: string, challenge: string) {
    return postFrom(tenant, '/api/auth/second-factor', { challenge, factor, code }, freshClientAddress());
  }

  describe('POST /api/me/recovery-codes', () => {
    it('replaces the set, so old codes stop working', async () => {
      const first = await post('/api/me/recovery-codes');
      expect(first.statusCode).toBe(200);
      const oldCodes: string[] = first.json().recoveryCodes;
      expect(new Set(oldCodes).size).toBe(10);

      const second = await post('/api/me/recovery-codes');
      const newCodes: string[] = second.json().recoveryCodes;
      expect(newCodes.filter((code) => oldCodes.includes(code))).toEqual([]);

      const old = await signInWith('recovery', oldCodes[0]!, await startSignIn(tenant, user));
      expect(old.statusCode).toBe(401);
      const current = await signInWith('recovery', newCodes[0]!, await startSignIn(tenant, user));
      expect(current.statusCode).toBe(200);
      const stored = await tenant.admin.query<{ hash: Buffer }>('SELECT hash FROM esm.recovery_codes WHERE user_id = $1', [user.id]);
      expect(stored.rowCount).toBe(10);
      expect(stored.rows.map((row) => row.hash.toString('utf8')).join()).not.toContain(newCodes[1]!);
      const entries = (await auditEntries(tenant, 'auth.recovery-codes-generated')).filter((entry) => entry.actor_id === user.id);
      expect(entries.map((entry) => entry.after)).toEqual([{ count: 10 }, { count: 10 }]);
      expect(JSON.stringify(entries)).not.toContain(newCodes[0]!);
    });

    it('requires a signed-in user', async () => {
      const response = await tenant.app.inject({ method: 'POST', url: '/api/me/recovery-codes' });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('AUTH_REQUIRED');
    });
  });

  describe('POST /api/me/totp', () => {
    it('replaces the authenticator once a code from the new one is confirmed', async () => {
      const started = await post('/api/me/totp');
      expect(started.statusCode).toBe(200);
      const newSecret: string = started.json().totpSecret;

      const wrong = await post('/api/me/totp/confirm', { code: totpCodeAt(user.totpSecret, 1) });
      expect(wrong.statusCode).toBe(422);
      expect(wrong.json().error.code).toBe('TOTP_CODE_INVALID');

      const confirmed = await post('/api/me/totp/confirm', { code: totpCodeAt(newSecret) });
      expect(confirmed.statusCode).toBe(204);

      const oldApp = await signInWith('totp', totpCodeAt(user.totpSecret, 1), await startSignIn(tenant, user));
      expect(oldApp.statusCode).toBe(401);
      const newApp = await signInWith('totp', totpCodeAt(newSecret, 1), await startSignIn(tenant, user));
      expect(newApp.statusCode).toBe(200);
      const entries = (await auditEntries(tenant, 'auth.factor-changed')).filter((entry) => entry.actor_id === user.id);
      expect(entries.map((entry) => entry.after)).toEqual([{ factor: 'totp', reason: 'replaced' }]);
      expect(JSON.stringify(entries)).not.toContain(newSecret);
    });

    it('rejects a confirmation before a new secret was requested', async () => {
      const response = await post('/api/me/totp/confirm', { code: '123456' });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('TOTP_ENROLMENT_NOT_STARTED');
    });
  });
});
