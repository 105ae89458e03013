import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@esm/common';
import { prepareTenantDatabase } from '../prepare.js';
import { codeFrom } from '../test-support/sign-in.js';
import {
  bearer,
  countRows,
  createTestTenant,
  invitationTokenFrom,
  readOutbox,
  totpCode,
  type TestTenant,
} from '../test-support/tenant-fixture.js';

const PASSWORD = 'correct horse battery staple';

describe('first administrator invitation', () => {
  let tenant: TestTenant;
  let token: string;

  beforeAll(async () => {
    tenant = await createTestTenant('invite');
    const [mail] = await readOutbox(tenant.outbox);
    token = invitationTokenFrom(mail!.text);
  });

  afterAll(async () => tenant.close());

  it('writes one e-mail in Swedish to the outbox', async () => {
    const mails = await readOutbox(tenant.outbox);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to.toLowerCase()).toBe(`admin@${tenant.name}.example`);
    expect(mails[0]!.subject).toContain('Inbjudan');
    expect(mails[0]!.text).toContain(`${tenant.secret.origin}/invite/`);
  });

  it('sends no second e-mail on the next start', async () => {
    await prepareTenantDatabase(tenant.secret, createLogger('test', { level: 'silent' }));
    expect(await readOutbox(tenant.outbox)).toHaveLength(1);
    expect(await countRows(tenant, 'invitations')).toBe(1);
  });

  it('stores only the hash of the token', async () => {
    const result = await tenant.admin.query<{ token_hash: Buffer }>('SELECT token_hash FROM esm.invitations');
    expect(result.rows[0]!.token_hash.toString('base64url')).not.toBe(token);
    expect(result.rows[0]!.token_hash).toHaveLength(32);
  });

  it('returns the e-mail address for a valid token', async () => {
    const response = await tenant.app.inject({ method: 'GET', url: `/api/invitations/${token}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ email: `admin@${tenant.name}.example` });
  });

  it('rejects an unknown token with INVITATION_INVALID', async () => {
    const response = await tenant.app.inject({ method: 'GET', url: '/api/invitations/unknown-token' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('INVITATION_INVALID');
  });

  it.each([
    ['short password', 'elva tecken', 'PASSWORD_TOO_SHORT'],
    ['73 bytes of UTF-8', 'å'.repeat(36) + 'a', 'PASSWORD_TOO_LONG'],
    ['NUL character', 'a long password\0with nul', 'PASSWORD_INVALID_CHARACTER'],
  ])('rejects a %s', async (_case, password, code) => {
    const response = await tenant.app.inject({ method: 'POST', url: `/api/invitations/${token}/password`, payload: { password } });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe(code);
    expect(await countRows(tenant, 'users')).toBe(0);
  });

  it('answers in Swedish when asked', async () => {
    const response = await tenant.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/password`,
      headers: { 'accept-language': 'sv-SE,sv;q=0.9' },
      payload: { password: 'kort' },
    });
    expect(response.json().error.message).toContain('Lösenordet är för kort');
  });

  it('rejects the TOTP step before the password step', async () => {
    const response = await tenant.app.inject({ method: 'POST', url: `/api/invitations/${token}/totp`, payload: { code: '123456' } });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('INVITATION_PASSWORD_REQUIRED');
  });

  it('activates the account, signs in and returns an access token', async () => {
    const enrol = await tenant.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/password`,
      payload: { password: 'å'.repeat(36) },
    });
    expect(enrol.statusCode).toBe(200);
    const { totpSecret, otpauthUrl, qrCodeDataUrl } = enrol.json();
    // 160 bits, as RFC 4226 recommends: 32 base32 characters of 5 bits each.
    expect(totpSecret).toMatch(/^[A-Z2-7]{32}$/);
    expect(new URL(otpauthUrl).searchParams.get('secret')).toBe(totpSecret);
    expect(decodeURIComponent(otpauthUrl)).toContain(`otpauth://totp/ESM (${tenant.name}):admin@${tenant.name}.example?`);
    expect(qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);

    const wrong = await tenant.app.inject({ method: 'POST', url: `/api/invitations/${token}/totp`, payload: { code: '000000' } });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.code).toBe('TOTP_CODE_INVALID');

    // The password step may be repeated; the newest password and secret count.
    const again = await tenant.app.inject({ method: 'POST', url: `/api/invitations/${token}/password`, payload: { password: PASSWORD } });
    const secret = again.json().totpSecret as string;
    expect(secret).not.toBe(totpSecret);

    const confirm = await tenant.app.inject({ method: 'POST', url: `/api/invitations/${token}/totp`, payload: { code: totpCode(secret) } });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.json().recoveryCodes).toHaveLength(10);
    expect((await tenant.app.inject({ method: 'GET', url: `/api/invitations/${token}` })).statusCode).toBe(404);

    const email = `ADMIN@${tenant.name}.example`;
    const step1 = await tenant.app.inject({ method: 'POST', url: '/api/auth/password', payload: { email, password: PASSWORD } });
    expect(step1.statusCode).toBe(200);
    // The code used to confirm the invitation is spent, so sign-in uses the next step's code.
    const step2 = await tenant.app.inject({
      method: 'POST',
      url: '/api/auth/second-factor',
      payload: { challenge: step1.json().challenge, factor: 'totp', code: totpCode(secret, 1) },
    });
    expect(step2.statusCode).toBe(200);
    const body = step2.json();
    expect(body.user).toMatchObject({ email: `admin@${tenant.name}.example`, accessLevel: 'admin' });

    const me = await tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(body.accessToken) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject(body.user);

    const replay = await tenant.app.inject({
      method: 'POST',
      url: '/api/auth/second-factor',
      payload: { challenge: step1.json().challenge, factor: 'totp', code: totpCode(secret, 1) },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('SIGN_IN_FAILED');
  });

  it.each([
    ['an unknown e-mail', 'nobody@example.test', PASSWORD],
    ['a wrong password', 'admin@PLACEHOLDER', 'not the right password'],
  ])('rejects %s with SIGN_IN_FAILED', async (_case, email, password) => {
    const response = await tenant.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: { email: email.replace('PLACEHOLDER', `${tenant.name}.example`), password },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SIGN_IN_FAILED');
  });

  it('counts a wrong code against the challenge', async () => {
    const step1 = await tenant.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: { email: `admin@${tenant.name}.example`, password: PASSWORD },
    });
    const challenge = step1.json().challenge as string;
    const wrong = await tenant.app.inject({ method: 'POST', url: '/api/auth/second-factor', payload: { challenge, factor: 'totp', code: '000000' } });
    expect(wrong.json().error.code).toBe('SIGN_IN_FAILED');
    const open = await tenant.admin.query<{ attempts: number }>('SELECT attempts FROM esm.sign_in_challenges WHERE used_at IS NULL');
    expect(open.rows.map((row) => row.attempts)).toEqual([1]);
  });
});

describe('first administrator with the mobile number from registration', () => {
  const MOBILE = '070-123 45 67';
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTestTenant('invite-mobile', { firstAdministratorMobile: MOBILE });
  });

  afterAll(async () => tenant.close());

  it('unsent invitation is sent on restart', async () => {
    // What a failed send leaves: the pending user with the mobile number and an invitation without sent_at.
    await tenant.admin.query('UPDATE esm.invitations SET sent_at = NULL');
    await prepareTenantDatabase(tenant.secret, createLogger('test', { level: 'silent' }));
    expect(await readOutbox(tenant.outbox)).toHaveLength(2);
    expect(await countRows(tenant, 'invitations')).toBe(1);
    const users = await tenant.admin.query('SELECT email, mobile, access_level, status FROM esm.users');
    expect(users.rows).toEqual([{ email: `admin@${tenant.name}.example`, mobile: MOBILE, access_level: 'admin', status: 'pending' }]);
  });

  it('registered number receives SMS code', async () => {
    const mail = (await readOutbox(tenant.outbox)).at(-1);
    const token = invitationTokenFrom(mail!.text);
    const password = await tenant.app.inject({ method: 'POST', url: `/api/invitations/${token}/password`, payload: { password: PASSWORD } });
    const secret = password.json().totpSecret as string;
    const confirm = await tenant.app.inject({ method: 'POST', url: `/api/invitations/${token}/totp`, payload: { code: totpCode(secret) } });
    expect(confirm.statusCode).toBe(200);

    const step1 = await tenant.app.inject({ method: 'POST', url: '/api/auth/password', payload: { email: `admin@${tenant.name}.example`, password: PASSWORD } });
    expect(step1.json().factors).toContain('sms');
    const challenge = step1.json().challenge as string;
    const send = await tenant.app.inject({ method: 'POST', url: '/api/auth/one-time-code', payload: { challenge, factor: 'sms' } });
    expect(send.statusCode).toBe(202);
    const sms = (await readdir(tenant.outbox)).filter((file) => file.endsWith('-sms.txt'));
    expect(sms).toHaveLength(1);
    const text = await readFile(path.join(tenant.outbox, sms[0]!), 'utf8');
    expect(text.startsWith(`To: ${MOBILE}\n`)).toBe(true);
    const code = codeFrom(text);

    const step2 = await tenant.app.inject({ method: 'POST', url: '/api/auth/second-factor', payload: { challenge, factor: 'sms', code } });
    expect(step2.statusCode).toBe(200);
    expect(step2.json().user).toMatchObject({ email: `admin@${tenant.name}.example`, accessLevel: 'admin' });
  });

  it('invalid registered number is left out', async () => {
    const other = await createTestTenant('invite-bad-mobile', { firstAdministratorMobile: '12' });
    try {
      expect(await readOutbox(other.outbox)).toHaveLength(1);
      expect(await countRows(other, 'users')).toBe(0);
      expect(await countRows(other, 'invitations')).toBe(1);
    } finally {
      await other.close();
    }
  });
});
