import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';
import { auditEntriesOf, createObjectAs, createRelationAs, snapshotModel, type ObjectBody } from '../../test-support/model-requests.js';

describe('relation routes', () => {
  let tenant: TestTenant;
  let token: string;
  let readToken: string;
  let application: ObjectBody;
  let server: ObjectBody;

  beforeAll(async () => {
    tenant = await createTestTenant('relations');
    token = (await createUserWithToken(tenant, 'write')).token;
    readToken = (await createUserWithToken(tenant, 'read')).token;
    application = await createObjectAs(tenant, token, { type: 'application', name: 'Source' });
    server = await createObjectAs(tenant, token, { type: 'server', name: 'Target' });
  });

  afterAll(async () => tenant.close());

  function createRelation(payload: object, as = token) {
    return tenant.app.inject({ method: 'POST', url: '/api/relations', headers: bearer(as), payload });
  }

  function patchObject(id: string, payload: object) {
    return tenant.app.inject({ method: 'PATCH', url: `/api/objects/${id}`, headers: bearer(token), payload });
  }

  it('creates a relation with both ends and an audit entry', async () => {
    const response = await createRelation({ type: 'runs_on', sourceId: application.id, targetId: server.id, name: 'hosted' });
    expect(response.statusCode).toBe(201);
    const relation = response.json();
    expect(relation).toMatchObject({ type: 'runs_on', name: 'hosted', source: { name: 'Source' }, target: { name: 'Target' } });
    expect((await auditEntriesOf(tenant, relation.id)).map((entry) => entry.action)).toEqual(['relation.created']);
  });

  it.each([
    ['a missing target', () => ({ type: 'runs_on', sourceId: application.id, targetId: randomUUID() }), 422, 'RELATION_ENDPOINT_NOT_FOUND'],
    ['an unknown relation type', () => ({ type: 'Flow', sourceId: application.id, targetId: server.id }), 422, 'RELATION_TYPE_UNKNOWN'],
    ['ends the type does not allow', () => ({ type: 'runs_on', sourceId: server.id, targetId: application.id }), 422, 'RELATION_NOT_ALLOWED'],
    ['a NUL in the type', () => ({ type: 'runs\u0000on', sourceId: application.id, targetId: server.id }), 400, 'REQUEST_INVALID'],
    ['a NUL in the name', () => ({ type: 'runs_on', sourceId: application.id, targetId: server.id, name: 'a\u0000b' }), 400, 'REQUEST_INVALID'],
    ['a NUL in an attribute', () => ({ type: 'runs_on', sourceId: application.id, targetId: server.id, attributes: { note: 'a\u0000b' } }), 400, 'REQUEST_INVALID'],
  ])('rejects %s and changes nothing', async (_case, payload, status, code) => {
    const before = await snapshotModel(tenant);
    const response = await createRelation(payload());
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(await snapshotModel(tenant)).toEqual(before);
  });

  it('rejects a relation by a read user with ACCESS_DENIED', async () => {
    const before = await snapshotModel(tenant);
    const response = await createRelation({ type: 'runs_on', sourceId: application.id, targetId: server.id }, readToken);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ACCESS_DENIED');
    expect(await snapshotModel(tenant)).toEqual(before);
  });

  it('deletes a relation and audits it', async () => {
    const relationId = await createRelationAs(tenant, token, 'runs_on', application.id, server.id);
    const response = await tenant.app.inject({ method: 'DELETE', url: `/api/relations/${relationId}`, headers: bearer(token) });
    expect(response.statusCode).toBe(204);
    const entries = await auditEntriesOf(tenant, relationId);
    expect(entries.map((entry) => entry.action)).toEqual(['relation.created', 'relation.deleted']);
    expect(entries[1]!.before).toMatchObject({ id: relationId, type: 'runs_on' });
    expect((await tenant.admin.query('SELECT 1 FROM esm.relations WHERE id = $1', [relationId])).rowCount).toBe(0);
  });

  it('rejects deleting an unknown relation with RELATION_NOT_FOUND', async () => {
    const response = await tenant.app.inject({ method: 'DELETE', url: `/api/relations/${randomUUID()}`, headers: bearer(token) });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('RELATION_NOT_FOUND');
  });

  describe('illegal relations, whatever the order of calls', () => {
    it('rejects a type change that a relation created first does not allow', async () => {
      const process = await createObjectAs(tenant, token, { type: 'process', name: 'Payroll run' });
      const information = await createObjectAs(tenant, token, { type: 'information_object', name: 'Salaries' });
      const relationId = await createRelationAs(tenant, token, 'uses_information', process.id, information.id);
      const before = await snapshotModel(tenant);

      const response = await patchObject(information.id, { version: 1, type: 'application' });
      expect(response.statusCode).toBe(422);
      const error = response.json().error;
      expect(error.code).toBe('OBJECT_TYPE_CHANGE_BREAKS_RELATIONS');
      expect(error.relations).toEqual([
        {
          id: relationId,
          type: 'uses_information',
          source: { id: process.id, name: 'Payroll run', type: 'process' },
          target: { id: information.id, name: 'Salaries', type: 'information_object' },
        },
      ]);
      expect(error.message).toContain('Payroll run –uses→ Salaries');
      expect(await snapshotModel(tenant)).toEqual(before);
    });

    it('names every relation that a type change breaks, and keeps the allowed ones out', async () => {
      const information = await createObjectAs(tenant, token, { type: 'information_object', name: 'Customer register' });
      const handledIn = await createObjectAs(tenant, token, { type: 'application', name: 'CRM' });
      const sharedWith = await createObjectAs(tenant, token, { type: 'partner', name: 'Mail house' });
      const owner = await createObjectAs(tenant, token, { type: 'organisation_unit', name: 'Sales' });
      const broken = [
        await createRelationAs(tenant, token, 'handled_in', information.id, handledIn.id),
        await createRelationAs(tenant, token, 'shared_with', information.id, sharedWith.id),
      ];
      // responsible_for allows processes as well as information objects, so it survives the change.
      await createRelationAs(tenant, token, 'responsible_for', owner.id, information.id);

      const response = await patchObject(information.id, { version: 1, type: 'process' });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.relations.map((relation: { id: string }) => relation.id).sort()).toEqual([...broken].sort());
    });

    it('rejects a relation to an object whose type was changed first', async () => {
      const process = await createObjectAs(tenant, token, { type: 'process', name: 'Onboarding' });
      const object = await createObjectAs(tenant, token, { type: 'information_object', name: 'Contracts' });
      const changed = await patchObject(object.id, { version: 1, type: 'application' });
      expect(changed.statusCode).toBe(200);
      const before = await snapshotModel(tenant);

      const response = await createRelation({ type: 'uses_information', sourceId: process.id, targetId: object.id });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('RELATION_NOT_ALLOWED');
      expect(await snapshotModel(tenant)).toEqual(before);
    });

    it('allows a type change that every relation of the object allows', async () => {
      const application = await createObjectAs(tenant, token, { type: 'application', name: 'Portal' });
      const serverObject = await createObjectAs(tenant, token, { type: 'server', name: 'Web host' });
      await createRelationAs(tenant, token, 'runs_on', application.id, serverObject.id);

      const response = await patchObject(application.id, { version: 1, type: 'platform_service' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ type: 'platform_service', version: 2 });
    });

    it('lets only one of a type change and a relation creation that race each other succeed', async () => {
      const process = await createObjectAs(tenant, token, { type: 'process', name: 'Race' });
      const object = await createObjectAs(tenant, token, { type: 'information_object', name: 'Raced' });

      const [changed, created] = await Promise.all([
        patchObject(object.id, { version: 1, type: 'application' }),
        createRelation({ type: 'uses_information', sourceId: process.id, targetId: object.id }),
      ]);
      // Whichever runs second finds the other's change committed and is rejected.
      expect([changed.statusCode, created.statusCode].filter((status) => status === 422)).toHaveLength(1);
      expect([200, 201]).toContain(changed.statusCode === 422 ? created.statusCode : changed.statusCode);
      const illegal = await tenant.admin.query(
        `SELECT r.id FROM esm.relations r JOIN esm.objects t ON t.id = r.target_id
         WHERE r.type = 'uses_information' AND t.type <> 'information_object'`,
      );
      expect(illegal.rowCount).toBe(0);
    });
  });
});
