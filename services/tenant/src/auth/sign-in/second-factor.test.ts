import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, type TestTenant } from '../../test-support/tenant-fixture.js';
import {
  auditEntries,
  createSignInUser,
  freshClientAddress,
  postFrom,
  startSignIn,
  totpCodeAt,
  withTenantClient,
  type SignInUser,
} from '../../test-support/sign-in.js';
import { REFRESH_COOKIE } from '../sessions/refresh-cookie.js';
import { replaceRecoveryCodes } from '../factors/recovery-codes.js';

describe('POST /api/auth/second-factor', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTestTenant('second-factor');
  });

  afterAll(async () => tenant.close());

  function secondFactor(challenge: string, factor: string, code: string, address = freshClientAddress()) {
    return postFrom(tenant, '/api/auth/second-factor', { challenge, factor, code }, address);
  }

  async function challengeRow(userId: string) {
    const result = await tenant.admin.query<{ attempts: number; used: boolean }>(
      'SELECT attempts, used_at IS NOT NULL AS used FROM esm.sign_in_challenges WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1',
      [userId],
    );
    return result.rows[0];
  }

  it('signs in with a TOTP code and starts a session', async () => {
    const user = await createSignInUser(tenant, { locale: 'sv' });
    const challenge = await startSignIn(tenant, user);

    const response = await secondFactor(challenge, 'totp', totpCodeAt(user.totpSecret));

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({
      accessToken: expect.any(String),
      expiresAt: expect.any(String),
      user: { id: user.id, email: user.email, accessLevel: 'write', locale: 'sv' },
    });
    expect(response.cookies.find((cookie) => cookie.name === REFRESH_COOKIE)).toBeDefined();
    const me = await tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(body.accessToken) });
    expect(me.statusCode).toBe(200);
    expect(await challengeRow(user.id)).toEqual({ attempts: 1, used: true });
    const signIns = (await auditEntries(tenant, 'auth.sign-in')).filter((entry) => entry.actor_id === user.id);
    expect(signIns).toHaveLength(1);
    expect(signIns[0]!.after).toEqual({ factor: 'totp' });
  });

  it('rejects a TOTP code replayed within its window', async () => {
    const user = await createSignInUser(tenant);
    const code = totpCodeAt(user.totpSecret);
    expect((await secondFactor(await startSignIn(tenant, user), 'totp', code)).statusCode).toBe(200);

    const replay = await secondFactor(await startSignIn(tenant, user), 'totp', code);

    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('SIGN_IN_FAILED');
  });

  it('rejects a code of an earlier step after a later one was used', async () => {
    const user = await createSignInUser(tenant);
    expect((await secondFactor(await startSignIn(tenant, user), 'totp', totpCodeAt(user.totpSecret, 1))).statusCode).toBe(200);
    const earlier = await secondFactor(await startSignIn(tenant, user), 'totp', totpCodeAt(user.totpSecret));
    expect(earlier.statusCode).toBe(401);
    expect(earlier.json().error.code).toBe('SIGN_IN_FAILED');
  });

  it('uses up a challenge after five wrong codes', async () => {
    const user = await createSignInUser(tenant);
    const challenge = await startSignIn(tenant, user);

    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const wrong = await secondFactor(challenge, 'totp', '000000');
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.code).toBe('SIGN_IN_FAILED');
    }
    expect(await challengeRow(user.id)).toEqual({ attempts: 5, used: true });

    const right = await secondFactor(challenge, 'totp', totpCodeAt(user.totpSecret));
    expect(right.statusCode).toBe(401);
    expect(right.json().error.code).toBe('SIGN_IN_FAILED');
    const sessions = await tenant.admin.query('SELECT 1 FROM esm.sessions WHERE user_id = $1', [user.id]);
    expect(sessions.rowCount).toBe(0);
    const failures = (await auditEntries(tenant, 'auth.sign-in-failed')).filter((entry) => entry.actor_id === user.id);
    // The sixth request finds no open challenge, so it counts as nothing.
    expect(failures.map((entry) => entry.after)).toEqual(Array(5).fill({ reason: 'code', factor: 'totp' }));
  });

  it('rejects an expired challenge', async () => {
    const user = await createSignInUser(tenant);
    const challenge = await startSignIn(tenant, user);
    await tenant.admin.query("UPDATE esm.sign_in_challenges SET expires_at = now() - interval '1 second' WHERE user_id = $1", [user.id]);

    const response = await secondFactor(challenge, 'totp', totpCodeAt(user.totpSecret));

    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SIGN_IN_FAILED');
  });

  it('rejects an unknown challenge', async () => {
    const response = await secondFactor('not-a-challenge', 'totp', '123456');
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SIGN_IN_FAILED');
  });

  it('rejects SMS for a user without a mobile number', async () => {
    const user = await createSignInUser(tenant);
    const challenge = await startSignIn(tenant, user);

    const response = await secondFactor(challenge, 'sms', '123456');

    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('SECOND_FACTOR_UNAVAILABLE');
    expect(await challengeRow(user.id)).toEqual({ attempts: 0, used: false });
  });

  describe('with recovery codes', () => {
    let user: SignInUser;
    let recoveryCodes: string[];

    beforeAll(async () => {
      user = await createSignInUser(tenant);
      const signIn = await secondFactor(await startSignIn(tenant, user), 'totp', totpCodeAt(user.totpSecret));
      const generated = await tenant.app.inject({
        method: 'POST',
        url: '/api/me/recovery-codes',
        headers: bearer(signIn.json().accessToken),
        payload: { password: user.password },
      });
      recoveryCodes = generated.json().recoveryCodes;
    });

    it('offers recovery as a factor', async () => {
      const step1 = await postFrom(tenant, '/api/auth/password', { email: user.email, password: user.password }, freshClientAddress());
      expect(step1.json().factors).toEqual(['totp', 'email', 'recovery']);
    });

    it('accepts a recovery code once, typed in lower case with a hyphen', async () => {
      const code = recoveryCodes[0]!;
      const typed = `${code.slice(0, 5)}-${code.slice(5)}`.toLowerCase();
      const first = await secondFactor(await startSignIn(tenant, user), 'recovery', typed);
      expect(first.statusCode).toBe(200);

      const again = await secondFactor(await startSignIn(tenant, user), 'recovery', code);
      expect(again.statusCode).toBe(401);
      expect(again.json().error.code).toBe('SIGN_IN_FAILED');
      const left = await tenant.admin.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM esm.recovery_codes WHERE user_id = $1 AND used_at IS NULL',
        [user.id],
      );
      expect(left.rows[0]!.count).toBe(9);
    });

    it('rejects a recovery code of another user', async () => {
      const other = await createSignInUser(tenant);
      await withTenantClient(tenant, (client) => replaceRecoveryCodes(client, other.id));
      const response = await secondFactor(await startSignIn(tenant, other), 'recovery', recoveryCodes[1]!);
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('SIGN_IN_FAILED');
    });

    it('rejects recovery for a user without codes', async () => {
      const other = await createSignInUser(tenant);
      const response = await secondFactor(await startSignIn(tenant, other), 'recovery', recoveryCodes[1]!);
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('SECOND_FACTOR_UNAVAILABLE');
    });
  });
});
