import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, countRows, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';
import { assignLevel, createRequirementSetThroughApi, insertObject, insertRelation } from '../../test-support/requirements.js';

const EMPTY = { fulfilled: 0, partly_fulfilled: 0, not_fulfilled: 0, not_applicable: 0, no_statement: 0, total: 0 };

/**
 * The model of these tests:
 *
 *   unit --responsible_for--> process --supported_by--> ledger (C3) <--depends_on--> archive (C3, later C2), a cycle
 *   ledger --runs_on--> server;   subunit --part_of--> unit;   vault (C4) outside the unit
 *
 * "Baseline" applies to applications and servers, and its group HIGH only to
 * applications from confidentiality 3. "General" has no rule, so it applies to every object.
 */
describe('applicability rules and gap analysis', () => {
  let tenant: TestTenant;
  let admin: { token: string };
  let writer: { token: string };
  let reader: { token: string };
  let baseline: { setId: string; ids: Record<string, string> };
  let general: { setId: string; ids: Record<string, string> };
  const objects: Record<string, string> = {};
  let highRuleId: string;

  beforeAll(async () => {
    tenant = await createTestTenant('gap-analysis');
    admin = await createUserWithToken(tenant, 'admin');
    writer = await createUserWithToken(tenant, 'write');
    reader = await createUserWithToken(tenant, 'read');
    baseline = await createRequirementSetThroughApi(tenant, admin.token, 'Baseline', [
      { identifier: 'B1' },
      { identifier: 'HIGH', kind: 'group', children: [{ identifier: 'H1' }, { identifier: 'H2' }] },
    ]);
    general = await createRequirementSetThroughApi(tenant, admin.token, 'General', [{ identifier: 'X1' }]);

    for (const [name, type] of [
      ['unit', 'organisation_unit'],
      ['subunit', 'organisation_unit'],
      ['process', 'process'],
      ['ledger', 'application'],
      ['archive', 'application'],
      ['server', 'server'],
      ['vault', 'application'],
    ]) {
      objects[name!] = await insertObject(tenant, type!, name!);
    }
    await insertRelation(tenant, 'responsible_for', objects.unit!, objects.process!);
    await insertRelation(tenant, 'supported_by', objects.process!, objects.ledger!);
    await insertRelation(tenant, 'depends_on', objects.ledger!, objects.archive!);
    await insertRelation(tenant, 'depends_on', objects.archive!, objects.ledger!);
    await insertRelation(tenant, 'runs_on', objects.ledger!, objects.server!);
    await insertRelation(tenant, 'part_of', objects.subunit!, objects.unit!);
    await assignLevel(tenant, objects.ledger!, 'confidentiality', 3);
    await assignLevel(tenant, objects.archive!, 'confidentiality', 3);
    await assignLevel(tenant, objects.vault!, 'confidentiality', 4);
  });

  afterAll(async () => tenant.close());

  function get(url: string, token = reader.token) {
    return tenant.app.inject({ method: 'GET', url, headers: bearer(token) });
  }

  function addRule(subject: 'requirement-sets' | 'requirements', id: string, payload: object, token = admin.token) {
    return tenant.app.inject({ method: 'POST', url: `/api/${subject}/${id}/applicability-rules`, headers: bearer(token), payload });
  }

  function setStatement(objectName: string, requirement: string, payload: object) {
    const requirementId = baseline.ids[requirement] ?? general.ids[requirement];
    return tenant.app.inject({
      method: 'PUT',
      url: `/api/objects/${objects[objectName]}/statements/${requirementId}`,
      headers: bearer(writer.token),
      payload,
    });
  }

  async function missingIdentifiers(objectName: string): Promise<string[]> {
    const response = await get(`/api/objects/${objects[objectName]}/statements`);
    return response.json().missing.map((requirement: { identifier: string }) => requirement.identifier);
  }

  it('adds audited rules to a set and a group', async () => {
    const onSet = await addRule('requirement-sets', baseline.setId, { objectTypes: ['application', 'server'] });
    expect(onSet.statusCode).toBe(201);
    const onGroup = await addRule('requirements', baseline.ids.HIGH!, { objectTypes: ['application'], dimension: 'confidentiality', minLevel: 3 });
    expect(onGroup.statusCode).toBe(201);
    expect(onGroup.json()).toMatchObject({ subjectId: baseline.ids.HIGH, objectTypes: ['application'], dimension: 'confidentiality', minLevel: 3 });
    highRuleId = onGroup.json().id;

    const list = await get(`/api/requirements/${baseline.ids.HIGH}/applicability-rules`);
    expect(list.json().rules.map((rule: { id: string }) => rule.id)).toEqual([highRuleId]);
    const audit = await tenant.admin.query("SELECT entity_id FROM esm.audit_entries WHERE action = 'applicability-rule.created' ORDER BY id");
    expect(audit.rows.map((row) => row.entity_id)).toEqual([onSet.json().id, highRuleId]);

    const requirement = await get(`/api/requirements/${baseline.ids.H1}`);
    expect(requirement.json().applicability).toMatchObject({ subjectId: baseline.ids.HIGH, rules: [{ id: highRuleId }] });
  });

  it.each([
    ['an unknown object type', { objectTypes: ['spaceship'] }, 422, 'APPLICABILITY_TYPE_INVALID'],
    ['the requirement type', { objectTypes: ['requirement'] }, 422, 'APPLICABILITY_TYPE_INVALID'],
    ['a level outside the scale', { dimension: 'confidentiality', minLevel: 9 }, 422, 'APPLICABILITY_LEVEL_UNKNOWN'],
    ['a level without a dimension', { minLevel: 2 }, 400, 'REQUEST_INVALID'],
    ['no condition', {}, 400, 'REQUEST_INVALID'],
  ])('rejects a rule with %s and writes nothing', async (_case, payload, status, code) => {
    const entries = await countRows(tenant, 'audit_entries');
    const response = await addRule('requirements', baseline.ids.B1!, payload);
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(await countRows(tenant, 'audit_entries')).toBe(entries);
  });

  it('rejects a rule from a write user with ACCESS_DENIED and writes nothing', async () => {
    const response = await addRule('requirements', baseline.ids.B1!, { objectTypes: ['server'] }, writer.token);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ACCESS_DENIED');
    const rules = await tenant.admin.query('SELECT count(*)::int AS count FROM esm.applicability_rules WHERE subject_id = $1', [baseline.ids.B1]);
    expect(rules.rows[0].count).toBe(0);
  });

  it('applies a level rule from level 3 only', async () => {
    expect(await missingIdentifiers('ledger')).toEqual(['B1', 'H1', 'H2', 'X1']);
    // A statement made while the archive was at level 3 stays when its level drops.
    expect((await setStatement('archive', 'H1', { status: 'fulfilled' })).statusCode).toBe(200);
    await assignLevel(tenant, objects.archive!, 'confidentiality', 2);

    expect(await missingIdentifiers('archive')).toEqual(['B1', 'X1']);
    const statements = await get(`/api/objects/${objects.archive}/statements`);
    expect(statements.json().statements).toMatchObject([{ requirement: { identifier: 'H1' }, applicable: false }]);
    const rejected = await setStatement('archive', 'H2', { status: 'fulfilled' });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json().error.code).toBe('STATEMENT_REQUIREMENT_NOT_APPLICABLE');
  });

  it('applies requirements without any rule to every object that is no requirement', async () => {
    expect(await missingIdentifiers('unit')).toEqual(['X1']);
    expect(await missingIdentifiers('server')).toEqual(['B1', 'X1']);
    expect(await missingIdentifiers('process')).toEqual(['X1']);
    const onRequirement = await get(`/api/objects/${baseline.ids.B1}/statements`);
    expect(onRequirement.json().missing).toEqual([]);
  });

  it('counts the statuses of one object per set', async () => {
    for (const [objectName, requirement, payload] of [
      ['ledger', 'B1', { status: 'fulfilled' }],
      ['ledger', 'H1', { status: 'not_fulfilled' }],
      ['ledger', 'X1', { status: 'not_applicable', reason: 'Covered elsewhere' }],
      ['archive', 'B1', { status: 'partly_fulfilled' }],
      ['server', 'X1', { status: 'fulfilled' }],
      ['vault', 'H1', { status: 'fulfilled' }],
    ] as const) {
      expect((await setStatement(objectName, requirement, payload)).statusCode).toBe(200);
    }

    const response = await get(`/api/gap-analysis/objects/${objects.ledger}`);
    expect(response.statusCode).toBe(200);
    const analysis = response.json();
    expect(analysis.totals).toEqual({ ...EMPTY, fulfilled: 1, not_fulfilled: 1, not_applicable: 1, no_statement: 1, total: 4 });
    expect(analysis.requirementSets.map((set: { name: string }) => set.name)).toEqual(['Baseline', 'General']);
    expect(analysis.requirementSets[0].totals).toEqual({ ...EMPTY, fulfilled: 1, not_fulfilled: 1, no_statement: 1, total: 3 });
    expect(analysis.requirementSets[0].requirements.map((requirement: { identifier: string; status: string }) => [requirement.identifier, requirement.status])).toEqual([
      ['B1', 'fulfilled'],
      ['H1', 'not_fulfilled'],
      ['H2', 'no_statement'],
    ]);

    // The archive's H1 statement no longer applies and is left out.
    const archive = await get(`/api/gap-analysis/objects/${objects.archive}`);
    expect(archive.json().totals).toEqual({ ...EMPTY, partly_fulfilled: 1, no_statement: 1, total: 2 });
  });

  it('counts per requirement of a set the applicable objects per status', async () => {
    const response = await get(`/api/gap-analysis/requirement-sets/${baseline.setId}`);
    expect(response.statusCode).toBe(200);
    const analysis = response.json();
    expect(analysis.requirementSet).toEqual({ id: baseline.setId, name: 'Baseline' });
    const counts = Object.fromEntries(analysis.requirements.map((requirement: { identifier: string; counts: unknown }) => [requirement.identifier, requirement.counts]));
    expect(counts).toEqual({
      B1: { ...EMPTY, fulfilled: 1, partly_fulfilled: 1, no_statement: 2, total: 4 },
      H1: { ...EMPTY, fulfilled: 1, not_fulfilled: 1, total: 2 },
      H2: { ...EMPTY, no_statement: 2, total: 2 },
    });
    expect(analysis.totals).toEqual({ ...EMPTY, fulfilled: 2, partly_fulfilled: 1, not_fulfilled: 1, no_statement: 4, total: 8 });
  });

  it('counts the objects an organisation unit reaches, through a cycle, per set', async () => {
    const response = await get(`/api/gap-analysis/organisation-units/${objects.unit}`);
    expect(response.statusCode).toBe(200);
    const analysis = response.json();
    // unit, process, ledger, archive and server; not the vault, nor the subunit whose relation points to the unit.
    expect(analysis.objects).toBe(5);
    expect(analysis.requirementSets).toEqual([
      { id: baseline.setId, name: 'Baseline', totals: { ...EMPTY, fulfilled: 1, partly_fulfilled: 1, not_fulfilled: 1, no_statement: 2, total: 5 } },
      { id: general.setId, name: 'General', totals: { ...EMPTY, fulfilled: 1, not_applicable: 1, no_statement: 3, total: 5 } },
    ]);
    expect(analysis.totals).toEqual({ ...EMPTY, fulfilled: 2, partly_fulfilled: 1, not_fulfilled: 1, not_applicable: 1, no_statement: 5, total: 10 });
  });

  it('rejects a unit analysis of a process', async () => {
    const response = await get(`/api/gap-analysis/organisation-units/${objects.process}`);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('GAP_ANALYSIS_NOT_ORGANISATION_UNIT');
  });

  it('falls back to the set rule when the group rule is removed', async () => {
    const removed = await tenant.app.inject({ method: 'DELETE', url: `/api/applicability-rules/${highRuleId}`, headers: bearer(admin.token) });
    expect(removed.statusCode).toBe(204);
    const audit = await tenant.admin.query("SELECT before FROM esm.audit_entries WHERE action = 'applicability-rule.removed' AND entity_id = $1", [highRuleId]);
    expect(audit.rows[0].before).toMatchObject({ id: highRuleId, minLevel: 3 });
    expect(await missingIdentifiers('archive')).toEqual(['H2', 'X1']);
    expect(await missingIdentifiers('server')).toEqual(['B1', 'H1', 'H2']);

    const again = await tenant.app.inject({ method: 'DELETE', url: `/api/applicability-rules/${highRuleId}`, headers: bearer(admin.token) });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('APPLICABILITY_RULE_NOT_FOUND');
  });
});
