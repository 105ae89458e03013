import bcrypt from 'bcrypt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestTenant, invitationTokenFrom, readOutbox, type TestTenant } from '../../test-support/tenant-fixture.js';
import { auditEntries, createSignInUser, freshClientAddress, postPassword, withTenantClient, type SignInUser } from '../../test-support/sign-in.js';
import { clearSecondFactors } from '../factors/clear-second-factors.js';
import { createLogger } from '@esm/common';
import { buildTenantApp } from '../../app.js';
import { describeUnknownAddress } from '../email-address.js';
import { loadTenantKeys } from '../signing-keys.js';

// Exactly 72 bytes of UTF-8: 35 two-byte letters and two ASCII letters.
const PASSWORD_72_BYTES = 'å'.repeat(35) + 'ab';

describe('POST /api/auth/password', () => {
  let tenant: TestTenant;
  let user: SignInUser;

  beforeAll(async () => {
    tenant = await createTestTenant('sign-in');
    user = await createSignInUser(tenant, { password: PASSWORD_72_BYTES, mobile: '+46701234567' });
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    // Each test starts below the throttle of five failures.
    await tenant.admin.query('DELETE FROM esm.sign_in_failures');
  });

  afterAll(async () => tenant.close());

  async function countChallenges(): Promise<number> {
    const result = await tenant.admin.query<{ count: number }>('SELECT count(*)::int AS count FROM esm.sign_in_challenges');
    return result.rows[0]!.count;
  }

  function signIn(password: string, email = user.email) {
    return postPassword(tenant, email, password, freshClientAddress());
  }

  it('accepts a password of exactly 72 bytes', async () => {
    expect(Buffer.byteLength(PASSWORD_72_BYTES, 'utf8')).toBe(72);
    const response = await signIn(PASSWORD_72_BYTES);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ challenge: expect.any(String), factors: ['totp', 'sms', 'email'], enrolmentRequired: false });
  });

  it('accepts the e-mail address in another case and with spaces', async () => {
    const response = await signIn(PASSWORD_72_BYTES, `  ${user.email.toUpperCase()} `);
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['one ASCII byte (73 bytes)', `${PASSWORD_72_BYTES}x`],
    ['one multibyte letter', `${PASSWORD_72_BYTES}å`],
    ['a long tail', `${PASSWORD_72_BYTES}${'x'.repeat(900)}`],
    ['a NUL character and a tail', `${PASSWORD_72_BYTES.slice(0, 20)}\0tail`],
    ['a NUL character at the end', `${PASSWORD_72_BYTES}\0`],
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

  it('answers an unknown e-mail exactly like a wrong password', async () => {
    const unknown = await signIn('not the right password', `nobody-${Date.now()}@${tenant.name}.example`);
    const wrong = await signIn('not the right password');

    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    const withoutRequestId = (body: { error: Record<string, unknown> }) => ({ error: { ...body.error, requestId: undefined } });
    expect(withoutRequestId(unknown.json())).toEqual(withoutRequestId(wrong.json()));
    expect(unknown.json().error.requestId).not.toBe(wrong.json().error.requestId);
  });

  it('takes about as long for an unknown e-mail as for a wrong password', async () => {
    // Medians of alternating attempts, and a margin of 3x, keep the test
    // stable on a loaded two-core machine. Without the dummy bcrypt
    // comparison the response for an unknown address would take a few milliseconds
    // against a quarter of a second, far outside the margin.
    const durations = { unknown: [] as number[], known: [] as number[] };
    for (let round = 0; round < 7; round += 1) {
      for (const kind of ['unknown', 'known'] as const) {
        const email = kind === 'known' ? user.email : `nobody-${round}@${tenant.name}.example`;
        const started = performance.now();
        const response = await signIn('not the right password', email);
        durations[kind].push(performance.now() - started);
        expect(response.statusCode).toBe(401);
        await tenant.admin.query('DELETE FROM esm.sign_in_failures');
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const [unknown, known] = [median(durations.unknown), median(durations.known)];
    expect(Math.max(unknown, known) / Math.min(unknown, known)).toBeLessThan(3);
  });

  it('audits an unknown address by fingerprint and domain', async () => {
    const email = `Stranger-${Date.now()}@${tenant.name.toUpperCase()}.example`;
    const address = freshClientAddress();
    const response = await postPassword(tenant, email, 'a guessed password', address);
    expect(response.statusCode).toBe(401);

    const expected = describeUnknownAddress(loadTenantKeys(tenant.secret.signingKeys), email);
    expect(expected.domain).toBe(`${tenant.name}.example`);
    const entries = (await auditEntries(tenant, 'auth.sign-in-failed')).filter((entry) => entry.actor_id === null);
    const mine = entries.filter((entry) => JSON.stringify(entry.after).includes(expected.fingerprint));
    expect(mine).toEqual([
      { actor_id: null, actor_email: null, entity_id: null, after: { reason: 'password', address: expected }, client_address: address },
    ]);
  });

  it('gives case, space and width variants one fingerprint', () => {
    const keys = loadTenantKeys(tenant.secret.signingKeys);
    const plain = describeUnknownAddress(keys, 'ann@example.com');
    expect(describeUnknownAddress(keys, ' ANN@Example.com ')).toEqual(plain);
    expect(describeUnknownAddress(keys, 'ａｎｎ@ｅｘａｍｐｌｅ.ｃｏｍ')).toEqual(plain);
    expect(describeUnknownAddress(keys, 'bob@example.com').fingerprint).not.toBe(plain.fingerprint);
  });

  it.each([
    ['a trailing @', 'hemligt-lösen-ord@', undefined],
    ['no @', 'hemligtlösenord2024', undefined],
    ['two @', 'hemligt@lösen@ord.se', undefined],
    ['an implausible domain', 'hemligt-lösen@2024.x', undefined],
    ['a plausible domain', 'hemligt-lösen@exempel.se', 'exempel.se'],
  ])('keeps no local part for an address with %s', async (_case, typed, domain) => {
    const lines: string[] = [];
    const logger = createLogger('tenant-test', { level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const app = await buildTenantApp(tenant.secret, { logger });
    try {
      const response = await app.inject({ method: 'POST', url: '/api/auth/password', payload: { email: typed, password: 'x' } });
      expect(response.statusCode).toBe(401);
    } finally {
      await app.close();
    }

    const localPart = typed.split('@')[0]!;
    const stored = await tenant.admin.query<{ row: string }>('SELECT row_to_json(a)::text AS row FROM esm.audit_entries a');
    const everything = stored.rows.map((entry) => entry.row).join('\n');
    expect(everything).not.toContain(localPart);
    expect(everything.normalize('NFKC')).not.toContain(localPart.normalize('NFKC'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(localPart);
    const expected = describeUnknownAddress(loadTenantKeys(tenant.secret.signingKeys), typed);
    expect(expected.domain).toBe(domain);
    expect(everything).toContain(expected.fingerprint);
  });

  it('audits a known address with its user', async () => {
    await signIn('the wrong password 1234');
    const entries = (await auditEntries(tenant, 'auth.sign-in-failed')).filter((entry) => entry.actor_email === user.email);
    expect(entries.at(-1)).toMatchObject({ actor_id: user.id, entity_id: user.id, after: { reason: 'password' } });
    expect(JSON.stringify(entries)).not.toContain('the wrong password');
  });

  it('requires enrolment after a factor reset', async () => {
    const reset = await createSignInUser(tenant);
    await tenant.admin.query('INSERT INTO esm.recovery_codes (user_id, hash) VALUES ($1, $2)', [reset.id, Buffer.alloc(32)]);
    await withTenantClient(tenant, (client) => clearSecondFactors(client, reset.id));

    const response = await signIn(reset.password, reset.email);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ factors: [], enrolmentRequired: true });
    const left = await tenant.admin.query('SELECT 1 FROM esm.recovery_codes WHERE user_id = $1', [reset.id]);
    expect(left.rowCount).toBe(0);
  });

  it('rejects an e-mail address with NUL as an invalid request', async () => {
    const response = await signIn(PASSWORD_72_BYTES, `${user.email}\0`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
    const rows = await tenant.admin.query('SELECT 1 FROM esm.sign_in_failures');
    expect(rows.rowCount).toBe(0);
  });

  it('rejects a deactivated user like an unknown address', async () => {
    const deactivated = await createSignInUser(tenant);
    await tenant.admin.query("UPDATE esm.users SET status = 'deactivated' WHERE id = $1", [deactivated.id]);
    const response = await signIn(deactivated.password, deactivated.email);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SIGN_IN_FAILED');
  });
});

describe('password set at invitation', () => {
  let tenant: TestTenant;
  let token: string;
  const email = () => `admin@${tenant.name}.example`;

  beforeAll(async () => {
    tenant = await createTestTenant('invite-bytes');
    const [mail] = await readOutbox(tenant.outbox);
    token = invitationTokenFrom(mail!.text);
  });

  afterAll(async () => tenant.close());

  function setPassword(password: string) {
    return tenant.app.inject({ method: 'POST', url: `/api/invitations/${token}/password`, payload: { password } });
  }

  it('rejects a 73-byte password with PASSWORD_TOO_LONG', async () => {
    const response = await setPassword(`${PASSWORD_72_BYTES}x`);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('PASSWORD_TOO_LONG');
    const users = await tenant.admin.query('SELECT 1 FROM esm.users');
    expect(users.rowCount).toBe(0);
  });

  it('rejects a password with NUL with PASSWORD_INVALID_CHARACTER', async () => {
    const response = await setPassword(`${PASSWORD_72_BYTES.slice(0, 30)}\0`);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('PASSWORD_INVALID_CHARACTER');
  });

  it('does not accept a password that shares only the first 72 bytes', async () => {
    const enrolment = await setPassword(PASSWORD_72_BYTES);
    expect(enrolment.statusCode).toBe(200);
    // Sign-in needs an active account, which the TOTP step of the invitation would create.
    await tenant.admin.query("UPDATE esm.users SET status = 'active', totp_enabled = true WHERE email = $1", [email()]);

    const other = await postPassword(tenant, email(), `${PASSWORD_72_BYTES}-another-tail`, freshClientAddress());
    expect(other.statusCode).toBe(401);
    expect(other.json().error.code).toBe('SIGN_IN_FAILED');
    const same = await postPassword(tenant, email(), PASSWORD_72_BYTES, freshClientAddress());
    expect(same.statusCode).toBe(200);
  });
});
