import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, type TestTenant } from '../../test-support/tenant-fixture.js';
import { auditEntries, createSignInUser, freshClientAddress, postFrom, postPassword, startSignIn, totpCodeAt, type SignInUser } from '../../test-support/sign-in.js';

describe('own second factors', () => {
  let tenant: TestTenant;
  let user: SignInUser;
  let accessToken: string;

  async function signIn(who: SignInUser): Promise<string> {
    const signedIn = await postFrom(
      tenant,
      '/api/auth/second-factor',
      { challenge: await startSignIn(tenant, who), factor: 'totp', code: totpCodeAt(who.totpSecret) },
      freshClientAddress(),
    );
    return signedIn.json().accessToken;
  }

  beforeAll(async () => {
    tenant = await createTestTenant('factors');
    user = await createSignInUser(tenant);
    accessToken = await signIn(user);
  });

  afterAll(async () => tenant.close());

  function post(url: string, payload?: object, token = accessToken) {
    return tenant.app.inject({ method: 'POST', url, headers: bearer(token), ...(payload ? { payload } : {}) });
  }

  function signInWith(factor: string, code: string, challenge: string) {
    return postFrom(tenant, '/api/auth/second-factor', { challenge, factor, code }, freshClientAddress());
  }

  describe('POST /api/me/recovery-codes', () => {
    it('replaces the set, so old codes stop working', async () => {
      const first = await post('/api/me/recovery-codes', { password: user.password });
      expect(first.statusCode).toBe(200);
      const oldCodes: string[] = first.json().recoveryCodes;
      expect(new Set(oldCodes).size).toBe(10);

      const second = await post('/api/me/recovery-codes', { password: user.password });
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
      const started = await post('/api/me/totp', { password: user.password });
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

  describe('re-authentication with the current password', () => {
    async function failuresOf(email: string): Promise<number> {
      const result = await tenant.admin.query<{ failures: number }>('SELECT failures FROM esm.sign_in_failures WHERE email = $1', [email]);
      return result.rows[0]?.failures ?? 0;
    }

    it('rejects both routes without a password', async () => {
      for (const url of ['/api/me/totp', '/api/me/recovery-codes']) {
        const response = await post(url);
        expect(response.statusCode, url).toBe(400);
        expect(response.json().error.code, url).toBe('REQUEST_INVALID');
      }
    });

    it('rejects a wrong password with 401 and changes nothing', async () => {
      const victim = await createSignInUser(tenant);
      const token = await signIn(victim);
      const codesBefore = await tenant.admin.query('SELECT hash FROM esm.recovery_codes WHERE user_id = $1', [victim.id]);

      const totp = await post('/api/me/totp', { password: 'a stolen token alone' }, token);
      expect(totp.statusCode).toBe(401);
      expect(totp.json().error.code).toBe('REAUTHENTICATION_FAILED');
      const codes = await post('/api/me/recovery-codes', { password: 'a stolen token alone' }, token);
      expect(codes.statusCode).toBe(401);
      expect(codes.json().error.code).toBe('REAUTHENTICATION_FAILED');

      const stored = await tenant.admin.query<{ totp_pending_secret: string | null }>('SELECT totp_pending_secret FROM esm.users WHERE id = $1', [victim.id]);
      expect(stored.rows[0]!.totp_pending_secret).toBeNull();
      const codesAfter = await tenant.admin.query('SELECT hash FROM esm.recovery_codes WHERE user_id = $1', [victim.id]);
      expect(codesAfter.rows).toEqual(codesBefore.rows);
      const entries = (await auditEntries(tenant, 'auth.reauthentication-failed')).filter((entry) => entry.actor_id === victim.id);
      expect(entries.map((entry) => entry.after)).toEqual([{ reason: 'password' }, { reason: 'password' }]);
      expect(entries.map((entry) => entry.actor_email)).toEqual([victim.email, victim.email]);
      expect(await failuresOf(victim.email)).toBe(2);
      // A wrong password is no sign of an ended session, so the token keeps working.
      const me = await tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
      expect(me.statusCode).toBe(200);
    });

    it('takes the count back after a right password', async () => {
      const owner = await createSignInUser(tenant);
      const token = await signIn(owner);
      expect((await post('/api/me/recovery-codes', { password: 'wrong password here' }, token)).statusCode).toBe(401);
      const right = await post('/api/me/recovery-codes', { password: owner.password }, token);
      expect(right.statusCode).toBe(200);
      expect(await failuresOf(owner.email)).toBe(1);
    });

    it('throttles and locks the address like sign-in', async () => {
      const victim = await createSignInUser(tenant);
      const token = await signIn(victim);
      for (let failure = 1; failure <= 5; failure++) {
        const response = await post('/api/me/recovery-codes', { password: `guess ${failure}` }, token);
        expect(response.statusCode, `failure ${failure}`).toBe(401);
      }
      expect(await failuresOf(victim.email)).toBe(5);
      // Eight failures make the wait 8 seconds, so a slow machine cannot let the next request through as
      // the 1-second wait after five might.
      await tenant.admin.query('UPDATE esm.sign_in_failures SET failures = 8, last_attempt_at = now() WHERE email = $1', [victim.email]);
      const throttled = await post('/api/me/recovery-codes', { password: victim.password }, token);
      expect(throttled.statusCode).toBe(429);
      expect(throttled.json().error.code).toBe('SIGN_IN_THROTTLED');
      const refusals = (await auditEntries(tenant, 'auth.reauthentication-failed')).filter((entry) => entry.actor_id === victim.id);
      expect(refusals.at(-1)?.after).toEqual({ reason: 'throttled' });

      // Nine failures in a row, the next one locks: set the count instead of waiting out the throttle.
      await tenant.admin.query("UPDATE esm.sign_in_failures SET failures = 9, last_attempt_at = now() - interval '1 hour' WHERE email = $1", [victim.email]);
      const locking = await post('/api/me/totp', { password: 'guess 10' }, token);
      expect(locking.statusCode).toBe(401);
      const locked = await post('/api/me/totp', { password: victim.password }, token);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('SIGN_IN_LOCKED');
      const signInAttempt = await postPassword(tenant, victim.email, victim.password, freshClientAddress());
      expect(signInAttempt.statusCode).toBe(429);
      expect((await auditEntries(tenant, 'auth.locked')).filter((entry) => entry.actor_id === victim.id)).toHaveLength(1);
    });
  });
});
