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
import { clearSecondFactors } from '../factors/clear-second-factors.js';

describe('TOTP enrolment after a factor reset', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTestTenant('enrolment');
  });

  afterAll(async () => tenant.close());

  async function createResetUser(): Promise<SignInUser> {
    const user = await createSignInUser(tenant, { locale: 'sv' });
    await withTenantClient(tenant, (client) => clearSecondFactors(client, user.id));
    return user;
  }

  function post(url: string, payload: object) {
    return postFrom(tenant, url, payload, freshClientAddress());
  }

  it('enrols a new authenticator, signs in and returns recovery codes once', async () => {
    const user = await createResetUser();
    const challenge = await startSignIn(tenant, user);

    const started = await post('/api/auth/enrolment/totp', { challenge });
    expect(started.statusCode).toBe(200);
    const { totpSecret, otpauthUrl, qrCodeDataUrl } = started.json();
    expect(totpSecret).toMatch(/^[A-Z2-7]{32}$/);
    expect(totpSecret).not.toBe(user.totpSecret);
    expect(otpauthUrl).toContain(`secret=${totpSecret}`);
    expect(qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);

    const confirmed = await post('/api/auth/enrolment/totp/confirm', { challenge, code: totpCodeAt(totpSecret) });

    expect(confirmed.statusCode).toBe(200);
    const body = confirmed.json();
    expect(body.user).toEqual({ id: user.id, email: user.email, accessLevel: 'write', locale: 'sv' });
    expect(body.recoveryCodes).toHaveLength(10);
    for (const code of body.recoveryCodes) expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/);
    const me = await tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(body.accessToken) });
    expect(me.json()).toMatchObject({ factors: ['totp', 'email', 'recovery'], recoveryCodesLeft: 10 });
    const stored = await tenant.admin.query<{ totp_secret: string; totp_enabled: boolean }>(
      'SELECT totp_secret, totp_enabled FROM esm.users WHERE id = $1',
      [user.id],
    );
    expect(stored.rows[0]).toEqual({ totp_secret: totpSecret, totp_enabled: true });
    for (const action of ['auth.factor-changed', 'auth.recovery-codes-generated', 'auth.sign-in']) {
      const entries = (await auditEntries(tenant, action)).filter((entry) => entry.actor_id === user.id);
      expect(entries).toHaveLength(1);
      expect(JSON.stringify(entries)).not.toContain(totpSecret);
    }
  });

  it('rejects a wrong code with TOTP_CODE_INVALID and keeps the factor unset', async () => {
    const user = await createResetUser();
    const challenge = await startSignIn(tenant, user);
    await post('/api/auth/enrolment/totp', { challenge });

    const wrong = await post('/api/auth/enrolment/totp/confirm', { challenge, code: '000000' });

    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.code).toBe('TOTP_CODE_INVALID');
    const stored = await tenant.admin.query('SELECT 1 FROM esm.users WHERE id = $1 AND totp_enabled', [user.id]);
    expect(stored.rowCount).toBe(0);
    const sessions = await tenant.admin.query('SELECT 1 FROM esm.sessions WHERE user_id = $1', [user.id]);
    expect(sessions.rowCount).toBe(0);
  });

  it('rejects a confirmation before the enrolment started', async () => {
    const user = await createResetUser();
    const challenge = await startSignIn(tenant, user);
    const response = await post('/api/auth/enrolment/totp/confirm', { challenge, code: '123456' });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('TOTP_ENROLMENT_NOT_STARTED');
  });

  it('offers no second factor before the enrolment', async () => {
    const user = await createResetUser();
    const challenge = await startSignIn(tenant, user);
    const response = await post('/api/auth/second-factor', { challenge, factor: 'email', code: '123456' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('SECOND_FACTOR_UNAVAILABLE');
  });

  it('rejects enrolment for a user who has TOTP', async () => {
    const user = await createSignInUser(tenant);
    const challenge = await startSignIn(tenant, user);
    const response = await post('/api/auth/enrolment/totp', { challenge });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('TOTP_ENROLMENT_NOT_REQUIRED');
  });

  it('rejects enrolment with an unknown challenge', async () => {
    const response = await post('/api/auth/enrolment/totp', { challenge: 'no-such-challenge' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SIGN_IN_FAILED');
  });

  it('ends open challenges when the factor is reset', async () => {
    const user = await createSignInUser(tenant);
    const challenge = await startSignIn(tenant, user);
    await withTenantClient(tenant, (client) => clearSecondFactors(client, user.id));

    const response = await post('/api/auth/enrolment/totp', { challenge });

    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SIGN_IN_FAILED');
  });
});
