import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@esm/common';
import { withTransaction } from '../../db/transaction.js';
import { bearer, countRows, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';
import { createObject } from './objects.js';

describe('object routes', () => {
  let tenant: TestTenant;
  let writer: { id: string; email: string; token: string };
  let reader: { id: string; email: string; token: string };

  beforeAll(async () => {
    tenant = await createTestTenant('objects');
    writer = await createUserWithToken(tenant, 'write');
    reader = await createUserWithToken(tenant, 'read');
  });

  afterAll(async () => tenant.close());

  function create(payload: object, token = writer.token) {
    return tenant.app.inject({ method: 'POST', url: '/api/objects', headers: bearer(token), payload });
  }

  async function auditEntriesFor(entityId: string) {
    const result = await tenant.admin.query('SELECT * FROM esm.audit_entries WHERE entity_id = $1 ORDER BY id', [entityId]);
    return result.rows;
  }

  it('creates an object with an audit entry naming the user', async () => {
    const response = await create({ type: 'Application', name: 'Ledger', attributes: { owner: 'Finance', critical: true } });
    expect(response.statusCode).toBe(201);
    const object = response.json();
    expect(object).toMatchObject({ type: 'Application', name: 'Ledger', description: '', version: 1 });

    const [entry] = await auditEntriesFor(object.id);
    expect(entry).toMatchObject({ action: 'object.created', actor_id: writer.id, actor_email: writer.email, before: null });
    expect(entry.after).toMatchObject({ id: object.id, name: 'Ledger' });
    expect(entry.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(entry.client_address).toBe('127.0.0.1');
  });

  it.each([
    ['an empty name', { type: 'Application', name: '' }],
    ['a type of 101 characters', { type: 'x'.repeat(101), name: 'n' }],
    ['a nested attribute', { type: 'Application', name: 'n', attributes: { nested: { a: 1 } } }],
    ['201 attributes', { type: 'Application', name: 'n', attributes: Object.fromEntries([...Array(201).keys()].map((i) => [`k${i}`, i])) }],
    ['a NUL in the type', { type: 'App\u0000lication', name: 'n' }],
    ['a NUL in the name', { type: 'Application', name: 'Led\u0000ger' }],
    ['a NUL in the description', { type: 'Application', name: 'n', description: 'a\u0000b' }],
    ['a NUL in an attribute key', { type: 'Application', name: 'n', attributes: { 'ow\u0000ner': 'x' } }],
    ['a NUL in an attribute value', { type: 'Application', name: 'n', attributes: { owner: 'Fin\u0000ance' } }],
  ])('rejects %s with REQUEST_INVALID', async (_case, payload) => {
    const before = await countRows(tenant, 'objects');
    const response = await create(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
    expect(await countRows(tenant, 'objects')).toBe(before);
  });

  it.each([
    ['name', { name: 'a\u0000b' }],
    ['description', { description: 'a\u0000b' }],
    ['attribute key', { attributes: { 'a\u0000b': 'x' } }],
    ['attribute value', { attributes: { owner: 'a\u0000b' } }],
  ])('rejects a change with a NUL in the %s with REQUEST_INVALID', async (_case, payload) => {
    const object = (await create({ type: 'Process', name: 'Unchanged' })).json();
    const entries = await countRows(tenant, 'audit_entries');
    const response = await tenant.app.inject({ method: 'PATCH', url: `/api/objects/${object.id}`, headers: bearer(writer.token), payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
    const stored = await tenant.admin.query('SELECT name, description, attributes, version FROM esm.objects WHERE id = $1', [object.id]);
    expect(stored.rows[0]).toEqual({ name: 'Unchanged', description: '', attributes: {}, version: 1 });
    expect(await countRows(tenant, 'audit_entries')).toBe(entries);
  });

  it('rejects a type filter with a NUL with REQUEST_INVALID', async () => {
    const response = await tenant.app.inject({ method: 'GET', url: '/api/objects?type=a%00b', headers: bearer(reader.token) });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
  });

  it.each([
    ['an id of 36 dashes', ['p1', '-'.repeat(36)]],
    ['an id with a wrong layout', ['p1', '0123456789abcdef0123456789abcdef0123']],
    ['an id with a NUL', ['p1', '00000000-0000-0000-0000-00000000000\u0000']],
    ['a name with a NUL', ['p\u0000', '00000000-0000-4000-8000-000000000000']],
    ['a number as name', [1, '00000000-0000-4000-8000-000000000000']],
  ])('rejects a cursor with %s with PAGE_CURSOR_INVALID', async (_case, cursor) => {
    const after = Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
    const response = await tenant.app.inject({ method: 'GET', url: `/api/objects?after=${after}`, headers: bearer(reader.token) });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('PAGE_CURSOR_INVALID');
  });

  it('updates an object, raises its version and audits before and after', async () => {
    const object = (await create({ type: 'Process', name: 'Billing' })).json();
    const response = await tenant.app.inject({
      method: 'PATCH',
      url: `/api/objects/${object.id}`,
      headers: bearer(writer.token),
      payload: { name: 'Invoicing', description: 'Sends invoices.' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'Invoicing', description: 'Sends invoices.', version: 2 });

    const entries = await auditEntriesFor(object.id);
    expect(entries.map((entry) => entry.action)).toEqual(['object.created', 'object.updated']);
    expect(entries[1].before).toMatchObject({ name: 'Billing', version: 1 });
    expect(entries[1].after).toMatchObject({ name: 'Invoicing', version: 2 });
  });

  it('deletes an object with its relations and audits each', async () => {
    const a = (await create({ type: 'Process', name: 'A' })).json();
    const b = (await create({ type: 'Process', name: 'B' })).json();
    const relation = (
      await tenant.app.inject({
        method: 'POST',
        url: '/api/relations',
        headers: bearer(writer.token),
        payload: { type: 'Flow', sourceId: a.id, targetId: b.id },
      })
    ).json();

    const response = await tenant.app.inject({ method: 'DELETE', url: `/api/objects/${a.id}`, headers: bearer(writer.token) });
    expect(response.statusCode).toBe(204);
    expect((await tenant.admin.query('SELECT 1 FROM esm.relations WHERE id = $1', [relation.id])).rowCount).toBe(0);
    expect((await auditEntriesFor(relation.id)).map((entry) => entry.action)).toEqual(['relation.created', 'relation.deleted']);
    expect((await auditEntriesFor(a.id)).map((entry) => entry.action)).toEqual(['object.created', 'object.deleted']);

    const again = await tenant.app.inject({ method: 'GET', url: `/api/objects/${a.id}`, headers: bearer(reader.token) });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('OBJECT_NOT_FOUND');
  });

  it('returns an object with its incoming and outgoing relations', async () => {
    const a = (await create({ type: 'Node', name: 'Server' })).json();
    const b = (await create({ type: 'Application', name: 'CRM' })).json();
    await tenant.app.inject({
      method: 'POST',
      url: '/api/relations',
      headers: bearer(writer.token),
      payload: { type: 'Serving', sourceId: a.id, targetId: b.id, name: 'hosts' },
    });
    const response = await tenant.app.inject({ method: 'GET', url: `/api/objects/${b.id}`, headers: bearer(reader.token) });
    expect(response.statusCode).toBe(200);
    expect(response.json().relations.outgoing).toEqual([]);
    expect(response.json().relations.incoming[0]).toMatchObject({ type: 'Serving', source: { id: a.id, name: 'Server', type: 'Node' } });
  });

  it('pages through objects by name', async () => {
    for (const name of ['p1', 'p2', 'p3']) await create({ type: 'Paged', name });
    const first = await tenant.app.inject({ method: 'GET', url: '/api/objects?type=Paged&limit=2', headers: bearer(reader.token) });
    expect(first.json().objects.map((object: { name: string }) => object.name)).toEqual(['p1', 'p2']);
    const next = first.json().next as string;
    const second = await tenant.app.inject({ method: 'GET', url: `/api/objects?type=Paged&limit=2&after=${next}`, headers: bearer(reader.token) });
    expect(second.json()).toMatchObject({ objects: [{ name: 'p3' }], next: null });

    const invalid = await tenant.app.inject({ method: 'GET', url: '/api/objects?after=garbage', headers: bearer(reader.token) });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('PAGE_CURSOR_INVALID');
  });

  it('rejects a write by a read user with ACCESS_DENIED', async () => {
    const before = await countRows(tenant, 'objects');
    const response = await create({ type: 'Application', name: 'Forbidden' }, reader.token);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ACCESS_DENIED');
    expect(await countRows(tenant, 'objects')).toBe(before);
  });

  it('has PostgreSQL reject a write in a read-only transaction', async () => {
    const pool = new pg.Pool({ ...tenant.secret.database.app, max: 1 });
    const database = { pool, readOnlyRole: tenant.secret.database.readOnly.user };
    const source = { actorId: reader.id, actorEmail: reader.email, requestId: 'test', clientAddress: '127.0.0.1' };
    try {
      const attempt = withTransaction(database, { readOnly: true }, (transaction) =>
        createObject(transaction, source, { type: 'Application', name: 'Sneaky' }),
      );
      const error = await attempt.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('ACCESS_DENIED');
      expect(((error as AppError).cause as { code: string }).code).toBe('42501');
    } finally {
      await pool.end();
    }
    expect((await tenant.admin.query("SELECT 1 FROM esm.objects WHERE name = 'Sneaky'")).rowCount).toBe(0);
  });

  it('counts objects by type and in total', async () => {
    const types = await tenant.app.inject({ method: 'GET', url: '/api/object-types', headers: bearer(reader.token) });
    expect(types.json().types).toContainEqual({ type: 'Paged', count: 3 });
    const stats = await tenant.app.inject({ method: 'GET', url: '/api/stats', headers: bearer(reader.token) });
    expect(stats.json()).toEqual({ objects: await countRows(tenant, 'objects'), relations: await countRows(tenant, 'relations') });
  });

  it('lists audit entries newest first with paging', async () => {
    const first = await tenant.app.inject({ method: 'GET', url: '/api/audit?limit=2', headers: bearer(reader.token) });
    expect(first.statusCode).toBe(200);
    const [newer, older] = first.json().entries;
    expect(Number(newer.id)).toBeGreaterThan(Number(older.id));
    expect(newer.actor).toEqual({ id: writer.id, email: writer.email });
    const second = await tenant.app.inject({ method: 'GET', url: `/api/audit?limit=2&before=${older.id}`, headers: bearer(reader.token) });
    expect(Number(second.json().entries[0].id)).toBeLessThan(Number(older.id));
  });
});
