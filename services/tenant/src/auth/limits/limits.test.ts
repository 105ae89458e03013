import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, readOutbox, type TestTenant } from '../../test-support/tenant-fixture.js';
import {
  auditEntries,
  createSignInUser,
  freshClientAddress,
  postFrom,
  postPassword,
  startSignIn,
  totpCodeAt,
} from '../../test-support/sign-in.js';
import { describeUnknownAddress } from '../email-address.js';
import { loadTenantKeys } from '../signing-keys.js';

describe('brute-force limits per e-mail address', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTestTenant('limits');
  });

  afterAll(async () => tenant.close());

  function wrongPassword(email: string) {
    return postPassword(tenant, email, 'a wrong password guess', freshClientAddress());
  }

  async function failureRow(email: string) {
    const result = await tenant.admin.query<{ failures: number; locked: boolean }>(
      'SELECT failures, coalesce(locked_until > now(), false) AS locked FROM esm.sign_in_failures WHERE email = $1',
      [email],
    );
    return result.rows[0];
  }

  /** Moves the last attempt back, as if the client had waited out the throttle. */
  async function waitOutThrottle(email: string) {
    await tenant.admin.query("UPDATE esm.sign_in_failures SET last_attempt_at = now() - interval '10 minutes' WHERE email = $1", [email]);
  }

  /**
   * Moves the last attempt to now, as if the next request came at once. Without it, a bcrypt check
   * that takes over a second on a loaded machine would outlast the first wait of one second.
   */
  async function attemptJustNow(email: string) {
    await tenant.admin.query('UPDATE esm.sign_in_failures SET last_attempt_at = now() WHERE email = $1', [email]);
  }

  async function mailsTo(email: string) {
    return (await readOutbox(tenant.outbox)).filter((mail) => mail.to === email);
  }

  /** Waits for e-mails to an address, because the lock e-mail is sent after the response. */
  async function waitForMailsTo(email: string, count: number) {
    for (let waited = 0; waited < 5_000; waited += 50) {
      if ((await mailsTo(email)).length >= count) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Any extra e-mail would arrive within this pause too.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return mailsTo(email);
  }

  it('throttles from the fifth failure, even the right password', async () => {
    const user = await createSignInUser(tenant);
    for (let failure = 1; failure <= 5; failure += 1) {
      const response = await wrongPassword(user.email);
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('SIGN_IN_FAILED');
    }

    await attemptJustNow(user.email);
    const throttled = await postPassword(tenant, user.email, user.password, freshClientAddress());

    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe('SIGN_IN_THROTTLED');
    expect(throttled.headers['retry-after']).toBe('1');
    expect(await failureRow(user.email)).toEqual({ failures: 5, locked: false });
    const refused = (await auditEntries(tenant, 'auth.sign-in-failed')).filter((entry) => entry.actor_email === user.email);
    expect(refused.at(-1)!.after).toEqual({ reason: 'throttled' });

    await waitOutThrottle(user.email);
    const allowed = await postPassword(tenant, user.email, user.password, freshClientAddress());
    expect(allowed.statusCode).toBe(200);
    // A right password alone is no successful sign-in, so the count stays.
    expect(await failureRow(user.email)).toEqual({ failures: 5, locked: false });
  });

  it('doubles the wait with each further failure', async () => {
    const user = await createSignInUser(tenant);
    for (let failure = 1; failure <= 5; failure += 1) await wrongPassword(user.email);
    await waitOutThrottle(user.email);
    expect((await wrongPassword(user.email)).statusCode).toBe(401);
    await waitOutThrottle(user.email);
    expect((await wrongPassword(user.email)).statusCode).toBe(401);

    await attemptJustNow(user.email);
    const throttled = await wrongPassword(user.email);

    // Seven failures mean a wait of 2^2 seconds; the request itself may take part of the first second.
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(2);
    expect(Number(throttled.headers['retry-after'])).toBeLessThanOrEqual(4);
  });

  it('throttles an unknown address like a known one', async () => {
    const email = `nobody-throttled@${tenant.name}.example`;
    for (let failure = 1; failure <= 5; failure += 1) expect((await wrongPassword(email)).statusCode).toBe(401);

    await attemptJustNow(email);
    const throttled = await wrongPassword(email);

    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe('SIGN_IN_THROTTLED');
    expect(throttled.headers['retry-after']).toBe('1');
  });

  it('counts differently written addresses as one', async () => {
    const user = await createSignInUser(tenant);
    await wrongPassword(user.email.toUpperCase());
    await wrongPassword(`  ${user.email} `);
    expect(await failureRow(user.email)).toEqual({ failures: 2, locked: false });
  });

  it('locks after the tenth failure and e-mails the owner in their language', async () => {
    const user = await createSignInUser(tenant, { locale: 'sv' });
    for (let failure = 1; failure <= 10; failure += 1) {
      await waitOutThrottle(user.email);
      const response = await wrongPassword(user.email);
      expect(response.statusCode).toBe(401);
    }
    expect(await failureRow(user.email)).toEqual({ failures: 10, locked: true });

    const locked = await postPassword(tenant, user.email, user.password, freshClientAddress());

    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('SIGN_IN_LOCKED');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(29 * 60);
    expect(retryAfter).toBeLessThanOrEqual(30 * 60);
    const mails = await waitForMailsTo(user.email, 1);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('spärrad');
    expect(mails[0]!.text).toContain('30 minuter');
    const locks = (await auditEntries(tenant, 'auth.locked')).filter((entry) => entry.actor_email === user.email);
    expect(locks).toHaveLength(1);
    expect(locks[0]).toMatchObject({ actor_id: user.id, after: { failures: 10 } });
  });

  it('locks an unknown address without sending an e-mail', async () => {
    const email = `nobody-locked@${tenant.name}.example`;
    for (let failure = 1; failure <= 10; failure += 1) {
      await waitOutThrottle(email);
      expect((await wrongPassword(email)).statusCode).toBe(401);
    }

    const locked = await wrongPassword(email);

    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('SIGN_IN_LOCKED');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await mailsTo(email)).toEqual([]);
    const address = describeUnknownAddress(loadTenantKeys(tenant.secret.signingKeys), email);
    const locks = (await auditEntries(tenant, 'auth.locked')).filter((entry) => JSON.stringify(entry.after).includes(address.fingerprint));
    expect(locks).toEqual([expect.objectContaining({ actor_id: null, actor_email: null, entity_id: null, after: expect.objectContaining({ address }) })]);
  });

  it('stops parallel TOTP guessing across many sessions', async () => {
    const user = await createSignInUser(tenant, { locale: 'en' });
    const challenges: string[] = [];
    for (let index = 0; index < 12; index += 1) challenges.push(await startSignIn(tenant, user));
    const guess = (challenge: string) => postFrom(tenant, '/api/auth/second-factor', { challenge, factor: 'totp', code: '000000' }, freshClientAddress());

    const parallel = await Promise.all(challenges.map(guess));

    const codes = parallel.map((response) => `${response.statusCode} ${response.json().error.code}`);
    const failed = codes.filter((code) => code === '401 SIGN_IN_FAILED').length;
    expect(codes.filter((code) => code !== '401 SIGN_IN_FAILED' && code !== '429 SIGN_IN_THROTTLED')).toEqual([]);
    // Each guess is counted before it is checked, so five get past the throttle together. One or two
    // more only when the machine is so slow that the parallel requests span the waits of 1 and 2 seconds.
    expect(failed).toBeGreaterThanOrEqual(5);
    expect(failed).toBeLessThanOrEqual(7);
    expect(await failureRow(user.email)).toEqual({ failures: failed, locked: false });

    for (let failure = failed + 1; failure <= 10; failure += 1) {
      await waitOutThrottle(user.email);
      const response = await guess(challenges[failure - 1]!);
      expect(response.statusCode).toBe(401);
    }
    expect(await failureRow(user.email)).toEqual({ failures: 10, locked: true });

    await waitOutThrottle(user.email);
    const right = await postFrom(
      tenant,
      '/api/auth/second-factor',
      { challenge: challenges[11]!, factor: 'totp', code: totpCodeAt(user.totpSecret) },
      freshClientAddress(),
    );
    expect(right.statusCode).toBe(429);
    expect(right.json().error.code).toBe('SIGN_IN_LOCKED');
    const sessions = await tenant.admin.query('SELECT 1 FROM esm.sessions WHERE user_id = $1', [user.id]);
    expect(sessions.rowCount).toBe(0);
    expect(await waitForMailsTo(user.email, 1)).toHaveLength(1);
    expect((await auditEntries(tenant, 'auth.locked')).filter((entry) => entry.actor_id === user.id)).toHaveLength(1);
  });

  it('resets the count after a successful sign-in', async () => {
    const user = await createSignInUser(tenant);
    for (let failure = 1; failure <= 4; failure += 1) await wrongPassword(user.email);
    const challenge = await startSignIn(tenant, user);

    const signedIn = await postFrom(
      tenant,
      '/api/auth/second-factor',
      { challenge, factor: 'totp', code: totpCodeAt(user.totpSecret) },
      freshClientAddress(),
    );

    expect(signedIn.statusCode).toBe(200);
    expect(await failureRow(user.email)).toBeUndefined();
  });
});

describe('rate limit per client address', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTestTenant('rate-limit');
  });

  afterAll(async () => tenant.close());

  function unknownInvitation(headers: Record<string, string>, remoteAddress?: string) {
    return tenant.app.inject({ method: 'GET', url: '/api/invitations/no-such-token', headers, remoteAddress });
  }

  it('allows 30 sign-in requests a minute across the routes, then answers RATE_LIMITED', async () => {
    const address = freshClientAddress();
    for (let request = 0; request < 15; request += 1) {
      expect((await unknownInvitation({ 'x-forwarded-for': address })).statusCode).toBe(404);
      const unknownChallenge = await postFrom(tenant, '/api/auth/second-factor', { challenge: 'none', factor: 'totp', code: '123456' }, address);
      expect(unknownChallenge.statusCode).toBe(401);
    }

    const limited = await postPassword(tenant, `someone@${tenant.name}.example`, 'a password', address);

    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const failures = await tenant.admin.query('SELECT 1 FROM esm.sign_in_failures');
    expect(failures.rowCount).toBe(0);
    expect((await unknownInvitation({ 'x-forwarded-for': freshClientAddress() })).statusCode).toBe(404);
  });

  it('ignores X-Forwarded-For from a client that is not the gateway', async () => {
    for (let request = 0; request < 30; request += 1) {
      const response = await unknownInvitation({ 'x-forwarded-for': freshClientAddress() }, '203.0.113.9');
      expect(response.statusCode).toBe(404);
    }
    const limited = await unknownInvitation({ 'x-forwarded-for': freshClientAddress() }, '203.0.113.9');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
  });
});
