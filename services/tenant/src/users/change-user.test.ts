import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@esm/common';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';
import { changeUser } from './change-user.js';

describe('PATCH /api/users/:id', () => {
  let tenant: TestTenant;
  let admin: { id: string; email: string; token: string };

  beforeAll(async () => {
    tenant = await createTestTenant('change-users');
    admin = await createUserWithToken(tenant, 'admin');
  });

  afterAll(async () => tenant.close());

  function patch(id: string, payload: Record<string, unknown>, token = admin.token) {
    return tenant.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: bearer(token), payload });
  }

  function createObject(token: string) {
    return tenant.app.inject({ method: 'POST', url: '/api/objects', headers: bearer(token), payload: { type: 'process', name: 'Billing' } });
  }

  async function changeAudits(id: string) {
    const result = await tenant.admin.query<{ actor_id: string; before: unknown; after: unknown }>(
      "SELECT actor_id, before, after FROM esm.audit_entries WHERE action = 'user.changed' AND entity_id = $1 ORDER BY id",
      [id],
    );
    return result.rows;
  }

  async function storedUser(id: string) {
    const result = await tenant.admin.query<{ access_level: string; status: string; mobile: string | null }>(
      'SELECT access_level, status, mobile FROM esm.users WHERE id = $1',
      [id],
    );
    return result.rows[0]!;
  }

  it('lowers the level at once', async () => {
    const writer = await createUserWithToken(tenant, 'write');
    expect((await createObject(writer.token)).statusCode).toBe(201);

    const response = await patch(writer.id, { accessLevel: 'read' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: writer.id, accessLevel: 'read', status: 'active' });
    const refused = await createObject(writer.token);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('ACCESS_DENIED');
    expect(await changeAudits(writer.id)).toEqual([
      {
        actor_id: admin.id,
        before: { accessLevel: 'write', status: 'active' },
        after: { accessLevel: 'read', status: 'active', mobileChanged: false },
      },
    ]);
  });

  it('raises the level at once', async () => {
    const reader = await createUserWithToken(tenant, 'read');
    expect((await createObject(reader.token)).statusCode).toBe(403);
    expect((await patch(reader.id, { accessLevel: 'write' })).statusCode).toBe(200);
    expect((await createObject(reader.token)).statusCode).toBe(201);
  });

  it('deactivation revokes sessions', async () => {
    const writer = await createUserWithToken(tenant, 'write');
    const response = await patch(writer.id, { status: 'deactivated' });

    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('deactivated');
    const me = await tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(writer.token) });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('AUTH_TOKEN_INVALID');
    const session = await tenant.admin.query('SELECT revoked_reason FROM esm.sessions WHERE id = $1', [writer.sessionId]);
    expect(session.rows[0].revoked_reason).toBe('deactivated');
    const revoked = await tenant.admin.query("SELECT actor_id FROM esm.audit_entries WHERE action = 'session.revoked' AND entity_id = $1", [
      writer.sessionId,
    ]);
    expect(revoked.rows).toEqual([{ actor_id: admin.id }]);
    expect((await changeAudits(writer.id))[0]!.after).toEqual({ accessLevel: 'write', status: 'deactivated', mobileChanged: false });
  });

  it('reactivation keeps sessions revoked', async () => {
    const writer = await createUserWithToken(tenant, 'write');
    await patch(writer.id, { status: 'deactivated' });
    const response = await patch(writer.id, { status: 'active' });
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('active');
    expect((await tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(writer.token) })).statusCode).toBe(401);
  });

  it('reactivates an invitee as pending', async () => {
    const invited = await tenant.app.inject({
      method: 'POST',
      url: '/api/users/invitations',
      headers: bearer(admin.token),
      payload: { email: 'never-accepted@example.test', accessLevel: 'read' },
    });
    const id = invited.json().id as string;
    expect((await patch(id, { status: 'deactivated' })).json().status).toBe('deactivated');
    expect((await patch(id, { status: 'active' })).json().status).toBe('pending');
  });

  it('keeps mobile numbers out of audit', async () => {
    const writer = await createUserWithToken(tenant, 'write');
    expect((await patch(writer.id, { mobile: '+46 70 111 22 33' })).json().mobile).toBe('+46 70 111 22 33');
    expect((await patch(writer.id, { mobile: null })).json().mobile).toBeNull();
    const audits = await changeAudits(writer.id);
    expect(audits.map((audit) => audit.after)).toEqual([
      { accessLevel: 'write', status: 'active', mobileChanged: true },
      { accessLevel: 'write', status: 'active', mobileChanged: true },
    ]);
    expect(JSON.stringify(audits)).not.toContain('111 22 33');
  });

  it.each([
    ['lower their own level', { accessLevel: 'write' }],
    ['deactivate themselves', { status: 'deactivated' }],
  ])('rejects an administrator who would %s with USER_SELF_CHANGE', async (_case, payload) => {
    const response = await patch(admin.id, payload);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('USER_SELF_CHANGE');
    expect(await storedUser(admin.id)).toMatchObject({ access_level: 'admin', status: 'active' });
    expect(await changeAudits(admin.id)).toEqual([]);
  });

  it('allows an own mobile change', async () => {
    const other = await createUserWithToken(tenant, 'admin');
    const response = await patch(other.id, { mobile: '070-999 88 77', accessLevel: 'admin', status: 'active' }, other.token);
    expect(response.statusCode).toBe(200);
    expect(response.json().mobile).toBe('070-999 88 77');
  });

  it('allows demoting another administrator', async () => {
    const other = await createUserWithToken(tenant, 'admin');
    const response = await patch(other.id, { accessLevel: 'read' });
    expect(response.statusCode).toBe(200);
    expect(await storedUser(other.id)).toMatchObject({ access_level: 'read' });
  });

  it.each([
    ['demoting', { accessLevel: 'write' as const }],
    ['deactivating', { status: 'deactivated' as const }],
  ])('rejects %s the last active administrator with USER_LAST_ADMINISTRATOR', async (_case, changes) => {
    // Through the API the acting administrator is always a second one, so the
    // check guards against two administrators demoting each other at once.
    // Here the actor has lost the level already, as in that race.
    const client = await tenant.admin.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL search_path = esm');
      await client.query("UPDATE users SET access_level = 'write' WHERE access_level = 'admin' AND id <> $1", [admin.id]);
      const actor = randomUUID();
      const source = { actorId: actor, actorEmail: 'former-admin@example.test', requestId: 'test', clientAddress: '127.0.0.1' };

      const error = await changeUser(client, source, actor, admin.id, changes).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('USER_LAST_ADMINISTRATOR');
      expect((error as AppError).status).toBe(409);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('rejects an unknown user with USER_NOT_FOUND', async () => {
    const response = await patch(randomUUID(), { accessLevel: 'read' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('USER_NOT_FOUND');
  });

  it.each([
    ['an id that is not a UUID', 'not-a-uuid', { accessLevel: 'read' }],
    ['status pending', null, { status: 'pending' }],
  ])('rejects %s with REQUEST_INVALID', async (_case, id, payload) => {
    const target = id ?? (await createUserWithToken(tenant, 'read')).id;
    const response = await patch(target, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
  });

  it('ignores an e-mail change', async () => {
    const writer = await createUserWithToken(tenant, 'write');
    const response = await patch(writer.id, { email: 'new@example.test' });
    expect(response.statusCode).toBe(200);
    expect(response.json().email).toBe(writer.email);
    expect(await changeAudits(writer.id)).toEqual([]);
  });

  it('rejects an invalid mobile number with USER_MOBILE_INVALID', async () => {
    const writer = await createUserWithToken(tenant, 'write');
    const response = await patch(writer.id, { mobile: '+46 70 123 45 67 89 01 23 45 67' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('USER_MOBILE_INVALID');
    expect((await storedUser(writer.id)).mobile).toBeNull();
  });
});
