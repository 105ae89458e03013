import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, bearer, countRows, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';
import { insertObject } from '../../test-support/requirements.js';

const FIXTURES = path.resolve(REPO_ROOT, '../shared/fixtures/oscal');
const SP800_53_JSON = path.join(FIXTURES, 'NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json');
const CSF_XML = path.join(FIXTURES, 'NIST_CSF_v2.0_catalog.xml');

type JsonNode = { id?: string; title?: string; controls?: JsonNode[]; groups?: JsonNode[]; params?: { id: string; label?: string }[] };

/** Counts controls (with nested ones) and groups by walking the parsed JSON, independently of the importer. */
function countJsonCatalog(catalog: JsonNode): { controls: number; groups: number } {
  let controls = 0;
  let groups = 0;
  const walk = (node: JsonNode) => {
    for (const control of node.controls ?? []) {
      controls += 1;
      walk(control);
    }
    for (const group of node.groups ?? []) {
      groups += 1;
      walk(group);
    }
  };
  walk(catalog);
  return { controls, groups };
}

/** Counts `<control` and `<group` start tags in the XML text, without any XML parser. */
function countXmlCatalog(xml: string): { controls: number; groups: number } {
  return { controls: xml.match(/<control[\s>]/g)?.length ?? 0, groups: xml.match(/<group[\s>]/g)?.length ?? 0 };
}

function ndjsonLines(body: string): Record<string, unknown>[] {
  return body
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('POST /api/requirement-sets/imports/oscal', () => {
  let tenant: TestTenant;
  let admin: { id: string; token: string };
  let writer: { id: string; token: string };
  let jsonText: string;
  let jsonCatalog: { catalog: JsonNode & { uuid: string; metadata: { title: string } } };

  beforeAll(async () => {
    tenant = await createTestTenant('oscal');
    admin = await createUserWithToken(tenant, 'admin');
    writer = await createUserWithToken(tenant, 'write');
    jsonText = await readFile(SP800_53_JSON, 'utf8');
    jsonCatalog = JSON.parse(jsonText);
  });

  afterAll(async () => tenant.close());

  function upload(body: string, contentType: string, token = admin.token) {
    return tenant.app.inject({
      method: 'POST',
      url: '/api/requirement-sets/imports/oscal',
      headers: { ...bearer(token), 'content-type': contentType },
      payload: body,
    });
  }

  async function countItems(setId: string, kind: 'group' | 'requirement') {
    const result = await tenant.admin.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM esm.requirements WHERE set_id = $1 AND kind = $2 AND NOT withdrawn',
      [setId, kind],
    );
    return result.rows[0]!.count;
  }

  async function requirementRow(setId: string, identifier: string) {
    const result = await tenant.admin.query(
      `SELECT r.object_id AS id, r.label, r.statement, r.withdrawn, r.kind, o.name, o.type, o.version, o.description
       FROM esm.requirements r JOIN esm.objects o ON o.id = r.object_id WHERE r.set_id = $1 AND r.identifier = $2`,
      [setId, identifier],
    );
    return result.rows[0];
  }

  async function snapshot() {
    const sets = await tenant.admin.query<{ count: number }>('SELECT count(*)::int AS count FROM esm.requirement_sets');
    const requirements = await tenant.admin.query<{ count: number }>('SELECT count(*)::int AS count FROM esm.requirements');
    return {
      objects: await countRows(tenant, 'objects'),
      auditEntries: await countRows(tenant, 'audit_entries'),
      sets: sets.rows[0]!.count,
      requirements: requirements.rows[0]!.count,
    };
  }

  async function importJson(text: string) {
    const response = await upload(text, 'application/json');
    expect(response.statusCode).toBe(200);
    const lines = ndjsonLines(response.body);
    const finished = lines.at(-1)!;
    expect(finished.phase).toBe('finished');
    return { lines, finished };
  }

  it('imports the SP 800-53 JSON catalog with one requirement per control and enhancement', async () => {
    const expected = countJsonCatalog(jsonCatalog.catalog);
    const { lines, finished } = await importJson(jsonText);
    expect(lines[0]).toEqual({ phase: 'parsing', done: expected.controls + expected.groups, total: expected.controls + expected.groups });
    expect(finished).toMatchObject({ created: true, requirements: expected.controls, groups: expected.groups, added: expected.controls + expected.groups });

    const setId = finished.setId as string;
    expect(await countItems(setId, 'requirement')).toBe(expected.controls);
    expect(await countItems(setId, 'group')).toBe(expected.groups);
    const set = await tenant.admin.query(
      `SELECT o.name, o.type, rs.source_format, rs.source_uuid, rs.source_version, rs.source_last_modified, rs.imported_at
       FROM esm.requirement_sets rs JOIN esm.objects o ON o.id = rs.object_id WHERE rs.object_id = $1`,
      [setId],
    );
    expect(set.rows[0]).toMatchObject({
      name: jsonCatalog.catalog.metadata.title,
      type: 'requirement_set',
      source_format: 'oscal',
      source_uuid: jsonCatalog.catalog.uuid,
      source_version: '5.1.1+u4',
    });
    expect((set.rows[0].source_last_modified as Date).toISOString()).toBe('2024-02-13T17:43:40.746Z');
    expect(set.rows[0].imported_at).toBeInstanceOf(Date);

    const audit = await tenant.admin.query("SELECT entity_id, actor_id, after FROM esm.audit_entries WHERE action = 'import.oscal'");
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ entity_id: setId, actor_id: admin.id });
    expect(audit.rows[0].after).toMatchObject({ added: expected.controls + expected.groups, changed: 0, withdrawn: 0 });
  });

  it('resolves the parameters of AC-1 into its statement text', async () => {
    const setId = (await tenant.admin.query('SELECT object_id FROM esm.requirement_sets WHERE source_uuid = $1', [jsonCatalog.catalog.uuid]))
      .rows[0].object_id;
    const accessControl = jsonCatalog.catalog.groups!.find((group) => group.id === 'ac')!;
    const ac1 = accessControl.controls!.find((control) => control.id === 'ac-1')!;
    const personnel = ac1.params!.find((parameter) => parameter.id === 'ac-1_prm_1')!.label!;

    const row = await requirementRow(setId, 'ac-1');
    expect(row).toMatchObject({ kind: 'requirement', label: 'AC-1', name: 'Policy and Procedures', type: 'requirement', withdrawn: false });
    expect(row.statement).toContain(`a. Develop, document, and disseminate to [Assignment: ${personnel}]:`);
    expect(row.statement).toContain(
      '  1. [Selection (one or more): organization-level; mission/business process-level; system-level] access control policy that:',
    );
    expect(row.statement).toContain('    (a) Addresses purpose, scope, roles');
    expect(row.statement).not.toContain('{{');
    expect(row.description).toMatch(/^Access control policy and procedures address the controls/);

    const enhancement = await requirementRow(setId, 'ia-2.1');
    const parent = await requirementRow(setId, 'ia-2');
    const link = await tenant.admin.query('SELECT parent_id FROM esm.requirements WHERE object_id = $1', [enhancement.id]);
    expect(link.rows[0].parent_id).toBe(parent.id);
    expect(enhancement.label).toBe('IA-2(1)');
  });

  it('imports the CSF 2.0 XML catalog with one requirement per control', async () => {
    const xml = await readFile(CSF_XML, 'utf8');
    const expected = countXmlCatalog(xml);
    const response = await upload(xml, 'application/xml');
    expect(response.statusCode).toBe(200);
    const finished = ndjsonLines(response.body).at(-1)!;
    expect(finished).toMatchObject({ phase: 'finished', created: true, requirements: expected.controls, groups: expected.groups });

    const setId = finished.setId as string;
    expect(await countItems(setId, 'requirement')).toBe(expected.controls);
    expect(await countItems(setId, 'group')).toBe(expected.groups);
    const subcategory = await requirementRow(setId, 'GV.OC-01');
    expect(subcategory).toMatchObject({
      label: 'GV.OC-01',
      statement: 'The organizational mission is understood and informs cybersecurity risk management',
    });
    expect(subcategory.description).toMatch(/^Share the organization's mission/);
  });

  it('keeps every statement through re-imports that change, remove and add controls', async () => {
    const setId = (await tenant.admin.query('SELECT object_id FROM esm.requirement_sets WHERE source_uuid = $1', [jsonCatalog.catalog.uuid]))
      .rows[0].object_id as string;
    const application = await insertObject(tenant, 'application', 'Payroll');
    const ac1 = await requirementRow(setId, 'ac-1');
    const ac2 = await requirementRow(setId, 'ac-2');
    const at1 = await requirementRow(setId, 'at-1');
    const bulk = await tenant.app.inject({
      method: 'POST',
      url: '/api/statements/bulk',
      headers: bearer(writer.token),
      payload: {
        status: 'partly_fulfilled',
        comment: 'Kept through imports',
        items: [ac1, ac2, at1].map((requirement) => ({ objectId: application, requirementId: requirement.id })),
      },
    });
    expect(bulk.statusCode).toBe(200);
    const statements = async () =>
      (
        await tenant.admin.query('SELECT requirement_id, status, comment, version FROM esm.compliance_statements WHERE object_id = $1 ORDER BY requirement_id', [
          application,
        ])
      ).rows;
    const before = await statements();
    expect(before).toHaveLength(3);

    // The same catalog again changes nothing.
    const same = await importJson(jsonText);
    expect(same.finished).toMatchObject({ setId, created: false, added: 0, changed: 0, withdrawn: 0 });
    expect(await statements()).toEqual(before);
    expect((await requirementRow(setId, 'ac-1')).version).toBe(ac1.version);

    // A revision with a new uuid is matched by its title.
    const revised = structuredClone(jsonCatalog);
    revised.catalog.uuid = '7d4f6c42-0d3e-4b8a-9a55-2f1b7e0c9d11';
    const accessControl = revised.catalog.groups!.find((group) => group.id === 'ac')!;
    accessControl.controls!.find((control) => control.id === 'ac-1')!.title = 'Policy and Procedures, Revised';
    accessControl.controls = accessControl.controls!.filter((control) => control.id !== 'ac-2');
    accessControl.controls.push({ id: 'ac-99', title: 'A Control Added in the Revision' });
    const revision = await importJson(JSON.stringify(revised));
    expect(revision.finished).toMatchObject({ setId, created: false, added: 1, changed: 1, withdrawn: 1 });

    expect(await statements()).toEqual(before);
    expect(await requirementRow(setId, 'ac-1')).toMatchObject({ name: 'Policy and Procedures, Revised', version: ac1.version + 1 });
    expect(await requirementRow(setId, 'ac-2')).toMatchObject({ withdrawn: true, name: 'Account Management' });
    expect(await requirementRow(setId, 'ac-99')).toMatchObject({ withdrawn: false, kind: 'requirement', name: 'A Control Added in the Revision' });
    const expected = countJsonCatalog(revised.catalog);
    expect(await countItems(setId, 'requirement')).toBe(expected.controls);
    const source = await tenant.admin.query('SELECT source_uuid FROM esm.requirement_sets WHERE object_id = $1', [setId]);
    expect(source.rows[0].source_uuid).toBe(revised.catalog.uuid);

    const set = await tenant.app.inject({ method: 'GET', url: `/api/requirement-sets/${setId}`, headers: bearer(writer.token) });
    expect(set.json().counts).toEqual({ groups: expected.groups, requirements: expected.controls, withdrawn: 1, statements: 3 });

    // The original again restores AC-2 and withdraws the added control.
    const restored = await importJson(jsonText);
    expect(restored.finished).toMatchObject({ setId, added: 0, changed: 2, withdrawn: 1 });
    expect(await requirementRow(setId, 'ac-2')).toMatchObject({ withdrawn: false });
    expect(await requirementRow(setId, 'ac-99')).toMatchObject({ withdrawn: true });
    expect(await statements()).toEqual(before);
  });

  it.each([
    ['JSON with a syntax error', 'OSCAL_MALFORMED', '{\n  "catalog": {\n    "uuid": "x",\n  }\n}', 'application/json'],
    [
      'XML that is not well-formed',
      'OSCAL_MALFORMED',
      '<?xml version="1.0"?>\n<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0">\n<group>\n</catalog>',
      'application/xml',
    ],
    [
      'XML with an external entity',
      'OSCAL_MALFORMED',
      '<?xml version="1.0"?>\n<!DOCTYPE catalog [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="u"><metadata><title>&xxe;</title></metadata></catalog>',
      'application/xml',
    ],
    ['a JSON profile', 'OSCAL_FORMAT_UNSUPPORTED', '{ "profile": { "uuid": "u", "metadata": { "title": "A profile" } } }', 'application/json'],
    ['XML in another namespace', 'OSCAL_FORMAT_UNSUPPORTED', '<catalog xmlns="urn:other" uuid="u"/>', 'text/xml'],
    ['a catalog without a uuid', 'OSCAL_METADATA_INVALID', '{ "catalog": { "metadata": { "title": "No uuid" } } }', 'application/json'],
    [
      'a control without a title',
      'OSCAL_ITEM_INCOMPLETE',
      '{ "catalog": { "uuid": "u-1", "metadata": { "title": "T" }, "controls": [{ "id": "c-1" }] } }',
      'application/json',
    ],
    [
      'a duplicate control id',
      'OSCAL_DUPLICATE_IDENTIFIER',
      '{ "catalog": { "uuid": "u-2", "metadata": { "title": "T" }, "controls": [{ "id": "c-1", "title": "A" }, { "id": "c-1", "title": "B" }] } }',
      'application/oscal+json',
    ],
  ])('rejects %s with %s and writes nothing', async (_case, code, body, contentType) => {
    const before = await snapshot();
    const response = await upload(body, contentType);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe(code);
    expect(await snapshot()).toEqual(before);
  });

  it('names the line of a JSON syntax error', async () => {
    const response = await upload('{\n  "catalog": {\n    "uuid": "x",\n  }\n}', 'application/json');
    expect(response.json().error.message).toMatch(/line 4\b/);
  });

  it('rejects controls nested deeper than the limit with OSCAL_CATALOG_TOO_LARGE', async () => {
    let control: Record<string, unknown> = { id: 'c-0', title: 'Deepest' };
    for (let depth = 1; depth <= 40; depth += 1) control = { id: `c-${depth}`, title: `Level ${depth}`, controls: [control] };
    const before = await snapshot();
    const response = await upload(JSON.stringify({ catalog: { uuid: 'deep', metadata: { title: 'Deep' }, controls: [control] } }), 'application/json');
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('OSCAL_CATALOG_TOO_LARGE');
    expect(await snapshot()).toEqual(before);
  });

  it('rejects a write user with ACCESS_DENIED and writes nothing', async () => {
    const before = await snapshot();
    const response = await upload(jsonText, 'application/json', writer.token);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ACCESS_DENIED');
    expect(await snapshot()).toEqual(before);
  });

  it('rejects plain text with REQUEST_UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await upload('{}', 'text/plain');
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('REQUEST_UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejects a catalog whose title names two imported sets with OSCAL_SET_AMBIGUOUS', async () => {
    const catalog = (uuid: string, title: string) =>
      JSON.stringify({ catalog: { uuid, metadata: { title }, controls: [{ id: 'x-1', title: 'Only control' }] } });
    await importJson(catalog('a0000000-0000-4000-8000-000000000001', 'Twin A'));
    await importJson(catalog('a0000000-0000-4000-8000-000000000002', 'Twin B'));
    // A rename makes both imported sets carry one title, which only a direct change can do.
    await tenant.admin.query("UPDATE esm.objects SET name = 'Twin' WHERE name IN ('Twin A', 'Twin B')");
    const before = await snapshot();
    const response = await upload(catalog('a0000000-0000-4000-8000-000000000003', 'Twin'), 'application/json');
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('OSCAL_SET_AMBIGUOUS');
    expect(await snapshot()).toEqual(before);
  });
  it('rejects a catalog older than the one the set came from with OSCAL_CATALOG_OLDER unless allowOlder is set', async () => {
    const catalog = (lastModified: string, title: string) =>
      JSON.stringify({
        catalog: {
          uuid: 'b0000000-0000-4000-8000-000000000001',
          metadata: { title: 'Versioned', 'last-modified': lastModified },
          controls: [{ id: 'v-1', title }],
        },
      });
    await importJson(catalog('2026-01-01T00:00:00Z', 'Newer title'));
    const before = await snapshot();

    const refused = await upload(catalog('2024-01-01T00:00:00Z', 'Older title'), 'application/json');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('OSCAL_CATALOG_OLDER');
    expect(await snapshot()).toEqual(before);

    const allowed = await tenant.app.inject({
      method: 'POST',
      url: '/api/requirement-sets/imports/oscal?allowOlder=true',
      headers: { ...bearer(admin.token), 'content-type': 'application/json' },
      payload: catalog('2024-01-01T00:00:00Z', 'Older title'),
    });
    expect(allowed.statusCode).toBe(200);
    expect(ndjsonLines(allowed.body).at(-1)).toMatchObject({ phase: 'finished', changed: 1 });
  });
});
