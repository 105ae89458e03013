import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@esm/common';
import { withTransaction } from '../../db/transaction.js';
import { bearer, countRows, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';
import { auditEntriesOf, createObjectAs, createRelationAs, snapshotModel } from '../../test-support/model-requests.js';
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

  function patch(id: string, payload: object, token = writer.token) {
    return tenant.app.inject({ method: 'PATCH', url: `/api/objects/${id}`, headers: bearer(token), payload });
  }

  it('creates an object with an audit entry naming the user', async () => {
    const response = await create({
      type: 'application',
      name: 'Ledger',
      attributes: { system_owner: 'Finance', user_count: 40 },
      externalId: 'LEDGER-1',
    });
    expect(response.statusCode).toBe(201);
    const object = response.json();
    expect(object).toMatchObject({ type: 'application', name: 'Ledger', description: '', externalId: 'LEDGER-1', version: 1 });

    const [entry] = await auditEntriesOf(tenant, object.id);
    expect(entry).toMatchObject({ action: 'object.created', actor_id: writer.id, actor_email: writer.email, before: null });
    expect(entry!.after).toMatchObject({ id: object.id, name: 'Ledger', externalId: 'LEDGER-1' });
    expect(entry!.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(entry!.client_address).toBe('127.0.0.1');
  });

  it.each([
    ['an empty name', { type: 'application', name: '' }],
    ['a type of 101 characters', { type: 'x'.repeat(101), name: 'n' }],
    ['a nested attribute', { type: 'application', name: 'n', attributes: { nested: { a: 1 } } }],
    ['201 attributes', { type: 'application', name: 'n', attributes: Object.fromEntries([...Array(201).keys()].map((i) => [`k${i}`, i])) }],
    ['an empty external id', { type: 'application', name: 'n', externalId: '' }],
    ['an external id of 501 characters', { type: 'application', name: 'n', externalId: 'x'.repeat(501) }],
    ['a NUL in the type', { type: 'app\u0000lication', name: 'n' }],
    ['a NUL in the name', { type: 'application', name: 'Led\u0000ger' }],
    ['a NUL in the description', { type: 'application', name: 'n', description: 'a\u0000b' }],
    ['a NUL in an attribute key', { type: 'application', name: 'n', attributes: { 'ow\u0000ner': 'x' } }],
    ['a NUL in an attribute value', { type: 'application', name: 'n', attributes: { system_owner: 'Fin\u0000ance' } }],
    ['a NUL in the external id', { type: 'application', name: 'n', externalId: 'a\u0000b' }],
  ])('rejects %s with REQUEST_INVALID', async (_case, payload) => {
    const before = await snapshotModel(tenant);
    const response = await create(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
    expect(await snapshotModel(tenant)).toEqual(before);
  });

  it.each([
    ['an unknown type', { type: 'Application', name: 'n' }, 'OBJECT_TYPE_UNKNOWN'],
    ['an attribute the type lacks', { type: 'application', name: 'n', attributes: { owner: 'x' } }, 'OBJECT_ATTRIBUTES_INVALID'],
    ['a number attribute given as text', { type: 'application', name: 'n', attributes: { user_count: 'many' } }, 'OBJECT_ATTRIBUTES_INVALID'],
    ['a requirement set', { type: 'requirement_set', name: 'ISO 27001' }, 'OBJECT_TYPE_RESERVED'],
    ['a requirement', { type: 'requirement', name: 'A.5.1' }, 'OBJECT_TYPE_RESERVED'],
  ])('rejects %s with 422 and changes nothing', async (_case, payload, code) => {
    const before = await snapshotModel(tenant);
    const response = await create(payload);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe(code);
    expect(await snapshotModel(tenant)).toEqual(before);
  });

  it('rejects an external id that another object has with OBJECT_EXTERNAL_ID_TAKEN', async () => {
    const first = await createObjectAs(tenant, writer.token, { type: 'server', name: 'First', externalId: 'CMDB-17' });
    const second = await createObjectAs(tenant, writer.token, { type: 'server', name: 'Second' });
    const before = await snapshotModel(tenant);

    const created = await create({ type: 'server', name: 'Third', externalId: 'CMDB-17' });
    expect(created.statusCode).toBe(409);
    expect(created.json().error.code).toBe('OBJECT_EXTERNAL_ID_TAKEN');
    expect(created.json().error.message).toContain('CMDB-17');

    const changed = await patch(second.id, { version: 1, externalId: 'CMDB-17' });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('OBJECT_EXTERNAL_ID_TAKEN');
    expect(await snapshotModel(tenant)).toEqual(before);

    const released = await patch(first.id, { version: 1, externalId: null });
    expect(released.json()).toMatchObject({ externalId: null, version: 2 });
    expect((await patch(second.id, { version: 1, externalId: 'CMDB-17' })).json()).toMatchObject({ externalId: 'CMDB-17', version: 2 });
  });

  it.each([
    ['name', { name: 'a\u0000b' }],
    ['description', { description: 'a\u0000b' }],
    ['attribute key', { attributes: { 'a\u0000b': 'x' } }],
    ['attribute value', { attributes: { process_owner: 'a\u0000b' } }],
  ])('rejects a change with a NUL in the %s with REQUEST_INVALID', async (_case, payload) => {
    const object = await createObjectAs(tenant, writer.token, { type: 'process', name: 'Unchanged' });
    const before = await snapshotModel(tenant);
    const response = await patch(object.id, { version: 1, ...payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
    expect(await snapshotModel(tenant)).toEqual(before);
  });

  it('rejects a change without a version with REQUEST_INVALID', async () => {
    const object = await createObjectAs(tenant, writer.token, { type: 'process', name: 'Versionless' });
    const response = await patch(object.id, { name: 'Renamed' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
    expect((await tenant.admin.query('SELECT name FROM esm.objects WHERE id = $1', [object.id])).rows[0].name).toBe('Versionless');
  });

  it('updates an object, raises its version and audits before and after', async () => {
    const object = await createObjectAs(tenant, writer.token, { type: 'process', name: 'Billing' });
    const response = await patch(object.id, { version: 1, name: 'Invoicing', description: 'Sends invoices.' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'Invoicing', description: 'Sends invoices.', version: 2 });

    const entries = await auditEntriesOf(tenant, object.id);
    expect(entries.map((entry) => entry.action)).toEqual(['object.created', 'object.updated']);
    expect(entries[1]!.before).toMatchObject({ name: 'Billing', version: 1 });
    expect(entries[1]!.after).toMatchObject({ name: 'Invoicing', version: 2 });
  });

  it('replaces the attributes as a whole and checks them against the type', async () => {
    const object = await createObjectAs(tenant, writer.token, {
      type: 'application',
      name: 'Payroll',
      attributes: { system_owner: 'HR', lifecycle: 'in_use' },
    });
    const replaced = await patch(object.id, { version: 1, attributes: { lifecycle: 'retired' } });
    expect(replaced.json().attributes).toEqual({ lifecycle: 'retired' });

    const before = await snapshotModel(tenant);
    const invalid = await patch(object.id, { version: 2, attributes: { lifecycle: 'sunset' } });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().error.code).toBe('OBJECT_ATTRIBUTES_INVALID');
    expect(invalid.json().error.fields).toEqual([expect.objectContaining({ field: 'attributes.lifecycle', code: 'ATTRIBUTE_CHOICE_INVALID' })]);
    expect(await snapshotModel(tenant)).toEqual(before);
  });

  it('changes the type when the attributes fit the new type', async () => {
    const object = await createObjectAs(tenant, writer.token, { type: 'server', name: 'Box', attributes: { hostname: 'box1' } });
    const before = await snapshotModel(tenant);
    const unfit = await patch(object.id, { version: 1, type: 'network' });
    expect(unfit.statusCode).toBe(422);
    expect(unfit.json().error.code).toBe('OBJECT_ATTRIBUTES_INVALID');
    expect(await snapshotModel(tenant)).toEqual(before);

    const changed = await patch(object.id, { version: 1, type: 'network', attributes: { zone: 'DMZ' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ type: 'network', attributes: { zone: 'DMZ' }, version: 2 });
  });

  it('rejects a type change to or from a requirement type, and any edit of a requirement set, with OBJECT_TYPE_RESERVED', async () => {
    const object = await createObjectAs(tenant, writer.token, { type: 'process', name: 'Not a requirement' });
    const requirementSet = await tenant.admin.query<{ id: string }>(
      "INSERT INTO esm.objects (type, name) VALUES ('requirement_set', 'Imported set') RETURNING id",
    );
    const setId = requirementSet.rows[0]!.id;
    const before = await snapshotModel(tenant);

    const toRequirement = await patch(object.id, { version: 1, type: 'requirement' });
    expect(toRequirement.statusCode).toBe(422);
    expect(toRequirement.json().error.code).toBe('OBJECT_TYPE_RESERVED');
    const fromRequirementSet = await patch(setId, { version: 1, type: 'process' });
    expect(fromRequirementSet.statusCode).toBe(422);
    expect(fromRequirementSet.json().error.code).toBe('OBJECT_TYPE_RESERVED');
    const renamed = await patch(setId, { version: 1, name: 'Renamed set', description: 'Edited through the objects API.' });
    expect(renamed.statusCode).toBe(422);
    expect(renamed.json().error.code).toBe('OBJECT_TYPE_RESERVED');
    expect(await snapshotModel(tenant)).toEqual(before);
  });

  it('returns an object with its incoming and outgoing relations', async () => {
    const server = await createObjectAs(tenant, writer.token, { type: 'server', name: 'Server' });
    const application = await createObjectAs(tenant, writer.token, { type: 'application', name: 'CRM' });
    await createRelationAs(tenant, writer.token, 'runs_on', application.id, server.id);
    const response = await tenant.app.inject({ method: 'GET', url: `/api/objects/${server.id}`, headers: bearer(reader.token) });
    expect(response.statusCode).toBe(200);
    expect(response.json().relations.outgoing).toEqual([]);
    expect(response.json().relations.incoming[0]).toMatchObject({ type: 'runs_on', source: { id: application.id, name: 'CRM', type: 'application' } });
  });

  it('rejects a write by a read user with ACCESS_DENIED', async () => {
    const object = await createObjectAs(tenant, writer.token, { type: 'process', name: 'Guarded' });
    const before = await snapshotModel(tenant);
    const requests = [
      create({ type: 'process', name: 'Forbidden' }, reader.token),
      patch(object.id, { version: 1, name: 'Forbidden' }, reader.token),
      tenant.app.inject({ method: 'DELETE', url: `/api/objects/${object.id}?version=1`, headers: bearer(reader.token) }),
    ];
    for (const response of await Promise.all(requests)) {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('ACCESS_DENIED');
    }
    expect(await snapshotModel(tenant)).toEqual(before);
  });

  it('has PostgreSQL reject a write in a read-only transaction', async () => {
    const pool = new pg.Pool({ ...tenant.secret.database.app, max: 1 });
    const database = { pool, readOnlyRole: tenant.secret.database.readOnly.user };
    const source = { actorId: reader.id, actorEmail: reader.email, requestId: 'test', clientAddress: '127.0.0.1' };
    try {
      const attempt = withTransaction(database, { readOnly: true }, (transaction) =>
        createObject(transaction, source, { type: 'application', name: 'Sneaky' }),
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
    expect(types.statusCode).toBe(200);
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
