import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, countRows, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';
import { createRequirementSetThroughApi, insertObject } from '../../test-support/requirements.js';

describe('compliance statement routes', () => {
  let tenant: TestTenant;
  let admin: { id: string; token: string };
  let writer: { id: string; token: string };
  let reader: { id: string; token: string };
  let setId: string;
  let ids: Record<string, string>;
  let application: string;

  beforeAll(async () => {
    tenant = await createTestTenant('statements');
    admin = await createUserWithToken(tenant, 'admin');
    writer = await createUserWithToken(tenant, 'write');
    reader = await createUserWithToken(tenant, 'read');
    ({ setId, ids } = await createRequirementSetThroughApi(tenant, admin.token, 'Baseline', [
      { identifier: 'G', kind: 'group', children: [{ identifier: 'R1' }, { identifier: 'R2' }, { identifier: 'R3' }, { identifier: 'R4' }] },
      { identifier: 'SERVERS', kind: 'group', children: [{ identifier: 'S1' }] },
    ]));
    const rule = await tenant.app.inject({
      method: 'POST',
      url: `/api/requirements/${ids.SERVERS}/applicability-rules`,
      headers: bearer(admin.token),
      payload: { objectTypes: ['server'] },
    });
    expect(rule.statusCode).toBe(201);
    application = await insertObject(tenant, 'application', 'Ledger');
  });

  afterAll(async () => tenant.close());

  function put(requirement: string, payload: object, token = writer.token, objectId = application) {
    return tenant.app.inject({ method: 'PUT', url: `/api/objects/${objectId}/statements/${requirement}`, headers: bearer(token), payload });
  }

  function bulk(payload: object, token = writer.token) {
    return tenant.app.inject({ method: 'POST', url: '/api/statements/bulk', headers: bearer(token), payload });
  }

  async function statementRows(objectId = application) {
    const result = await tenant.admin.query(
      'SELECT requirement_id, status, reason, version FROM esm.compliance_statements WHERE object_id = $1 ORDER BY requirement_id',
      [objectId],
    );
    return result.rows;
  }

  async function auditFor(requirementId: string, objectId = application) {
    const result = await tenant.admin.query('SELECT action, actor_id, before, after FROM esm.audit_entries WHERE entity_id = $1 ORDER BY id', [
      `${objectId}/${requirementId}`,
    ]);
    return result.rows;
  }

  it('creates a statement, then changes it by version, with an audit entry each', async () => {
    const created = await put(ids.R1!, { status: 'partly_fulfilled', comment: 'Backups untested', responsible: 'IT', decidedOn: '2025-03-01' });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({
      objectId: application,
      requirementId: ids.R1,
      status: 'partly_fulfilled',
      comment: 'Backups untested',
      responsible: 'IT',
      decidedOn: '2025-03-01',
      version: 1,
      updatedBy: writer.id,
    });

    const changed = await put(ids.R1!, { status: 'fulfilled', version: 1 });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ status: 'fulfilled', comment: '', version: 2 });

    const entries = await auditFor(ids.R1!);
    expect(entries.map((entry) => entry.action)).toEqual(['statement.set', 'statement.set']);
    expect(entries[1]).toMatchObject({ actor_id: writer.id, before: { status: 'partly_fulfilled', version: 1 }, after: { status: 'fulfilled', version: 2 } });
  });

  it('rejects a stale or missing version with the current statement', async () => {
    const response = await put(ids.R1!, { status: 'not_fulfilled' });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: 'STATEMENT_VERSION_CONFLICT', differingFields: ['status'] });
    expect(response.json().error.current).toMatchObject({ status: 'fulfilled', version: 2 });

    const stale = await put(ids.R1!, { status: 'not_fulfilled', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect((await statementRows()).find((row) => row.requirement_id === ids.R1)).toMatchObject({ status: 'fulfilled', version: 2 });
  });

  it('rejects not applicable without a reason with STATEMENT_REASON_MISSING', async () => {
    const before = await statementRows();
    for (const payload of [{ status: 'not_applicable' }, { status: 'not_applicable', reason: '   ' }]) {
      const response = await put(ids.R2!, payload);
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('STATEMENT_REASON_MISSING');
    }
    expect(await statementRows()).toEqual(before);

    const withReason = await put(ids.R2!, { status: 'not_applicable', reason: 'No personal data' });
    expect(withReason.json()).toMatchObject({ status: 'not_applicable', reason: 'No personal data' });
  });

  it('rejects a requirement that does not apply to the object with STATEMENT_REQUIREMENT_NOT_APPLICABLE', async () => {
    const response = await put(ids.S1!, { status: 'fulfilled' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('STATEMENT_REQUIREMENT_NOT_APPLICABLE');
    expect(response.json().error.message).toContain('S1');
    expect(await auditFor(ids.S1!)).toEqual([]);
  });

  it('rejects a group with STATEMENT_REQUIREMENT_IS_GROUP and a requirement as object with STATEMENT_REQUIREMENT_NOT_APPLICABLE', async () => {
    const group = await put(ids.G!, { status: 'fulfilled' });
    expect(group.statusCode).toBe(422);
    expect(group.json().error.code).toBe('STATEMENT_REQUIREMENT_IS_GROUP');
    const onRequirement = await put(ids.R1!, { status: 'fulfilled' }, writer.token, ids.R2!);
    expect(onRequirement.statusCode).toBe(422);
    expect(onRequirement.json().error.code).toBe('STATEMENT_REQUIREMENT_NOT_APPLICABLE');
  });

  it('keeps statements of a withdrawn requirement but rejects changes to them', async () => {
    await put(ids.R4!, { status: 'not_fulfilled' });
    const requirement = await tenant.app.inject({ method: 'GET', url: `/api/requirements/${ids.R4}`, headers: bearer(reader.token) });
    const withdrawn = await tenant.app.inject({
      method: 'PATCH',
      url: `/api/requirements/${ids.R4}`,
      headers: bearer(admin.token),
      payload: { version: requirement.json().version, withdrawn: true },
    });
    expect(withdrawn.statusCode).toBe(200);
    const response = await put(ids.R4!, { status: 'fulfilled', version: 1 });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('STATEMENT_REQUIREMENT_WITHDRAWN');

    const list = await tenant.app.inject({ method: 'GET', url: `/api/objects/${application}/statements`, headers: bearer(reader.token) });
    const keptStatement = list.json().statements.find((statement: { requirementId: string }) => statement.requirementId === ids.R4);
    expect(keptStatement).toMatchObject({ status: 'not_fulfilled', requirement: { identifier: 'R4', withdrawn: true } });
  });

  it('lists the statements of an object and the applicable requirements without one', async () => {
    const response = await tenant.app.inject({ method: 'GET', url: `/api/objects/${application}/statements`, headers: bearer(reader.token) });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.object).toEqual({ id: application, type: 'application', name: 'Ledger' });
    expect(body.statements.map((statement: { requirement: { identifier: string } }) => statement.requirement.identifier)).toEqual(['R1', 'R2', 'R4']);
    expect(body.statements[0]).toMatchObject({ applicable: true, requirement: { set: { id: setId, name: 'Baseline' }, title: 'Title of R1' } });
    expect(body.missing.map((requirement: { identifier: string }) => requirement.identifier)).toEqual(['R3']);
  });

  it('sets one status on many pairs in one request', async () => {
    const servers = [await insertObject(tenant, 'server', 'db-1'), await insertObject(tenant, 'server', 'db-2')];
    const response = await bulk({
      status: 'fulfilled',
      comment: 'Hardened image',
      items: servers.flatMap((server) => [
        { objectId: server, requirementId: ids.S1 },
        { objectId: server, requirementId: ids.R3 },
      ]),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().statements).toHaveLength(4);
    for (const server of servers) {
      expect((await statementRows(server)).map((row) => row.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(await auditFor(ids.S1!, server)).toHaveLength(1);
    }
  });

  it('rejects a whole bulk request for one bad pair', async () => {
    const server = await insertObject(tenant, 'server', 'db-3');
    const statementsBefore = await tenant.admin.query('SELECT count(*)::int AS count FROM esm.compliance_statements');
    const entriesBefore = await countRows(tenant, 'audit_entries');
    const response = await bulk({
      status: 'not_fulfilled',
      items: [
        { objectId: server, requirementId: ids.R3 },
        { objectId: server, requirementId: ids.S1 },
        // Applications are outside the SERVERS group's rule.
        { objectId: application, requirementId: ids.S1 },
      ],
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({ code: 'STATEMENT_REQUIREMENT_NOT_APPLICABLE', item: 2 });
    const statementsAfter = await tenant.admin.query('SELECT count(*)::int AS count FROM esm.compliance_statements');
    expect(statementsAfter.rows[0].count).toBe(statementsBefore.rows[0].count);
    expect(await countRows(tenant, 'audit_entries')).toBe(entriesBefore);

    const stale = await bulk({ status: 'not_fulfilled', items: [{ objectId: server, requirementId: ids.R3 }, { objectId: application, requirementId: ids.R1, version: 1 }] });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'STATEMENT_VERSION_CONFLICT', item: 1, current: { version: 2 } });
    expect(await statementRows(server)).toEqual([]);
  });

  it('rejects the same pair twice in a bulk request with STATEMENT_BULK_DUPLICATE', async () => {
    const pair = { objectId: application, requirementId: ids.R3 };
    const response = await bulk({ status: 'fulfilled', items: [pair, pair] });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('STATEMENT_BULK_DUPLICATE');
  });

  it('removes a statement by version with an audit entry', async () => {
    const stale = await tenant.app.inject({ method: 'DELETE', url: `/api/objects/${application}/statements/${ids.R2}?version=7`, headers: bearer(writer.token) });
    expect(stale.statusCode).toBe(409);
    const removed = await tenant.app.inject({ method: 'DELETE', url: `/api/objects/${application}/statements/${ids.R2}?version=1`, headers: bearer(writer.token) });
    expect(removed.statusCode).toBe(204);
    expect((await statementRows()).map((row) => row.requirement_id)).not.toContain(ids.R2);
    expect((await auditFor(ids.R2!)).at(-1)).toMatchObject({ action: 'statement.removed', after: null, before: { status: 'not_applicable' } });
    const again = await tenant.app.inject({ method: 'DELETE', url: `/api/objects/${application}/statements/${ids.R2}`, headers: bearer(writer.token) });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('STATEMENT_NOT_FOUND');
  });

  it('rejects every write of a read user with ACCESS_DENIED and changes nothing', async () => {
    const before = await statementRows();
    const entries = await countRows(tenant, 'audit_entries');
    const responses = [
      await put(ids.R3!, { status: 'fulfilled' }, reader.token),
      await bulk({ status: 'fulfilled', items: [{ objectId: application, requirementId: ids.R3 }] }, reader.token),
      await tenant.app.inject({ method: 'DELETE', url: `/api/objects/${application}/statements/${ids.R1}`, headers: bearer(reader.token) }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('ACCESS_DENIED');
    }
    expect(await statementRows()).toEqual(before);
    expect(await countRows(tenant, 'audit_entries')).toBe(entries);
  });

  it('rejects an unknown status and a bulk request over 1,000 pairs with REQUEST_INVALID', async () => {
    const status = await put(ids.R3!, { status: 'done' });
    expect(status.statusCode).toBe(400);
    expect(status.json().error.code).toBe('REQUEST_INVALID');
    const items = Array.from({ length: 1001 }, () => ({ objectId: application, requirementId: ids.R3 }));
    const tooMany = await bulk({ status: 'fulfilled', items });
    expect(tooMany.statusCode).toBe(400);
  });
});
