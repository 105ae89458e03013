import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, countRows, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';
import { createRequirementSetThroughApi, insertObject, insertRelation } from '../../test-support/requirements.js';

describe('requirement set routes', () => {
  let tenant: TestTenant;
  let admin: { id: string; token: string };
  let writer: { id: string; token: string };
  let reader: { id: string; token: string };

  beforeAll(async () => {
    tenant = await createTestTenant('req-sets');
    admin = await createUserWithToken(tenant, 'admin');
    writer = await createUserWithToken(tenant, 'write');
    reader = await createUserWithToken(tenant, 'read');
  });

  afterAll(async () => tenant.close());

  function request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, token: string, payload?: object) {
    return tenant.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  }

  async function auditActions(entityId: string) {
    const result = await tenant.admin.query('SELECT action, before, after FROM esm.audit_entries WHERE entity_id = $1 ORDER BY id', [entityId]);
    return result.rows;
  }

  it('returns a created set as a tree', async () => {
    const { setId, ids } = await createRequirementSetThroughApi(tenant, admin.token, 'Internal rules', [
      { identifier: 'G1', kind: 'group', children: [{ identifier: 'R1', children: [{ identifier: 'R1.1' }] }, { identifier: 'R2' }] },
      { identifier: 'R3' },
    ]);

    const response = await request('GET', `/api/requirement-sets/${setId}`, reader.token);
    expect(response.statusCode).toBe(200);
    const set = response.json();
    expect(set).toMatchObject({ name: 'Internal rules', version: 1, source: { format: 'manual', uuid: null } });
    expect(set.counts).toEqual({ groups: 1, requirements: 4, withdrawn: 0, statements: 0 });
    const shape = (nodes: { identifier: string; children: unknown[] }[]): unknown =>
      nodes.map((node) => [node.identifier, shape(node.children as { identifier: string; children: unknown[] }[])]);
    expect(shape(set.requirements)).toEqual([
      ['G1', [['R1', [['R1.1', []]]], ['R2', []]]],
      ['R3', []],
    ]);
    expect(set.requirements[0].children[0]).toMatchObject({ id: ids.R1, kind: 'requirement', statement: 'Statement of R1', withdrawn: false });

    const list = await request('GET', '/api/requirement-sets', reader.token);
    expect(list.json().requirementSets.map((entry: { id: string }) => entry.id)).toContain(setId);

    const requirement = await request('GET', `/api/requirements/${ids['R1.1']}`, reader.token);
    expect(requirement.json()).toMatchObject({ identifier: 'R1.1', setId, parentId: ids.R1, setName: 'Internal rules' });
    expect(requirement.json().ancestors.map((ancestor: { identifier: string }) => ancestor.identifier)).toEqual(['G1', 'R1']);

    expect((await auditActions(setId)).map((entry) => entry.action)).toEqual([
      'requirement-set.created',
      ...Array(5).fill('requirement-set.changed'),
    ]);
  });

  it('rejects a group under a requirement with REQUIREMENT_PARENT_INVALID', async () => {
    const { setId, ids } = await createRequirementSetThroughApi(tenant, admin.token, 'Parents', [{ identifier: 'R1' }]);
    const response = await request('POST', `/api/requirement-sets/${setId}/requirements`, admin.token, {
      kind: 'group',
      identifier: 'G9',
      title: 'Group',
      parentId: ids.R1,
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('REQUIREMENT_PARENT_INVALID');
  });

  it('rejects a taken identifier with REQUIREMENT_IDENTIFIER_TAKEN', async () => {
    const { setId } = await createRequirementSetThroughApi(tenant, admin.token, 'Taken', [{ identifier: 'R1' }]);
    const response = await request('POST', `/api/requirement-sets/${setId}/requirements`, admin.token, {
      kind: 'requirement',
      identifier: 'R1',
      title: 'Again',
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('REQUIREMENT_IDENTIFIER_TAKEN');
  });

  it('edits a requirement by version', async () => {
    const { ids } = await createRequirementSetThroughApi(tenant, admin.token, 'Versions', [{ identifier: 'R1' }]);
    const changed = await request('PATCH', `/api/requirements/${ids.R1}`, admin.token, { version: 1, title: 'New title', statement: 'New text' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ title: 'New title', statement: 'New text', version: 2 });

    const stale = await request('PATCH', `/api/requirements/${ids.R1}`, admin.token, { version: 1, title: 'Lost update' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'REQUIREMENT_VERSION_CONFLICT', differingFields: ['title'] });
    expect(stale.json().error.current).toMatchObject({ title: 'New title', version: 2 });
    const stored = await tenant.admin.query('SELECT name, version FROM esm.objects WHERE id = $1', [ids.R1]);
    expect(stored.rows[0]).toEqual({ name: 'New title', version: 2 });
  });

  it('renames a set by version and rejects a stale rename', async () => {
    const { setId } = await createRequirementSetThroughApi(tenant, admin.token, 'Old name', []);
    const renamed = await request('PATCH', `/api/requirement-sets/${setId}`, admin.token, { version: 1, name: 'New name' });
    expect(renamed.json()).toMatchObject({ name: 'New name', version: 2 });
    const stale = await request('PATCH', `/api/requirement-sets/${setId}`, admin.token, { version: 1, description: 'x' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('REQUIREMENT_SET_VERSION_CONFLICT');
  });

  it('rejects changes to an imported set with REQUIREMENT_SET_IMPORTED', async () => {
    const catalog = { catalog: { uuid: 'imported-set', metadata: { title: 'Imported' }, controls: [{ id: 'c-1', title: 'Control' }] } };
    const imported = await tenant.app.inject({
      method: 'POST',
      url: '/api/requirement-sets/imports/oscal',
      headers: { ...bearer(admin.token), 'content-type': 'application/json' },
      payload: JSON.stringify(catalog),
    });
    const setId = JSON.parse(imported.body.trim().split('\n').at(-1)!).setId;
    const rename = await request('PATCH', `/api/requirement-sets/${setId}`, admin.token, { version: 1, name: 'Renamed' });
    expect(rename.statusCode).toBe(409);
    expect(rename.json().error.code).toBe('REQUIREMENT_SET_IMPORTED');
    const add = await request('POST', `/api/requirement-sets/${setId}/requirements`, admin.token, { kind: 'requirement', identifier: 'c-2', title: 'x' });
    expect(add.statusCode).toBe(409);
    expect(add.json().error.code).toBe('REQUIREMENT_SET_IMPORTED');
  });

  it('deletes a set only with confirmed counts', async () => {
    const { setId, ids } = await createRequirementSetThroughApi(tenant, admin.token, 'To delete', [
      { identifier: 'G', kind: 'group', children: [{ identifier: 'R1' }, { identifier: 'R2' }] },
    ]);
    const application = await insertObject(tenant, 'application', 'Assessed application');
    const server = await insertObject(tenant, 'server', 'Server next to a requirement');
    // A relation type without allowed ends may connect a requirement to another object.
    await tenant.admin.query(
      `INSERT INTO esm.relation_types (key, name_sv, reverse_name_sv, name_en, reverse_name_en)
       VALUES ('covers', 'täcker', 'täcks av', 'covers', 'is covered by') ON CONFLICT DO NOTHING`,
    );
    await insertRelation(tenant, 'covers', ids.R1!, server);
    const statement = await request('PUT', `/api/objects/${application}/statements/${ids.R1}`, writer.token, { status: 'fulfilled' });
    expect(statement.statusCode).toBe(200);

    const preview = await request('GET', `/api/requirement-sets/${setId}/delete-preview`, admin.token);
    expect(preview.json()).toEqual({ requirements: 3, statements: 1, applicabilityRules: 0 });

    const objectsBefore = await countRows(tenant, 'objects');
    const unconfirmed = await request('DELETE', `/api/requirement-sets/${setId}?requirements=3&statements=0`, admin.token);
    expect(unconfirmed.statusCode).toBe(409);
    expect(unconfirmed.json().error.code).toBe('REQUIREMENT_SET_DELETE_UNCONFIRMED');
    expect(unconfirmed.json().error.message).toContain('1');
    expect(await countRows(tenant, 'objects')).toBe(objectsBefore);

    const deleted = await request('DELETE', `/api/requirement-sets/${setId}?requirements=3&statements=1`, admin.token);
    expect(deleted.statusCode).toBe(204);
    expect(await countRows(tenant, 'objects')).toBe(objectsBefore - 4);
    const leftovers = await tenant.admin.query(
      'SELECT (SELECT count(*) FROM esm.requirements WHERE set_id = $1)::int AS requirements, (SELECT count(*) FROM esm.compliance_statements WHERE object_id = $2)::int AS statements',
      [setId, application],
    );
    expect(leftovers.rows[0]).toEqual({ requirements: 0, statements: 0 });
    const [, , , , entry] = await auditActions(setId);
    expect(entry.action).toBe('requirement-set.deleted');
    expect(entry.before.statements).toEqual([{ objectId: application, requirement: 'R1', status: 'fulfilled', version: 1 }]);
    expect((await request('GET', `/api/requirement-sets/${setId}`, reader.token)).statusCode).toBe(404);
  });

  it.each([
    ['write', 'POST', '/api/requirement-sets', { name: 'Not allowed' }],
    ['read', 'POST', '/api/requirement-sets', { name: 'Not allowed' }],
  ] as const)('rejects a %s user creating a set with ACCESS_DENIED and writes nothing', async (level, method, url, payload) => {
    const token = level === 'write' ? writer.token : reader.token;
    const objects = await countRows(tenant, 'objects');
    const response = await request(method, url, token, payload);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ACCESS_DENIED');
    expect(await countRows(tenant, 'objects')).toBe(objects);
  });

  it('rejects a write user deleting a set with ACCESS_DENIED and keeps the set', async () => {
    const { setId } = await createRequirementSetThroughApi(tenant, admin.token, 'Kept', [{ identifier: 'R1' }]);
    const response = await request('DELETE', `/api/requirement-sets/${setId}?requirements=1&statements=0`, writer.token);
    expect(response.statusCode).toBe(403);
    expect((await request('GET', `/api/requirement-sets/${setId}`, reader.token)).statusCode).toBe(200);
  });

  it('returns REQUIREMENT_SET_NOT_FOUND for an unknown set', async () => {
    const response = await request('GET', '/api/requirement-sets/00000000-0000-4000-8000-000000000000', reader.token);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('REQUIREMENT_SET_NOT_FOUND');
  });
});
