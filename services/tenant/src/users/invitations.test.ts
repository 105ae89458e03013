import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@esm/common';
import { buildTenantApp } from '../app.js';
import {
  bearer,
  countRows,
  createTestTenant,
  createUserWithToken,
  invitationTokenFrom,
  readOutbox,
  totpCode,
  type TestTenant,
} from '../test-support/tenant-fixture.js';

const PASSWORD = 'correct horse battery staple';

describe('POST /api/users/invitations', () => {
  let tenant: TestTenant;
  let admin: { id: string; email: string; token: string };

  beforeAll(async () => {
    tenant = await createTestTenant('invite-users');
    admin = await createUserWithToken(tenant, 'admin');
  });

  afterAll(async () => tenant.close());

  function invite(payload: Record<string, unknown>, token = admin.token) {
    return tenant.app.inject({ method: 'POST', url: '/api/users/invitations', headers: bearer(token), payload });
  }

  async function mailsTo(email: string) {
    return (await readOutbox(tenant.outbox)).filter((mail) => mail.to.toLowerCase() === email);
  }

  async function auditOf(action: string, entityId: string) {
    const result = await tenant.admin.query<{ actor_id: string; after: Record<string, unknown> }>(
      'SELECT actor_id, after FROM esm.audit_entries WHERE action = $1 AND entity_id = $2',
      [action, entityId],
    );
    return result.rows;
  }

  it('invites a pending user in Swedish', async () => {
    const response = await invite({ email: ' Reader@Example.test ', accessLevel: 'read', mobile: '070-123 45 67', locale: 'sv' });

    expect(response.statusCode).toBe(201);
    const user = response.json();
    expect(user).toMatchObject({ email: 'reader@example.test', accessLevel: 'read', status: 'pending', mobile: '070-123 45 67', locale: 'sv', factors: [] });
    const [mail] = await mailsTo('reader@example.test');
    expect(mail!.subject).toContain('Inbjudan');
    expect(mail!.text).toContain('där du kan läsa modellerna');
    expect(mail!.text).toContain(`${tenant.secret.origin}/invite/`);

    const invitation = await tenant.admin.query<{ locale: string; sent_at: Date | null; access_level: string }>(
      'SELECT locale, sent_at, access_level FROM esm.invitations WHERE email = $1',
      ['reader@example.test'],
    );
    expect(invitation.rows).toEqual([expect.objectContaining({ locale: 'sv', access_level: 'read', sent_at: expect.any(Date) })]);
    const audits = await auditOf('user.invited', user.id);
    expect(audits).toEqual([
      { actor_id: admin.id, after: { email: 'reader@example.test', accessLevel: 'read', locale: 'sv', mobileSet: true } },
    ]);
  });

  it('acceptance keeps the invited settings', async () => {
    await invite({ email: 'writer@example.test', accessLevel: 'write', mobile: '+46 70 765 43 21', locale: 'sv' });
    const [mail] = await mailsTo('writer@example.test');
    const token = invitationTokenFrom(mail!.text);

    const password = await tenant.app.inject({ method: 'POST', url: `/api/invitations/${token}/password`, payload: { password: PASSWORD } });
    expect(password.statusCode).toBe(200);
    const confirm = await tenant.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/totp`,
      payload: { code: totpCode(password.json().totpSecret) },
    });
    expect(confirm.statusCode).toBe(200);

    const stored = await tenant.admin.query('SELECT access_level, mobile, locale, status, activated_at FROM esm.users WHERE email = $1', [
      'writer@example.test',
    ]);
    expect(stored.rows[0]).toMatchObject({ access_level: 'write', mobile: '+46 70 765 43 21', locale: 'sv', status: 'active' });
    expect(stored.rows[0].activated_at).toBeInstanceOf(Date);
  });

  it('defaults to English', async () => {
    const response = await invite({ email: 'english@example.test', accessLevel: 'admin' });
    expect(response.statusCode).toBe(201);
    expect(response.json().locale).toBe('en');
    const [mail] = await mailsTo('english@example.test');
    expect(mail!.subject).toContain('Invitation');
    expect(mail!.text).toContain('as an administrator of');
  });

  it('a new invitation ends the old link', async () => {
    await invite({ email: 'again@example.test', accessLevel: 'read' });
    const second = await invite({ email: 'again@example.test', accessLevel: 'write' });
    expect(second.statusCode).toBe(201);
    expect(second.json().accessLevel).toBe('write');

    const [firstMail, secondMail] = await mailsTo('again@example.test');
    const earlier = await tenant.app.inject({ method: 'GET', url: `/api/invitations/${invitationTokenFrom(firstMail!.text)}` });
    expect(earlier.statusCode).toBe(404);
    expect(earlier.json().error.code).toBe('INVITATION_INVALID');
    const newer = await tenant.app.inject({ method: 'GET', url: `/api/invitations/${invitationTokenFrom(secondMail!.text)}` });
    expect(newer.statusCode).toBe(200);
    const users = await tenant.admin.query('SELECT count(*)::int AS count FROM esm.users WHERE email = $1', ['again@example.test']);
    expect(users.rows[0].count).toBe(1);
  });

  it("rejects an existing user's address", async () => {
    const invitations = await countRows(tenant, 'invitations');
    const response = await invite({ email: admin.email.toUpperCase(), accessLevel: 'read' });

    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('USER_ALREADY_EXISTS');
    expect(await countRows(tenant, 'invitations')).toBe(invitations);
    expect(await mailsTo(admin.email)).toHaveLength(0);
    const level = await tenant.admin.query('SELECT access_level FROM esm.users WHERE id = $1', [admin.id]);
    expect(level.rows[0].access_level).toBe('admin');
  });

  it.each([
    ['an address without @', { email: 'no-at-sign.example.test', accessLevel: 'read' }, 'USER_EMAIL_INVALID'],
    ['an address without a dotted domain', { email: 'name@localhost', accessLevel: 'read' }, 'USER_EMAIL_INVALID'],
    ['a mobile number with letters', { email: 'm1@example.test', accessLevel: 'read', mobile: '070-ABC 45 67' }, 'USER_MOBILE_INVALID'],
    ['a mobile number with 6 digits', { email: 'm2@example.test', accessLevel: 'read', mobile: '123 456' }, 'USER_MOBILE_INVALID'],
  ])('rejects %s with 422', async (_case, payload, code) => {
    const users = await countRows(tenant, 'users');
    const response = await invite(payload);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe(code);
    expect(await countRows(tenant, 'users')).toBe(users);
  });

  it.each([
    ['an unknown access level', { email: 'x@example.test', accessLevel: 'owner' }],
    ['an unknown locale', { email: 'x@example.test', accessLevel: 'read', locale: 'de' }],
    ['a missing access level', { email: 'x@example.test' }],
  ])('rejects %s with REQUEST_INVALID', async (_case, payload) => {
    const response = await invite(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
  });

  it('reports a failed invitation e-mail', async () => {
    const failing = await buildTenantApp(tenant.secret, {
      logger: createLogger('test', { level: 'silent' }),
      mailer: {
        send: async () => {
          throw new Error('mail server refused the message');
        },
      },
    });
    try {
      const response = await failing.inject({
        method: 'POST',
        url: '/api/users/invitations',
        headers: bearer(admin.token),
        payload: { email: 'unsent@example.test', accessLevel: 'read' },
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('USER_INVITATION_MAIL_FAILED');
      const invitation = await tenant.admin.query('SELECT sent_at FROM esm.invitations WHERE email = $1', ['unsent@example.test']);
      expect(invitation.rows).toEqual([{ sent_at: null }]);
    } finally {
      await failing.close();
    }
  });
});
