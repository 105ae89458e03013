import type { FastifyRequest } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@esm/common';
import { withRequestTransaction, type TenantContext } from '../context.js';
import { bearer, countRows, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';

/**
 * A read-level user must not change anything with a hand-made request. The
 * API rejects it by level, and the database rejects it again, because a read
 * user's transaction runs under the read-only role.
 */
describe('read user writes', () => {
  let tenant: TestTenant;
  let reader: { id: string; email: string; token: string };
  let objectId: string;
  let relationId: string;
  let otherUserId: string;

  beforeAll(async () => {
    tenant = await createTestTenant('read-only');
    reader = await createUserWithToken(tenant, 'read');
    otherUserId = (await createUserWithToken(tenant, 'write')).id;
    const objects = await tenant.admin.query<{ id: string }>(
      "INSERT INTO esm.objects (type, name) VALUES ('process', 'Billing'), ('application', 'Ledger') RETURNING id",
    );
    objectId = objects.rows[0]!.id;
    const relation = await tenant.admin.query<{ id: string }>(
      "INSERT INTO esm.relations (type, source_id, target_id) VALUES ('supported_by', $1, $2) RETURNING id",
      [objectId, objects.rows[1]!.id],
    );
    relationId = relation.rows[0]!.id;
  });

  afterAll(async () => tenant.close());

  async function snapshot() {
    const users = await tenant.admin.query('SELECT id, access_level, status, mobile FROM esm.users ORDER BY id');
    const objects = await tenant.admin.query('SELECT id, name, version FROM esm.objects ORDER BY id');
    return {
      users: users.rows,
      objects: objects.rows,
      relations: await countRows(tenant, 'relations'),
      invitations: await countRows(tenant, 'invitations'),
      audit: await countRows(tenant, 'audit_entries'),
    };
  }

  const refusedByLevel: [string, string, () => Record<string, unknown> | undefined][] = [
    ['POST', '/api/objects', () => ({ type: 'process', name: 'Forged' })],
    ['PATCH', '/api/objects/:object', () => ({ version: 1, name: 'Renamed' })],
    ['DELETE', '/api/objects/:object?version=1', () => undefined],
    ['POST', '/api/relations', () => ({ type: 'supported_by', sourceId: objectId, targetId: objectId })],
    ['DELETE', '/api/relations/:relation', () => undefined],
    ['POST', '/api/users/invitations', () => ({ email: 'forged@example.test', accessLevel: 'admin' })],
    ['PATCH', '/api/users/:user', () => ({ accessLevel: 'admin' })],
    ['PATCH', '/api/users/:self', () => ({ accessLevel: 'admin' })],
    ['POST', '/api/users/:user/reset-factor', () => undefined],
    ['POST', '/api/users/:user/revoke-sessions', () => undefined],
    ['POST', '/api/users/:user/unlock', () => undefined],
  ];

  // No route exists for these methods and paths, for any level.
  const unknownRoutes: [string, string][] = [
    ['PUT', '/api/objects/:object'],
    ['PUT', '/api/relations/:relation'],
    ['PATCH', '/api/relations/:relation'],
    ['PUT', '/api/users/:user'],
    ['DELETE', '/api/users/:user'],
  ];

  function url(template: string): string {
    return template
      .replace(':object', objectId)
      .replace(':relation', relationId)
      .replace(':user', otherUserId)
      .replace(':self', reader.id);
  }

  it.each(refusedByLevel)('rejects %s %s with ACCESS_DENIED', async (method, template, payload) => {
    const before = await snapshot();
    const body = payload();
    const response = await tenant.app.inject({
      method: method as 'POST' | 'PATCH' | 'DELETE',
      url: url(template),
      headers: bearer(reader.token),
      ...(body ? { payload: body } : {}),
    });

    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ACCESS_DENIED');
    expect(await snapshot()).toEqual(before);
  });

  it.each(unknownRoutes)('answers %s %s with ROUTE_NOT_FOUND', async (method, template) => {
    const before = await snapshot();
    const response = await tenant.app.inject({
      method: method as 'PUT' | 'PATCH' | 'DELETE',
      url: url(template),
      headers: bearer(reader.token),
      payload: { name: 'Replaced', accessLevel: 'admin' },
    });

    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
    expect(await snapshot()).toEqual(before);
  });

  describe('in the database, past the API check', () => {
    let pool: pg.Pool;
    let context: TenantContext;
    const readRequest = () => ({ user: { accessLevel: 'read' } }) as FastifyRequest;

    beforeAll(() => {
      pool = new pg.Pool({ ...tenant.secret.database.app, max: 1 });
      // withRequestTransaction reads only the database access of the context.
      context = { database: { pool, readOnlyRole: tenant.secret.database.readOnly.user } } as TenantContext;
    });

    afterAll(async () => pool.end());

    it.each([
      ['an object insert', "INSERT INTO objects (type, name) VALUES ('process', 'Forged')"],
      ['an object update', "UPDATE objects SET name = 'Renamed'"],
      ['an object delete', 'DELETE FROM objects'],
      ['a relation insert', "INSERT INTO relations (type, source_id, target_id) SELECT 'supported_by', id, id FROM objects LIMIT 1"],
      ['a relation delete', 'DELETE FROM relations'],
      ['a raise of the own access level', "UPDATE users SET access_level = 'admin'"],
      ['a user insert', "INSERT INTO users (email, access_level, status) VALUES ('forged@example.test', 'admin', 'active')"],
      ['an invitation insert', "INSERT INTO invitations (token_hash, email, access_level, expires_at) VALUES ('\\x00', 'x@example.test', 'admin', now())"],
      ['a session update', 'UPDATE sessions SET revoked_at = NULL, revoked_reason = NULL'],
      ['an audit insert', "INSERT INTO audit_entries (action, entity_type) VALUES ('object.deleted', 'object')"],
      ['a read of refresh token hashes', 'SELECT hash FROM refresh_tokens'],
    ])('rejects %s with SQLSTATE 42501', async (_case, statement) => {
      const before = await snapshot();
      const error = await withRequestTransaction(context, readRequest(), (transaction) => transaction.query(statement)).catch(
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('ACCESS_DENIED');
      expect(((error as AppError).cause as { code: string }).code).toBe('42501');
      expect(await snapshot()).toEqual(before);
    });
  });
});
