import bcrypt from 'bcrypt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestTenant, type TestTenant } from '../test-support/tenant-fixture.js';
import { hashPassword } from './password.js';

// Exactly 72 bytes of UTF-8: 35 two-byte letters and two ASCII letters.
const PASSWORD_72_BYTES = 'å'.repeat(35) + 'ab';

describe('POST /api/auth/password', () => {
  let tenant: TestTenant;
  let email: string;

  beforeAll(async () => {
    tenant = await createTestTenant('sign-in');
    email = `user@${tenant.name}.example`;
    await tenant.admin.query(
      `INSERT INTO esm.users (email, password_hash, totp_secret, totp_enabled, access_level, status)
       VALUES ($1, $2, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', true, 'write', 'active')`,
      [email, await hashPassword(PASSWORD_72_BYTES)],
    );
  });

  afterEach(() => vi.restoreAllMocks());

  afterAll(async () => tenant.close());

  async function countChallenges(): Promise<number> {
    const result = await tenant.admin.query<{ count: number }>('SELECT count(*)::int AS count FROM esm.sign_in_challenges');
    return result.rows[0]!.count;
  }

  function signIn(password: string) {
    return tenant.app.inject({ method: 'POST', url: '/api/auth/password', payload: { email, password } });
  }

  it('accepts a password of exactly 72 bytes', async () => {
    expect(Buffer.byteLength(PASSWORD_72_BYTES, 'utf8')).toBe(72);
    const response = await signIn(PASSWORD_72_BYTES);
    expect(response.statusCode).toBe(200);
    expect(response.json().challenge).toEqual(expect.any(String));
  });

  it.each([
    ['one ASCII byte', `${PASSWORD_72_BYTES}x`],
    ['one multibyte letter', `${PASSWORD_72_BYTES}å`],
    ['a long tail', `${PASSWORD_72_BYTES}${'x'.repeat(900)}`],
  ])('rejects the stored password plus %s with SIGN_IN_FAILED', async (_case, password) => {
    const compare = vi.spyOn(bcrypt, 'compare');
    const challenges = await countChallenges();

    const response = await signIn(password);

    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SIGN_IN_FAILED');
    expect(await countChallenges()).toBe(challenges);
    // The comparison still runs, so the response time is that of a wrong password.
    expect(compare).toHaveBeenCalledTimes(1);
  });

  it('rejects too long like a wrong password', async () => {
    const tooLong = await signIn(`${PASSWORD_72_BYTES}x`);
    const wrong = await signIn('not the right password');
    expect(tooLong.statusCode).toBe(wrong.statusCode);
    expect(tooLong.json().error.code).toBe(wrong.json().error.code);
    expect(tooLong.json().error.message).toBe(wrong.json().error.message);
  });
});
