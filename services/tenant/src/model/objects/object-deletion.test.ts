import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';
import { auditEntriesOf, createObjectAs, createRelationAs, snapshotModel, type ObjectBody } from '../../test-support/model-requests.js';

describe('object deletion', () => {
  let tenant: TestTenant;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    tenant = await createTestTenant('deletion');
    writer = (await createUserWithToken(tenant, 'write')).token;
    reader = (await createUserWithToken(tenant, 'read')).token;
  });

  afterAll(async () => tenant.close());

  /** Sets a confidentiality level on an information object through the classification routes, which propagate it. */
  async function setConfidentiality(objectId: string, level: number): Promise<void> {
    const response = await tenant.app.inject({
      method: 'PUT',
      url: `/api/objects/${objectId}/classification/confidentiality`,
      headers: bearer(writer),
      payload: { level, justification: 'Set by the test.' },
    });
    expect(response.statusCode, response.body).toBe(200);
  }

  async function inheritedConfidentiality(objectId: string): Promise<number | null> {
    const result = await tenant.admin.query<{ level: number }>(
      "SELECT level FROM esm.inherited_levels WHERE object_id = $1 AND dimension = 'confidentiality'",
      [objectId],
    );
    return result.rows[0]?.level ?? null;
  }

  function preview(id: string, token = reader) {
    return tenant.app.inject({ method: 'GET', url: `/api/objects/${id}/deletion-preview`, headers: bearer(token) });
  }

  function remove(id: string, version: number) {
    return tenant.app.inject({ method: 'DELETE', url: `/api/objects/${id}?version=${version}`, headers: bearer(writer) });
  }

  it('lowers an application level after deleting its information object, as previewed', async () => {
    const secret = await createObjectAs(tenant, writer, { type: 'information_object', name: 'Patient records' });
    const open = await createObjectAs(tenant, writer, { type: 'information_object', name: 'Opening hours' });
    const application = await createObjectAs(tenant, writer, { type: 'application', name: 'Care portal' });
    const server = await createObjectAs(tenant, writer, { type: 'server', name: 'Portal host' });
    const secretRelation = await createRelationAs(tenant, writer, 'handled_in', secret.id, application.id);
    await createRelationAs(tenant, writer, 'handled_in', open.id, application.id);
    await createRelationAs(tenant, writer, 'runs_on', application.id, server.id);
    await setConfidentiality(secret.id, 3);
    await setConfidentiality(open.id, 1);
    expect(await inheritedConfidentiality(application.id)).toBe(3);
    expect(await inheritedConfidentiality(server.id)).toBe(3);

    const previewed = await preview(secret.id);
    expect(previewed.statusCode).toBe(200);
    expect(previewed.json()).toEqual({
      object: { id: secret.id, name: 'Patient records', type: 'information_object', version: 1 },
      relations: [
        { id: secretRelation, type: 'handled_in', direction: 'outgoing', other: { id: application.id, name: 'Care portal', type: 'application' } },
      ],
      levelChanges: expect.arrayContaining([
        { objectId: application.id, objectName: 'Care portal', objectType: 'application', dimension: 'confidentiality', before: 3, after: 1 },
        { objectId: server.id, objectName: 'Portal host', objectType: 'server', dimension: 'confidentiality', before: 3, after: 1 },
      ]),
      statements: 0,
      references: [],
    });
    expect(previewed.json().levelChanges).toHaveLength(2);
    expect(await inheritedConfidentiality(application.id)).toBe(3);

    const deleted = await remove(secret.id, 1);
    expect(deleted.statusCode).toBe(204);
    expect(await inheritedConfidentiality(application.id)).toBe(1);
    expect(await inheritedConfidentiality(server.id)).toBe(1);

    // The level set through the classification routes has entries of its own, for the entity type 'classification'.
    const entries = (await auditEntriesOf(tenant, secret.id)).filter((entry) => entry.entity_type === 'object');
    expect(entries.map((entry) => entry.action)).toEqual(['object.created', 'object.deleted']);
    expect(entries[1]!.before).toMatchObject({ id: secret.id, name: 'Patient records' });
    expect((entries[1]!.after as { levelChanges: unknown[] }).levelChanges).toEqual(
      expect.arrayContaining(previewed.json().levelChanges.map(({ objectName: _n, objectType: _t, ...change }: Record<string, unknown>) => change)),
    );
    expect(entries[1]!.after).toMatchObject({ assignmentsRemoved: [{ dimension: 'confidentiality', level: 3, justification: 'Set by the test.' }] });
    expect((await auditEntriesOf(tenant, secretRelation)).map((entry) => entry.action)).toEqual(['relation.created', 'relation.deleted']);
  });

  it('lowers the inherited level when the relation that carried it is deleted', async () => {
    const information = await createObjectAs(tenant, writer, { type: 'information_object', name: 'Payroll data' });
    const application = await createObjectAs(tenant, writer, { type: 'application', name: 'Payroll' });
    const relationId = await createRelationAs(tenant, writer, 'handled_in', information.id, application.id);
    await setConfidentiality(information.id, 4);
    expect(await inheritedConfidentiality(application.id)).toBe(4);

    const response = await tenant.app.inject({ method: 'DELETE', url: `/api/relations/${relationId}`, headers: bearer(writer) });
    expect(response.statusCode).toBe(204);
    expect(await inheritedConfidentiality(application.id)).toBeNull();
    const [, deletion] = await auditEntriesOf(tenant, relationId);
    expect(deletion!.after).toEqual({
      levelChanges: [{ objectId: application.id, dimension: 'confidentiality', before: 4, after: null }],
    });
  });

  it('clears reference attributes that point to the deleted object and audits each change', async () => {
    const supplier = await createObjectAs(tenant, writer, { type: 'partner', name: 'Hosting AB' });
    const application = await createObjectAs(tenant, writer, {
      type: 'application',
      name: 'Web shop',
      attributes: { supplier: supplier.id, system_owner: 'Sales' },
    });

    const previewed = await preview(supplier.id);
    expect(previewed.json().references).toEqual([
      { objectId: application.id, objectName: 'Web shop', objectType: 'application', attribute: 'supplier', required: false },
    ]);

    expect((await remove(supplier.id, 1)).statusCode).toBe(204);
    const stored = await tenant.admin.query('SELECT attributes, version FROM esm.objects WHERE id = $1', [application.id]);
    expect(stored.rows[0]).toEqual({ attributes: { system_owner: 'Sales' }, version: 2 });

    const entries = await auditEntriesOf(tenant, application.id);
    expect(entries.map((entry) => entry.action)).toEqual(['object.created', 'object.updated']);
    expect(entries[1]!.before).toMatchObject({ attributes: { supplier: supplier.id } });
    expect(entries[1]!.after).toMatchObject({ attributes: { system_owner: 'Sales' }, version: 2 });
    const [, deletion] = await auditEntriesOf(tenant, supplier.id);
    expect(deletion!.after).toMatchObject({ clearedReferences: [{ objectId: application.id, attribute: 'supplier' }] });
  });

  it('counts the compliance statements that go and removes them with the object', async () => {
    const application = await createObjectAs(tenant, writer, { type: 'application', name: 'Assessed' });
    await tenant.admin.query(
      `WITH requirement_set AS (INSERT INTO esm.objects (type, name) VALUES ('requirement_set', 'Policy') RETURNING id),
            set_row AS (INSERT INTO esm.requirement_sets (object_id) SELECT id FROM requirement_set RETURNING object_id),
            requirement AS (INSERT INTO esm.objects (type, name) VALUES ('requirement', 'Back up daily') RETURNING id),
            requirement_row AS (
              INSERT INTO esm.requirements (object_id, set_id, identifier, kind)
              SELECT requirement.id, set_row.object_id, 'R1', 'requirement' FROM requirement, set_row RETURNING object_id)
       INSERT INTO esm.compliance_statements (object_id, requirement_id, status) SELECT $1, object_id, 'fulfilled' FROM requirement_row`,
      [application.id],
    );

    expect((await preview(application.id)).json().statements).toBe(1);
    expect((await remove(application.id, 1)).statusCode).toBe(204);
    const left = await tenant.admin.query('SELECT 1 FROM esm.compliance_statements WHERE object_id = $1', [application.id]);
    expect(left.rowCount).toBe(0);
    const [, deletion] = await auditEntriesOf(tenant, application.id);
    expect(deletion!.after).toMatchObject({ statementsRemoved: 1 });
  });

  it('rejects the preview and the deletion of a requirement set with OBJECT_TYPE_RESERVED', async () => {
    const inserted = await tenant.admin.query<{ id: string }>("INSERT INTO esm.objects (type, name) VALUES ('requirement_set', 'Kept') RETURNING id");
    const id = inserted.rows[0]!.id;
    const before = await snapshotModel(tenant);

    for (const response of [await preview(id), await remove(id, 1)]) {
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('OBJECT_TYPE_RESERVED');
    }
    expect(await snapshotModel(tenant)).toEqual(before);
  });

  it('rejects the preview and the deletion of an unknown object with OBJECT_NOT_FOUND', async () => {
    const id = randomUUID();
    for (const response of [await preview(id), await remove(id, 1)]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('OBJECT_NOT_FOUND');
    }
  });

  it('removes a relation from the object to itself once', async () => {
    const application: ObjectBody = await createObjectAs(tenant, writer, { type: 'application', name: 'Self-reliant' });
    const relationId = await createRelationAs(tenant, writer, 'depends_on', application.id, application.id);
    expect((await preview(application.id)).json().relations).toEqual([
      { id: relationId, type: 'depends_on', direction: 'outgoing', other: { id: application.id, name: 'Self-reliant', type: 'application' } },
    ]);
    expect((await remove(application.id, 1)).statusCode).toBe(204);
    expect((await auditEntriesOf(tenant, relationId)).map((entry) => entry.action)).toEqual(['relation.created', 'relation.deleted']);
  });
});
