import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestSession, createTestTenant, readOutbox, type TestTenant } from '../../test-support/tenant-fixture.js';
import { auditEntries, createSignInUser, freshClientAddress, postFrom, postPassword, type SignInUser } from '../../test-support/sign-in.js';

const NEW_PASSWORD = 'a brand new passphrase 42';

/** Extracts the reset token from an e-mail's link. */
function resetTokenFrom(text: string): string {
  const match = /\/reset-password\/([A-Za-z0-9_-]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no reset link in: ${text}`);
  return match[1];
}

describe('password reset', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTestTenant('reset');
  });

  afterAll(async () => tenant.close());

  async function mailsTo(email: string) {
    return (await readOutbox(tenant.outbox)).filter((mail) => mail.to.toLowerCase() === email.toLowerCase());
  }

  /** Waits for the `count`-th e-mail to an address, because the routes send e-mails after responding. */
  async function waitForMail(email: string, count: number) {
    return vi.waitFor(async () => {
      const mails = await mailsTo(email);
      if (mails.length < count) throw new Error(`${mails.length} of ${count} e-mails to ${email}`);
      return mails[count - 1]!;
    });
  }

  async function requestReset(user: SignInUser, mailCount: number): Promise<string> {
    const response = await postFrom(tenant, '/api/auth/password-reset', { email: user.email }, freshClientAddress());
    expect(response.statusCode).toBe(202);
    return resetTokenFrom((await waitForMail(user.email, mailCount)).text);
  }

  function resetPassword(token: string, password: string) {
    return postFrom(tenant, `/api/auth/password-reset/${token}`, { password }, freshClientAddress());
  }

  it('responds alike to unknown addresses', async () => {
    const user = await createSignInUser(tenant);
    const unknown = `nobody-${user.id}@${tenant.name}.example`;

    const known = await postFrom(tenant, '/api/auth/password-reset', { email: ` ${user.email.toUpperCase()} ` }, freshClientAddress());
    const missing = await postFrom(tenant, '/api/auth/password-reset', { email: unknown }, freshClientAddress());

    expect(known.statusCode).toBe(202);
    expect(missing.statusCode).toBe(202);
    expect(known.body).toBe(missing.body);
    expect(known.headers['content-type']).toBe(missing.headers['content-type']);
    await waitForMail(user.email, 1);
    expect(await mailsTo(unknown)).toHaveLength(0);
  });

  it('sends the link in the user language', async () => {
    const user = await createSignInUser(tenant, { locale: 'sv' });
    await postFrom(tenant, '/api/auth/password-reset', { email: user.email }, freshClientAddress());
    const mail = await waitForMail(user.email, 1);
    expect(mail.subject).toContain('Återställ');
    expect(mail.text).toContain(`${tenant.secret.origin}/reset-password/`);
  });

  it('sends nothing to a deactivated user', async () => {
    const user = await createSignInUser(tenant);
    await tenant.admin.query("UPDATE esm.users SET status = 'deactivated' WHERE id = $1", [user.id]);
    const response = await postFrom(tenant, '/api/auth/password-reset', { email: user.email }, freshClientAddress());
    expect(response.statusCode).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await mailsTo(user.email)).toHaveLength(0);
  });

  it('stores only a hash valid one hour', async () => {
    const user = await createSignInUser(tenant);
    const token = await requestReset(user, 1);
    const result = await tenant.admin.query<{ token_hash: Buffer; minutes: number }>(
      'SELECT token_hash, extract(epoch FROM expires_at - created_at)::int / 60 AS minutes FROM esm.password_resets WHERE user_id = $1',
      [user.id],
    );
    expect(result.rows[0]!.token_hash).toHaveLength(32);
    expect(result.rows[0]!.token_hash.toString('base64url')).not.toBe(token);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(result.rows[0]!.minutes).toBe(60);
  });

  it('returns the e-mail address of a valid token', async () => {
    const user = await createSignInUser(tenant);
    const token = await requestReset(user, 1);
    const response = await tenant.app.inject({ method: 'GET', url: `/api/auth/password-reset/${token}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ email: user.email });
  });

  it('rejects an unknown token', async () => {
    const lookup = await tenant.app.inject({ method: 'GET', url: '/api/auth/password-reset/unknown-token' });
    expect(lookup.statusCode).toBe(404);
    expect(lookup.json().error.code).toBe('PASSWORD_RESET_INVALID');
    const reset = await resetPassword('unknown-token', NEW_PASSWORD);
    expect(reset.statusCode).toBe(404);
    expect(reset.json().error.code).toBe('PASSWORD_RESET_INVALID');
  });

  it('changes the password once', async () => {
    const user = await createSignInUser(tenant);
    const token = await requestReset(user, 1);

    expect((await resetPassword(token, NEW_PASSWORD)).statusCode).toBe(204);

    expect((await postPassword(tenant, user.email, NEW_PASSWORD, freshClientAddress())).statusCode).toBe(200);
    expect((await postPassword(tenant, user.email, user.password, freshClientAddress())).statusCode).toBe(401);
    const again = await resetPassword(token, 'yet another passphrase 43');
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('PASSWORD_RESET_INVALID');
    const lookup = await tenant.app.inject({ method: 'GET', url: `/api/auth/password-reset/${token}` });
    expect(lookup.statusCode).toBe(404);
  });

  it('keeps the second factors', async () => {
    const user = await createSignInUser(tenant);
    const token = await requestReset(user, 1);
    await resetPassword(token, NEW_PASSWORD);
    const signIn = await postPassword(tenant, user.email, NEW_PASSWORD, freshClientAddress());
    expect(signIn.json()).toMatchObject({ enrolmentRequired: false, factors: expect.arrayContaining(['totp']) });
  });

  it('sends a notice of the change', async () => {
    const user = await createSignInUser(tenant);
    const token = await requestReset(user, 1);
    await resetPassword(token, NEW_PASSWORD);
    const notice = await waitForMail(user.email, 2);
    expect(notice.subject).toContain('was changed');
    expect(notice.text).not.toContain(token);
  });

  it('rejects an expired token', async () => {
    const user = await createSignInUser(tenant);
    const token = await requestReset(user, 1);
    await tenant.admin.query("UPDATE esm.password_resets SET expires_at = now() - interval '1 second' WHERE user_id = $1", [user.id]);
    const lookup = await tenant.app.inject({ method: 'GET', url: `/api/auth/password-reset/${token}` });
    expect(lookup.statusCode).toBe(404);
    expect((await resetPassword(token, NEW_PASSWORD)).statusCode).toBe(404);
    expect((await postPassword(tenant, user.email, user.password, freshClientAddress())).statusCode).toBe(200);
  });

  it('replaces the earlier token', async () => {
    const user = await createSignInUser(tenant);
    const first = await requestReset(user, 1);
    const second = await requestReset(user, 2);
    expect((await resetPassword(first, NEW_PASSWORD)).statusCode).toBe(404);
    expect((await resetPassword(second, NEW_PASSWORD)).statusCode).toBe(204);
  });

  it('revokes every session', async () => {
    const user = await createSignInUser(tenant);
    const sessions = [await createTestSession(tenant, user.id), await createTestSession(tenant, user.id)];
    const token = await requestReset(user, 1);
    await resetPassword(token, NEW_PASSWORD);
    const result = await tenant.admin.query<{ revoked_reason: string | null }>(
      'SELECT revoked_reason FROM esm.sessions WHERE id = ANY($1::uuid[])',
      [sessions],
    );
    expect(result.rows.map((row) => row.revoked_reason)).toEqual(['password-reset', 'password-reset']);
  });

  it('resets the sign-in failure count', async () => {
    const user = await createSignInUser(tenant);
    for (let attempt = 0; attempt < 3; attempt++) await postPassword(tenant, user.email, 'wrong password here', freshClientAddress());
    const token = await requestReset(user, 1);
    await resetPassword(token, NEW_PASSWORD);
    const result = await tenant.admin.query('SELECT 1 FROM esm.sign_in_failures WHERE email = $1', [user.email]);
    expect(result.rowCount).toBe(0);
  });

  it.each([
    ['PASSWORD_TOO_SHORT', 'short'],
    ['PASSWORD_TOO_LONG', 'x'.repeat(73)],
    ['PASSWORD_INVALID_CHARACTER', 'twelve chars\0plus'],
  ])('rejects a password with %s', async (code, password) => {
    const user = await createSignInUser(tenant);
    const token = await requestReset(user, 1);
    const response = await resetPassword(token, password);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe(code);
    expect((await postPassword(tenant, user.email, user.password, freshClientAddress())).statusCode).toBe(200);
    const lookup = await tenant.app.inject({ method: 'GET', url: `/api/auth/password-reset/${token}` });
    expect(lookup.statusCode).toBe(200);
  });

  it('audits without token or password', async () => {
    const user = await createSignInUser(tenant);
    const token = await requestReset(user, 1);
    await resetPassword(token, NEW_PASSWORD);

    const requested = (await auditEntries(tenant, 'auth.password-reset-requested')).filter((entry) => entry.entity_id === user.id);
    const changed = (await auditEntries(tenant, 'auth.password-changed')).filter((entry) => entry.entity_id === user.id);
    expect(requested).toHaveLength(1);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.actor_id).toBe(user.id);
    expect(changed[0]!.after).toEqual({ reason: 'password-reset' });

    const rows = await tenant.admin.query<{ entry: string }>('SELECT row_to_json(a)::text AS entry FROM esm.audit_entries a');
    for (const row of rows.rows) {
      expect(row.entry).not.toContain(token);
      expect(row.entry).not.toContain(NEW_PASSWORD);
    }
  });
});
