import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';
import { auditEntriesOf, createObjectAs, createRelationAs } from '../test-support/model-requests.js';

let tenant: TestTenant;
let adminToken: string;
let writeToken: string;
let readToken: string;

beforeAll(async () => {
  tenant = await createTestTenant('classification-routes');
  adminToken = (await createUserWithToken(tenant, 'admin')).token;
  writeToken = (await createUserWithToken(tenant, 'write')).token;
  readToken = (await createUserWithToken(tenant, 'read')).token;
});

afterAll(async () => {
  await tenant?.close();
});

function request(method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, token: string, payload?: object) {
  return tenant.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
}

function setLevel(objectId: string, dimension: string, payload: object, token = writeToken) {
  return request('PUT', `/api/objects/${objectId}/classification/${dimension}`, token, payload);
}

async function classificationOf(objectId: string) {
  const response = await request('GET', `/api/objects/${objectId}/classification`, readToken);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function effectiveLevels(objectId: string): Promise<Record<string, number>> {
  const view = await classificationOf(objectId);
  const levels: Record<string, number> = {};
  for (const dimension of view.dimensions) {
    if (dimension.effective) levels[dimension.dimension] = dimension.effective.level;
  }
  return levels;
}

/** Reads the classification tables, the scale and the number of audit entries, to check that a rejected request changed nothing. */
async function snapshotClassification(): Promise<unknown> {
  const result = await tenant.admin.query(`
    SELECT (SELECT coalesce(jsonb_agg(a ORDER BY a.object_id, a.dimension), '[]') FROM esm.classification_assignments a) AS assignments,
           (SELECT coalesce(jsonb_agg(i ORDER BY i.object_id, i.dimension), '[]') FROM esm.inherited_levels i) AS inherited,
           (SELECT coalesce(jsonb_agg(d ORDER BY d.key), '[]') FROM esm.classification_dimensions d) AS dimensions,
           (SELECT coalesce(jsonb_agg(l ORDER BY l.dimension, l.level), '[]') FROM esm.classification_levels l) AS levels,
           (SELECT count(*)::int FROM esm.audit_entries) AS audit_entries`);
  return result.rows[0];
}

/** Collects the change notices PostgreSQL delivers on the tenant's channel while `work` runs. */
async function collectNotices(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const client: pg.PoolClient = await tenant.admin.connect();
  const notices: Record<string, unknown>[] = [];
  client.on('notification', (message) => notices.push(JSON.parse(message.payload ?? '{}')));
  try {
    await client.query('LISTEN esm_changes');
    await work();
    // Notices arrive asynchronously after the commit; a round trip on the listening connection flushes them.
    await client.query('SELECT 1');
    return notices;
  } finally {
    await client.query('UNLISTEN esm_changes');
    client.release();
  }
}

describe('cycle through the routes', () => {
  it('cycle of applications inherits and is reported', async () => {
    const process = await createObjectAs(tenant, writeToken, { type: 'process', name: 'Case handling' });
    const information = await createObjectAs(tenant, writeToken, { type: 'information_object', name: 'Case files' });
    const applicationA = await createObjectAs(tenant, writeToken, { type: 'application', name: 'Case system' });
    const applicationB = await createObjectAs(tenant, writeToken, { type: 'application', name: 'Archive' });
    await createRelationAs(tenant, writeToken, 'uses_information', process.id, information.id);
    const handledIn = await createRelationAs(tenant, writeToken, 'handled_in', information.id, applicationA.id);
    const aToB = await createRelationAs(tenant, writeToken, 'depends_on', applicationA.id, applicationB.id);
    await createRelationAs(tenant, writeToken, 'depends_on', applicationB.id, applicationA.id);
    await createRelationAs(tenant, writeToken, 'depends_on', applicationA.id, applicationA.id);

    for (const [dimension, level] of [['confidentiality', 3], ['integrity', 2], ['availability', 2]] as const) {
      const response = await setLevel(information.id, dimension, { level, justification: 'Personal data of clients' });
      expect(response.statusCode, response.body).toBe(200);
    }

    const expected = { confidentiality: 3, integrity: 2, availability: 2 };
    expect(await effectiveLevels(applicationA.id)).toEqual(expected);
    expect(await effectiveLevels(applicationB.id)).toEqual(expected);
    expect(await effectiveLevels(process.id)).toEqual({});

    const cycles = await request('GET', '/api/classification/cycles', readToken);
    expect(cycles.statusCode).toBe(200);
    const cycleIds = cycles.json().cycles.map((cycle: { objects: { id: string }[] }) => cycle.objects.map((object) => object.id));
    expect(cycleIds).toContainEqual([applicationA.id, applicationB.id].sort());

    const viewOfB = await classificationOf(applicationB.id);
    expect(viewOfB.cycle.map((object: { id: string }) => object.id)).toEqual([applicationA.id, applicationB.id].sort());
    const confidentiality = viewOfB.dimensions.find((dimension: { dimension: string }) => dimension.dimension === 'confidentiality');
    expect(confidentiality.assigned).toBeNull();
    expect(confidentiality.effective).toEqual({ level: 3, origin: 'inherited' });
    expect(confidentiality.inherited).toMatchObject({ level: 3, complete: true, source: { id: information.id, name: 'Case files' } });
    expect(confidentiality.inherited.path).toMatchObject([
      { relation: { id: handledIn, type: 'handled_in', flow: 'source_to_target', nameEn: 'is handled in' }, from: { id: information.id }, to: { id: applicationA.id } },
      { relation: { id: aToB, type: 'depends_on' }, from: { id: applicationA.id }, to: { id: applicationB.id, name: 'Archive' } },
    ]);
    expect((await classificationOf(process.id)).cycle).toBeNull();
  });
});

describe('levels set by hand', () => {
  let information: { id: string };
  let application: { id: string };
  let server: { id: string };

  beforeAll(async () => {
    information = await createObjectAs(tenant, writeToken, { type: 'information_object', name: 'Payroll data' });
    application = await createObjectAs(tenant, writeToken, { type: 'application', name: 'Payroll system' });
    server = await createObjectAs(tenant, writeToken, { type: 'server', name: 'Payroll server' });
    await createRelationAs(tenant, writeToken, 'handled_in', information.id, application.id);
    await createRelationAs(tenant, writeToken, 'runs_on', application.id, server.id);
    const response = await setLevel(information.id, 'integrity', { level: 3, justification: 'Salaries must be right' });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('shows an override with its justification and the inherited level it overrides', async () => {
    const notices = await collectNotices(async () => {
      const response = await setLevel(application.id, 'integrity', { level: 1, justification: 'Copies only, checked monthly' });
      expect(response.statusCode, response.body).toBe(200);
    });

    const integrity = (await classificationOf(application.id)).dimensions.find((dimension: { dimension: string }) => dimension.dimension === 'integrity');
    expect(integrity.assigned).toMatchObject({ level: 1, kind: 'override', justification: 'Copies only, checked monthly', version: 1 });
    expect(integrity.inherited).toMatchObject({ level: 3, source: { id: information.id } });
    expect(integrity.effective).toEqual({ level: 1, origin: 'assigned' });
    expect(await effectiveLevels(server.id)).toMatchObject({ integrity: 1 });

    const own = (await classificationOf(information.id)).dimensions.find((dimension: { dimension: string }) => dimension.dimension === 'integrity');
    expect(own.assigned).toMatchObject({ level: 3, kind: 'own' });

    const entries = await auditEntriesOf(tenant, application.id);
    const entry = entries.find((candidate) => candidate.action === 'classification.set');
    expect(entry).toMatchObject({ entity_type: 'classification', before: null });
    expect(entry!.after).toMatchObject({ dimension: 'integrity', level: 1, version: 1, levelChangeCount: 1 });
    expect(entry!.after).toMatchObject({ levelChanges: [{ objectId: server.id, dimension: 'integrity', before: 3, after: 1 }] });

    expect(notices).toContainEqual(
      expect.objectContaining({ entity: 'classification', action: 'updated', id: application.id, version: 1, ids: [application.id, server.id] }),
    );
  });

  it('replaces a level only when the request names its version', async () => {
    const before = await snapshotClassification();
    const stale = await setLevel(application.id, 'integrity', { level: 2, justification: 'Reviewed' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'CLASSIFICATION_LEVEL_VERSION_CONFLICT', current: { level: 1, version: 1 } });
    expect(await snapshotClassification()).toEqual(before);

    const current = await setLevel(application.id, 'integrity', { level: 2, justification: 'Reviewed', version: 1 });
    expect(current.statusCode, current.body).toBe(200);
    expect(await effectiveLevels(server.id)).toMatchObject({ integrity: 2 });
  });

  it('removes a level set by hand, recomputes and audits', async () => {
    const stale = await request('DELETE', `/api/objects/${application.id}/classification/integrity?version=1`, writeToken);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('CLASSIFICATION_LEVEL_VERSION_CONFLICT');

    const response = await request('DELETE', `/api/objects/${application.id}/classification/integrity?version=2`, writeToken);
    expect(response.statusCode, response.body).toBe(200);
    expect(await effectiveLevels(application.id)).toMatchObject({ integrity: 3 });
    expect(await effectiveLevels(server.id)).toMatchObject({ integrity: 3 });
    const entries = await auditEntriesOf(tenant, application.id);
    expect(entries.at(-1)).toMatchObject({ action: 'classification.removed', before: { dimension: 'integrity', level: 2, version: 2 } });

    const again = await request('DELETE', `/api/objects/${application.id}/classification/integrity?version=2`, writeToken);
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('CLASSIFICATION_LEVEL_NOT_SET');
  });

  it.each([
    ['a read user', () => setLevel(application.id, 'availability', { level: 2, justification: 'Needed daily' }, readToken), 403, 'ACCESS_DENIED'],
    ['an override without justification', () => setLevel(application.id, 'availability', { level: 2 }), 422, 'CLASSIFICATION_JUSTIFICATION_MISSING'],
    ['a blank justification', () => setLevel(application.id, 'availability', { level: 2, justification: '   ' }), 422, 'CLASSIFICATION_JUSTIFICATION_MISSING'],
    ['an unknown dimension', () => setLevel(application.id, 'secrecy', { level: 2, justification: 'x' }), 422, 'CLASSIFICATION_DIMENSION_UNKNOWN'],
    ['a level off the scale', () => setLevel(application.id, 'availability', { level: 7, justification: 'x' }), 422, 'CLASSIFICATION_LEVEL_UNKNOWN'],
    ['a missing object', () => setLevel('00000000-0000-4000-8000-000000000000', 'availability', { level: 2, justification: 'x' }), 404, 'OBJECT_NOT_FOUND'],
    ['a removal by a read user', () => request('DELETE', `/api/objects/${information.id}/classification/integrity?version=1`, readToken), 403, 'ACCESS_DENIED'],
  ])('rejects %s and changes nothing', async (_case, send, status, code) => {
    const before = await snapshotClassification();
    const response = await send();
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(await snapshotClassification()).toEqual(before);
  });

  it('lets a read user see levels but not the routes of admin', async () => {
    expect((await request('GET', '/api/classification/scale', readToken)).statusCode).toBe(200);
    expect((await request('GET', '/api/classification/overview', readToken)).statusCode).toBe(200);
    const recompute = await request('POST', '/api/classification/recompute', writeToken);
    expect(recompute.statusCode).toBe(403);
    expect(recompute.json().error.code).toBe('ACCESS_DENIED');
  });
});

describe('explanation', () => {
  interface DimensionView {
    dimension: string;
    assigned: unknown;
    inherited: { path: { relation: { id: string } }[] };
  }

  function confidentialityOf(view: { dimensions: DimensionView[] }): DimensionView {
    return view.dimensions.find((dimension) => dimension.dimension === 'confidentiality')!;
  }

  it('explains what an override in a cycle would inherit without it', async () => {
    // a (override 4) depends on x, x depends on a, and low (1) is handled in x.
    const low = await createObjectAs(tenant, writeToken, { type: 'information_object', name: 'Public web texts' });
    const a = await createObjectAs(tenant, writeToken, { type: 'application', name: 'Web shop' });
    const x = await createObjectAs(tenant, writeToken, { type: 'application', name: 'Content service' });
    await createRelationAs(tenant, writeToken, 'depends_on', a.id, x.id);
    const xToA = await createRelationAs(tenant, writeToken, 'depends_on', x.id, a.id);
    const lowToX = await createRelationAs(tenant, writeToken, 'handled_in', low.id, x.id);
    expect((await setLevel(low.id, 'confidentiality', { level: 1, justification: 'Published anyway' })).statusCode).toBe(200);
    expect((await setLevel(a.id, 'confidentiality', { level: 4, justification: 'Card payments' })).statusCode).toBe(200);

    const confidentiality = confidentialityOf(await classificationOf(a.id));
    expect(confidentiality.assigned).toMatchObject({ level: 4, kind: 'override' });
    expect(confidentiality.inherited).toMatchObject({ level: 1, complete: true, source: { id: low.id } });
    expect(confidentiality.inherited.path.map((step) => step.relation.id)).toEqual([lowToX, xToA]);
    expect(await effectiveLevels(x.id)).toMatchObject({ confidentiality: 4 });
  });

  it('finds the path again when a stored step is broken', async () => {
    const information = await createObjectAs(tenant, writeToken, { type: 'information_object', name: 'Contracts' });
    const first = await createObjectAs(tenant, writeToken, { type: 'application', name: 'Contract register' });
    const second = await createObjectAs(tenant, writeToken, { type: 'application', name: 'Contract search' });
    const third = await createObjectAs(tenant, writeToken, { type: 'server', name: 'Search server' });
    await createRelationAs(tenant, writeToken, 'handled_in', information.id, first.id);
    await createRelationAs(tenant, writeToken, 'depends_on', first.id, second.id);
    await createRelationAs(tenant, writeToken, 'runs_on', second.id, third.id);
    expect((await setLevel(information.id, 'confidentiality', { level: 2, justification: 'Business terms' })).statusCode).toBe(200);
    const intact = confidentialityOf(await classificationOf(third.id)).inherited;
    expect(intact.path).toHaveLength(3);

    // The middle row now names another source, so its successor's row no longer continues it.
    await tenant.admin.query(
      "UPDATE esm.inherited_levels SET source_object_id = $2 WHERE object_id = $1 AND dimension = 'confidentiality'",
      [second.id, first.id],
    );
    const repaired = confidentialityOf(await classificationOf(third.id)).inherited;
    expect(repaired).toEqual(intact);

    expect((await request('POST', '/api/classification/recompute', adminToken)).statusCode).toBe(200);
    const rewritten = await tenant.admin.query(
      "SELECT source_object_id FROM esm.inherited_levels WHERE object_id = $1 AND dimension = 'confidentiality'",
      [second.id],
    );
    expect(rewritten.rows).toEqual([{ source_object_id: information.id }]);
  });
});

describe('scale', () => {
  async function readScale() {
    const response = await request('GET', '/api/classification/scale', readToken);
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  function putScale(payload: object, token = adminToken) {
    return request('PUT', '/api/classification/scale', token, payload);
  }

  it('returns the default scale of four dimensions with five levels each', async () => {
    const scale = await readScale();
    expect(scale.dimensions.map((dimension: { key: string }) => dimension.key)).toEqual(['confidentiality', 'integrity', 'availability', 'traceability']);
    expect(scale.dimensions[0]).toMatchObject({ nameSv: 'Konfidentialitet', abbreviationSv: 'K', abbreviationEn: 'C' });
    expect(scale.dimensions[0].levels.map((level: { level: number }) => level.level)).toEqual([0, 1, 2, 3, 4]);
    expect(scale.dimensions[0].levels[4]).toMatchObject({ nameSv: 'Mycket hög', nameEn: 'Very high' });
  });

  it('renames levels without rewriting stored levels', async () => {
    const information = await createObjectAs(tenant, writeToken, { type: 'information_object', name: 'Board minutes' });
    const application = await createObjectAs(tenant, writeToken, { type: 'application', name: 'Document store' });
    await createRelationAs(tenant, writeToken, 'handled_in', information.id, application.id);
    expect((await setLevel(information.id, 'confidentiality', { level: 4, justification: 'Board only' })).statusCode).toBe(200);
    const storedBefore = await tenant.admin.query('SELECT * FROM esm.inherited_levels ORDER BY object_id, dimension');

    const scale = await readScale();
    scale.dimensions[0].nameEn = 'Secrecy';
    scale.dimensions[0].levels[4].nameEn = 'Top secret';
    const response = await putScale(scale);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().version).toBe(scale.version + 1);

    expect(response.json().dimensions[0]).toMatchObject({ nameEn: 'Secrecy' });
    expect(response.json().dimensions[0].levels[4]).toMatchObject({ level: 4, nameEn: 'Top secret' });
    expect(await effectiveLevels(application.id)).toMatchObject({ confidentiality: 4 });
    expect((await tenant.admin.query('SELECT * FROM esm.inherited_levels ORDER BY object_id, dimension')).rows).toEqual(storedBefore.rows);
    const entries = await tenant.admin.query("SELECT before, after FROM esm.audit_entries WHERE action = 'classification-scale.changed'");
    expect(entries.rows.at(-1).after.dimensions[0].nameEn).toBe('Secrecy');
  });

  it('refuses to remove a level in use and changes nothing', async () => {
    const scale = await readScale();
    scale.dimensions[0].levels = scale.dimensions[0].levels.filter((level: { level: number }) => level.level !== 4);
    const before = await snapshotClassification();

    const response = await putScale(scale);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('CLASSIFICATION_LEVEL_IN_USE');
    const users = await tenant.admin.query<{ objects: number }>(
      "SELECT count(*)::int AS objects FROM esm.classification_assignments WHERE dimension = 'confidentiality' AND level = 4",
    );
    expect(response.json().error.message).toContain(`because ${users.rows[0]!.objects} objects`);
    expect(await snapshotClassification()).toEqual(before);
  });

  it('refuses to remove a dimension in use and changes nothing', async () => {
    const scale = await readScale();
    scale.dimensions = scale.dimensions.filter((dimension: { key: string }) => dimension.key !== 'integrity');
    const before = await snapshotClassification();

    const response = await putScale(scale);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('CLASSIFICATION_DIMENSION_IN_USE');
    expect(await snapshotClassification()).toEqual(before);
  });

  it.each([
    ['a stale version', (scale: { version: number }) => ({ ...scale, version: scale.version - 1 }), 'admin', 409, 'CLASSIFICATION_SCALE_VERSION_CONFLICT'],
    ['a write user', (scale: object) => scale, 'write', 403, 'ACCESS_DENIED'],
    [
      'a dimension listed twice',
      (scale: { dimensions: object[] }) => ({ ...scale, dimensions: [...scale.dimensions, scale.dimensions[0]] }),
      'admin',
      422,
      'CLASSIFICATION_SCALE_DIMENSION_DUPLICATE',
    ],
    ['a level above 20', (scale: { dimensions: { levels: object[] }[] }) => {
      scale.dimensions[0]!.levels.push({ level: 21, nameSv: 'x', nameEn: 'x' });
      return scale;
    }, 'admin', 400, 'REQUEST_INVALID'],
  ] as const)('rejects %s and changes nothing', async (_case, edit, accessLevel, status, code) => {
    const scale = await readScale();
    const before = await snapshotClassification();
    const response = await putScale(edit(scale), accessLevel === 'admin' ? adminToken : writeToken);
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(await snapshotClassification()).toEqual(before);
  });

  it('answers a stale version with the current scale', async () => {
    const scale = await readScale();
    const response = await putScale({ ...scale, version: scale.version - 1 });
    expect(response.json().error.current).toEqual(scale);
  });

  it('accepts other dimensions with another number of levels, which then propagate', async () => {
    const scale = await readScale();
    scale.dimensions.push({
      key: 'privacy',
      nameSv: 'Integritetsskydd',
      nameEn: 'Privacy',
      abbreviationSv: 'P',
      abbreviationEn: 'P',
      levels: [
        { level: 1, nameSv: 'Inga personuppgifter', nameEn: 'No personal data' },
        { level: 2, nameSv: 'Personuppgifter', nameEn: 'Personal data' },
        { level: 3, nameSv: 'Känsliga personuppgifter', nameEn: 'Sensitive personal data', descriptionEn: 'Health, beliefs and the like' },
      ],
    });
    const response = await putScale(scale);
    expect(response.statusCode, response.body).toBe(200);
    const privacy = response.json().dimensions.find((dimension: { key: string }) => dimension.key === 'privacy');
    expect(privacy.levels.map((level: { level: number }) => level.level)).toEqual([1, 2, 3]);
    expect(privacy.levels[2].descriptionEn).toBe('Health, beliefs and the like');

    const information = await createObjectAs(tenant, writeToken, { type: 'information_object', name: 'Patient journal' });
    const application = await createObjectAs(tenant, writeToken, { type: 'application', name: 'Journal system' });
    await createRelationAs(tenant, writeToken, 'handled_in', information.id, application.id);
    expect((await setLevel(information.id, 'privacy', { level: 3, justification: 'Health data' })).statusCode).toBe(200);
    expect((await setLevel(information.id, 'privacy', { level: 4, justification: 'x', version: 1 })).json().error.code).toBe(
      'CLASSIFICATION_LEVEL_UNKNOWN',
    );
    expect(await effectiveLevels(application.id)).toEqual({ privacy: 3 });
  });
});

describe('reports', () => {
  it('counts objects per effective level and unclassified, per type on request', async () => {
    const all = await request('GET', '/api/classification/overview', readToken);
    expect(all.statusCode).toBe(200);
    const applications = await request('GET', '/api/classification/overview?type=application', readToken);
    const body = applications.json();
    const counted = await tenant.admin.query<{ objects: number }>("SELECT count(*)::int AS objects FROM esm.objects WHERE type = 'application'");
    expect(body).toMatchObject({ type: 'application', objects: counted.rows[0]!.objects });

    const confidentiality = body.dimensions.find((dimension: { dimension: string }) => dimension.dimension === 'confidentiality');
    const expected = await tenant.admin.query<{ level: number; objects: number }>(
      `SELECT e.level, count(*)::int AS objects FROM esm.effective_levels e JOIN esm.objects o ON o.id = e.object_id
       WHERE o.type = 'application' AND e.dimension = 'confidentiality' GROUP BY e.level`,
    );
    for (const level of confidentiality.levels) {
      expect(level.objects).toBe(expected.rows.find((row) => row.level === level.level)?.objects ?? 0);
    }
    const classified = expected.rows.reduce((sum, row) => sum + row.objects, 0);
    expect(confidentiality.unclassified).toBe(body.objects - classified);
    expect(classified).toBeGreaterThan(0);
  });

  it('recomputes everything for an admin and reports the cycles', async () => {
    const response = await request('POST', '/api/classification/recompute', adminToken);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().changes).toBe(0);
    expect(response.json().cycles.length).toBeGreaterThan(0);
    expect(response.json().cycles[0].objects[0]).toHaveProperty('name');
  });
});
