import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, countRows, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';
import { createRequirementSetThroughApi, insertObject, insertRelation } from '../test-support/requirements.js';
import type { AuditSource } from '../audit/audit.js';
import { importModelDocument, type ModelDocument, type ModelPart } from './model-document.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Replaces every id by `id-N`, numbered in order of first appearance, and drops the export time. */
function normalise(document: Record<string, unknown>): unknown {
  const numbers = new Map<string, string>();
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string' && UUID.test(value)) {
      if (!numbers.has(value.toLowerCase())) numbers.set(value.toLowerCase(), `id-${numbers.size + 1}`);
      return numbers.get(value.toLowerCase());
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, walk(entry)]));
    return value;
  };
  const { exportedAt: _exportedAt, ...rest } = document;
  return walk(rest);
}

describe('model export and import', () => {
  let source: TestTenant;
  let target: TestTenant;
  let sourceAdmin: string;
  let targetAdmin: string;
  let targetReader: string;

  beforeAll(async () => {
    [source, target] = await Promise.all([createTestTenant('model-source'), createTestTenant('model-target')]);
    sourceAdmin = (await createUserWithToken(source, 'admin')).token;
    targetAdmin = (await createUserWithToken(target, 'admin')).token;
    targetReader = (await createUserWithToken(target, 'read')).token;
    await buildSourceModel();
  });

  afterAll(async () => Promise.all([source?.close(), target?.close()]));

  /**
   * Builds a model with every attribute kind, a changed meta-model and
   * scale, own levels, an override, relations, a requirement set with a
   * tree, an applicability rule and statements.
   */
  async function buildSourceModel() {
    const sql = (text: string, values: unknown[] = []) => source.admin.query(text, values);
    await sql(`INSERT INTO esm.object_types (key, name_sv, name_en, icon, sort_order) VALUES ('data_centre', 'Datacenter', 'Data centre', 'building', 55)`);
    await sql(`INSERT INTO esm.attribute_definitions (object_type, key, name_sv, name_en, kind, required, sort_order)
               VALUES ('data_centre', 'tier', 'Nivå', 'Tier', 'number', true, 10)`);
    await sql(`DELETE FROM esm.relation_types WHERE key = 'part_of'`);
    await sql(`UPDATE esm.classification_levels SET name_en = 'Severe' WHERE dimension = 'availability' AND level = 4`);
    await sql(`INSERT INTO esm.classification_dimensions (key, name_sv, name_en, abbreviation_sv, abbreviation_en, sort_order)
               VALUES ('privacy', 'Integritetsskydd', 'Privacy', 'IS', 'P', 50)`);
    await sql(`INSERT INTO esm.classification_levels (dimension, level, name_sv, name_en) VALUES ('privacy', 0, 'Ingen', 'None'), ('privacy', 1, 'Hög', 'High')`);

    const partner = await insertObject(source, 'partner', 'Leverantör AB');
    const register = await insertObject(source, 'information_object', 'Kundregister');
    const ledger = await insertObject(source, 'application', 'Ekonomisystem');
    const unit = await insertObject(source, 'organisation_unit', 'Ekonomienheten');
    const centre = await insertObject(source, 'data_centre', 'Hall A');
    await sql(`UPDATE esm.objects SET attributes = '{"organisation_number": "556000-0000", "contract_end": "2027-12-31"}' WHERE id = $1`, [partner]);
    await sql(`UPDATE esm.objects SET description = 'Alla kunder', external_id = 'IO-1',
                 attributes = '{"information_owner": "Ekonomichef", "personal_data": true, "retention": "Gallras\\nefter 7 år"}' WHERE id = $1`, [register]);
    await sql(`UPDATE esm.objects SET attributes = $2 WHERE id = $1`, [ledger, JSON.stringify({ lifecycle: 'in_use', user_count: 42, supplier: partner })]);
    await sql(`UPDATE esm.objects SET attributes = '{"tier": 3}' WHERE id = $1`, [centre]);
    await sql(
      `INSERT INTO esm.classification_assignments (object_id, dimension, level, justification) VALUES
         ($1, 'confidentiality', 3, 'Personuppgifter'), ($1, 'integrity', 2, 'Fakturor'), ($1, 'privacy', 1, 'GDPR'),
         ($2, 'availability', 4, 'Bokslut kräver drift')`,
      [register, ledger],
    );
    await insertRelation(source, 'handled_in', register, ledger);
    await insertRelation(source, 'provided_by', ledger, partner);
    await insertRelation(source, 'responsible_for', unit, ledger);

    const { setId, ids } = await createRequirementSetThroughApi(source, sourceAdmin, 'Grundskydd', [
      { identifier: 'G1', kind: 'group', children: [{ identifier: 'K1' }, { identifier: 'K2', children: [{ identifier: 'K2.1' }] }] },
    ]);
    const rule = await source.app.inject({
      method: 'POST',
      url: `/api/requirement-sets/${setId}/applicability-rules`,
      headers: bearer(sourceAdmin),
      payload: { objectTypes: ['application'], dimension: 'availability', minLevel: 2 },
    });
    expect(rule.statusCode).toBe(201);
    for (const [requirement, payload] of [
      [ids.K1!, { status: 'partly_fulfilled', comment: 'Backup saknas', responsible: 'IT', decidedOn: '2025-03-01' }],
      [ids['K2.1']!, { status: 'not_applicable', reason: 'Ingen extern åtkomst' }],
    ] as const) {
      const statement = await source.app.inject({
        method: 'PUT',
        url: `/api/objects/${ledger}/statements/${requirement}`,
        headers: bearer(sourceAdmin),
        payload,
      });
      expect(statement.statusCode, statement.body).toBe(200);
    }
  }

  function exportFrom(tenant: TestTenant, token: string) {
    return tenant.app.inject({ method: 'GET', url: '/api/exports/model', headers: bearer(token) });
  }

  function importInto(tenant: TestTenant, token: string, document: unknown) {
    return tenant.app.inject({
      method: 'POST',
      url: '/api/imports/model',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: JSON.stringify(document),
    });
  }

  it('exports every part with ids of the exporting tenant', async () => {
    const response = await exportFrom(source, sourceAdmin);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="model-source-[0-9a-f]{6} model \d{4}-\d{2}-\d{2}\.json"/);
    const document = response.json();
    expect(document).toMatchObject({ format: 'esm-model', formatVersion: 1, parts: ['metaModel', 'requirements', 'objects'] });
    const kinds = new Set(document.metaModel.objectTypes.flatMap((type: { attributes: { kind: string }[] }) => type.attributes.map((attribute) => attribute.kind)));
    expect([...kinds].sort()).toEqual(['boolean', 'choice', 'date', 'long_text', 'number', 'reference', 'text']);
    expect(document.objects).toHaveLength(5);
    expect(document.requirements.requirements).toHaveLength(4);
    expect(document.relations).toHaveLength(3);
    expect(document.statements).toHaveLength(2);
  });

  it('rejects a document with a broken reference and imports nothing', async () => {
    const document = (await exportFrom(source, sourceAdmin)).json();
    const ledger = document.objects.find((object: { name: string }) => object.name === 'Ekonomisystem');
    ledger.attributes.supplier = '00000000-0000-4000-8000-000000000000';
    document.relations[0].type = 'no_such_type';
    const response = await importInto(target, targetAdmin, document);
    expect(response.statusCode).toBe(422);
    const error = response.json().error;
    expect(error.code).toBe('EXCHANGE_DOCUMENT_INVALID');
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: expect.stringMatching(/^\/objects\/\d+\/attributes\/supplier$/), code: 'DOCUMENT_REFERENCE_UNRESOLVED' }),
        expect.objectContaining({ path: '/relations/0/type', code: 'DOCUMENT_REFERENCE_UNRESOLVED' }),
      ]),
    );
    expect(await countRows(target, 'objects')).toBe(0);
    const types = await target.admin.query("SELECT count(*)::int AS count FROM esm.object_types WHERE key = 'data_centre'");
    expect(types.rows[0].count).toBe(0);
  });

  it('rejects a model import by a read user with 403', async () => {
    const document = (await exportFrom(source, sourceAdmin)).json();
    const response = await importInto(target, targetReader, document);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ACCESS_DENIED');
    expect(await countRows(target, 'objects')).toBe(0);
  });

  function previewInto(tenant: TestTenant, token: string, document: unknown) {
    return tenant.app.inject({
      method: 'POST',
      url: '/api/imports/model?dryRun=true',
      headers: { ...bearer(token), 'content-type': 'application/json', 'accept-language': 'sv' },
      payload: JSON.stringify(document),
    });
  }

  async function targetRowCounts() {
    const tables = ['objects', 'relations', 'requirements', 'object_types', 'audit_entries'];
    const counts = await Promise.all(tables.map(async (table) => (await target.admin.query(`SELECT count(*)::int AS count FROM esm.${table}`)).rows[0].count as number));
    return Object.fromEntries(tables.map((table, index) => [table, counts[index]]));
  }

  it('previews a model import without changing any table', async () => {
    const document = (await exportFrom(source, sourceAdmin)).json();
    const before = await targetRowCounts();

    const response = await previewInto(target, targetAdmin, document);

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const preview = response.json();
    expect(preview).toMatchObject({ dryRun: true, objects: 5, requirementSets: 1, requirements: 4, relations: 3, statements: 2 });
    const created = (changes: { created: number }[]) => changes.reduce((total, change) => total + change.created, 0);
    expect(preview.objectTypes).toBe(document.metaModel.objectTypes.length);
    expect(created(preview.objectsByType)).toBe(10);
    expect(created(preview.relationsByType)).toBe(3);
    expect(preview.objectsByType).toContainEqual({ type: 'data_centre', name: 'Datacenter', created: expect.any(Number), updated: 0 });
    expect(await targetRowCounts()).toEqual(before);
  });

  it('previews a broken document with its problems and paths', async () => {
    const document = (await exportFrom(source, sourceAdmin)).json();
    document.relations[0].type = 'no_such_type';
    const before = await targetRowCounts();

    const response = await previewInto(target, targetAdmin, document);

    expect(response.statusCode).toBe(422);
    const error = response.json().error;
    expect(error.code).toBe('EXCHANGE_DOCUMENT_INVALID');
    expect(error.problems).toContainEqual(expect.objectContaining({ path: '/relations/0/type', code: 'DOCUMENT_REFERENCE_UNRESOLVED' }));
    expect(await targetRowCounts()).toEqual(before);
  });

  it('rejects a model preview by a read user with 403', async () => {
    const document = (await exportFrom(source, sourceAdmin)).json();

    const response = await previewInto(target, targetReader, document);

    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ACCESS_DENIED');
  });

  it('imports into an empty tenant and exports the same model again', async () => {
    const first = (await exportFrom(source, sourceAdmin)).json();
    const response = await importInto(target, targetAdmin, first);
    expect(response.statusCode).toBe(200);
    const lines = response.body.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.at(-1)).toEqual({
      phase: 'finished',
      objectTypes: first.metaModel.objectTypes.length,
      relationTypes: first.metaModel.relationTypes.length,
      classificationDimensions: 5,
      objects: 5,
      levels: 4,
      requirementSets: 1,
      requirements: 4,
      applicabilityRules: 1,
      relations: 3,
      statements: 2,
    });

    const second = (await exportFrom(target, targetAdmin)).json();
    expect(normalise(second)).toEqual(normalise(first));

    const audit = await target.admin.query("SELECT after FROM esm.audit_entries WHERE action = 'import.model'");
    expect(audit.rows).toEqual([{ after: expect.objectContaining({ objects: 5, requirements: 4, parts: ['metaModel', 'requirements', 'objects'], metaModel: 'replace' }) }]);
    const removed = await target.admin.query("SELECT count(*)::int AS count FROM esm.relation_types WHERE key = 'part_of'");
    expect(removed.rows[0].count).toBe(0);
  });

  it('computes inherited levels after the import', async () => {
    const result = await target.admin.query(
      `SELECT e.dimension, e.level, e.origin FROM esm.effective_levels e JOIN esm.objects o ON o.id = e.object_id
       WHERE o.name = 'Ekonomisystem' ORDER BY e.dimension`,
    );
    expect(result.rows).toEqual([
      { dimension: 'availability', level: 4, origin: 'assigned' },
      { dimension: 'confidentiality', level: 3, origin: 'inherited' },
      { dimension: 'integrity', level: 2, origin: 'inherited' },
      { dimension: 'privacy', level: 1, origin: 'inherited' },
    ]);
  });

  it('rejects an import into a tenant with objects with 409', async () => {
    const document = (await exportFrom(source, sourceAdmin)).json();
    const before = await countRows(target, 'objects');
    const response = await importInto(target, targetAdmin, document);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('EXCHANGE_TENANT_NOT_EMPTY');
    expect(await countRows(target, 'objects')).toBe(before);
  });

  /** Runs importModelDocument as a template import does, in a transaction of the tenant's owner. */
  async function importDirectly(tenant: TestTenant, document: ModelDocument, parts: ModelPart[]) {
    const client = await tenant.admin.connect();
    const source: AuditSource = { actorId: null, actorEmail: null, requestId: 'test', clientAddress: '127.0.0.1' };
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL search_path TO esm');
      const counts = await importModelDocument(client, source, document, { parts, onProgress: () => undefined });
      await client.query('COMMIT');
      return counts;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  it('merges the meta-model into a tenant with objects', async () => {
    const merging = await createTestTenant('model-merge');
    try {
      const owner = await insertObject(merging, 'process', 'Fakturering');
      await merging.admin.query(`UPDATE esm.objects SET attributes = '{"process_owner": "Anna"}' WHERE id = $1`, [owner]);
      const document = (await exportFrom(source, sourceAdmin)).json() as ModelDocument;

      const broken = structuredClone(document);
      const process = broken.metaModel!.objectTypes.find((type) => type.key === 'process')!;
      process.attributes.find((attribute) => attribute.key === 'process_owner')!.kind = 'number';
      await expect(importDirectly(merging, broken, ['metaModel', 'objects'])).rejects.toMatchObject({
        code: 'EXCHANGE_DOCUMENT_INVALID',
        details: { problems: [expect.objectContaining({ code: 'DOCUMENT_EXISTING_OBJECT_INVALID' })] },
      });
      expect(await countRows(merging, 'objects')).toBe(1);

      const counts = await importDirectly(merging, document, ['metaModel', 'objects']);
      expect(counts).toMatchObject({ objects: 5, requirements: 0, statements: 0, relations: 3 });
      const kept = await merging.admin.query("SELECT key FROM esm.relation_types WHERE key IN ('part_of', 'handled_in') ORDER BY key");
      expect(kept.rows).toEqual([{ key: 'handled_in' }, { key: 'part_of' }]);
      const owners = await merging.admin.query("SELECT attributes FROM esm.objects WHERE name = 'Fakturering'");
      expect(owners.rows).toEqual([{ attributes: { process_owner: 'Anna' } }]);
      const audit = await merging.admin.query("SELECT after FROM esm.audit_entries WHERE action = 'import.model'");
      expect(audit.rows).toEqual([{ after: expect.objectContaining({ metaModel: 'merge', parts: ['metaModel', 'objects'] }) }]);
    } finally {
      await merging.close();
    }
  });

  it('rejects a file of another format with EXCHANGE_FORMAT_UNSUPPORTED', async () => {
    const response = await importInto(target, targetAdmin, { format: 'other', formatVersion: 1 });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('EXCHANGE_FORMAT_UNSUPPORTED');
  });
});
