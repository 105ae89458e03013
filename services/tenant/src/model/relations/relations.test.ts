import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, countRows, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';

describe('relation routes', () => {
  let tenant: TestTenant;
  let token: string;
  let source: { id: string };
  let target: { id: string };

  beforeAll(async () => {
    tenant = await createTestTenant('relations');
    token = (await createUserWithToken(tenant, 'write')).token;
    const create = (name: string) =>
      tenant.app.inject({ method: 'POST', url: '/api/objects', headers: bearer(token), payload: { type: 'Process', name } });
    source = (await create('Source')).json();
    target = (await create('Target')).json();
  });

  afterAll(async () => tenant.close());

  it('creates a relation with both ends and an audit entry', async () => {
    const response = await tenant.app.inject({
      method: 'POST',
      url: '/api/relations',
      headers: bearer(token),
      payload: { type: 'Triggering', sourceId: source.id, targetId: target.id, name: 'starts' },
    });
    expect(response.statusCode).toBe(201);
    const relation = response.json();
    expect(relation).toMatchObject({ type: 'Triggering', name: 'starts', source: { name: 'Source' }, target: { name: 'Target' } });
    const audit = await tenant.admin.query('SELECT action FROM esm.audit_entries WHERE entity_id = $1', [relation.id]);
    expect(audit.rows).toEqual([{ action: 'relation.created' }]);
  });

  it('rejects a relation to a missing object with RELATION_ENDPOINT_NOT_FOUND', async () => {
    const before = await countRows(tenant, 'audit_entries');
    const response = await tenant.app.inject({
      method: 'POST',
      url: '/api/relations',
      headers: bearer(token),
      payload: { type: 'Flow', sourceId: source.id, targetId: randomUUID() },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('RELATION_ENDPOINT_NOT_FOUND');
    expect(await countRows(tenant, 'audit_entries')).toBe(before);
  });

  it.each([
    ['type', { type: 'Fl\u0000ow' }],
    ['name', { name: 'st\u0000arts' }],
    ['attribute key', { attributes: { 'a\u0000b': 'x' } }],
    ['attribute value', { attributes: { note: 'a\u0000b' } }],
  ])('rejects a NUL in the %s with REQUEST_INVALID', async (_case, fields) => {
    const relations = await countRows(tenant, 'relations');
    const entries = await countRows(tenant, 'audit_entries');
    const response = await tenant.app.inject({
      method: 'POST',
      url: '/api/relations',
      headers: bearer(token),
      payload: { type: 'Flow', sourceId: source.id, targetId: target.id, ...fields },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
    expect(await countRows(tenant, 'relations')).toBe(relations);
    expect(await countRows(tenant, 'audit_entries')).toBe(entries);
  });

  it('deletes a relation and audits it', async () => {
    const relation = (
      await tenant.app.inject({
        method: 'POST',
        url: '/api/relations',
        headers: bearer(token),
        payload: { type: 'Flow', sourceId: source.id, targetId: target.id },
      })
    ).json();
    const response = await tenant.app.inject({ method: 'DELETE', url: `/api/relations/${relation.id}`, headers: bearer(token) });
    expect(response.statusCode).toBe(204);
    const audit = await tenant.admin.query('SELECT action, before FROM esm.audit_entries WHERE entity_id = $1 ORDER BY id', [relation.id]);
    expect(audit.rows.map((row) => row.action)).toEqual(['relation.created', 'relation.deleted']);
    expect(audit.rows[1].before).toMatchObject({ id: relation.id, type: 'Flow' });
  });

  it('rejects deleting an unknown relation with RELATION_NOT_FOUND', async () => {
    const response = await tenant.app.inject({ method: 'DELETE', url: `/api/relations/${randomUUID()}`, headers: bearer(token) });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('RELATION_NOT_FOUND');
  });
});
