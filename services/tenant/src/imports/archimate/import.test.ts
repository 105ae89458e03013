import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, bearer, countRows, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';

const FIXTURE = path.resolve(REPO_ROOT, '../shared/fixtures/archimate/archisurance-exchange.xml');
const NAMESPACE = 'http://www.opengroup.org/xsd/archimate/3.0/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** Builds a small exchange file with elements e1 and e2 and the given relationships. */
function exchangeFile(relationships: string, elements = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="${NAMESPACE}" xmlns:xsi="${XSI}" identifier="m1">
  <name xml:lang="en">Small</name>
  <elements>
    <element identifier="e1" xsi:type="BusinessActor"><name xml:lang="en">Customer</name></element>
    <element identifier="e2" xsi:type="BusinessRole"><name xml:lang="en">Insurant</name></element>${elements}
  </elements>
  <relationships>${relationships}</relationships>
</model>`;
}

describe('POST /api/imports/archimate', () => {
  let tenant: TestTenant;
  let token: string;
  let writerToken: string;

  beforeAll(async () => {
    tenant = await createTestTenant('import');
    token = (await createUserWithToken(tenant, 'admin')).token;
    writerToken = (await createUserWithToken(tenant, 'write')).token;
  });

  afterAll(async () => tenant.close());

  function upload(body: string, contentType = 'application/xml', bearerToken = token) {
    return tenant.app.inject({
      method: 'POST',
      url: '/api/imports/archimate',
      headers: { ...bearer(bearerToken), 'content-type': contentType },
      payload: body,
    });
  }

  async function counts() {
    return { objects: await countRows(tenant, 'objects'), relations: await countRows(tenant, 'relations') };
  }

  function finishedLine(body: string) {
    return body.trim().split('\n').map((line) => JSON.parse(line)).at(-1);
  }

  async function objectsByType(): Promise<Record<string, number>> {
    const result = await tenant.admin.query<{ type: string; count: number }>('SELECT type, count(*)::int AS count FROM esm.objects GROUP BY type');
    return Object.fromEntries(result.rows.map((row) => [row.type, row.count]));
  }

  it('imports Archisurance with one audit entry', async () => {
    const response = await upload(await readFile(FIXTURE, 'utf8'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const lines = response.body.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ phase: 'parsing', done: 298, total: 298 });
    expect(lines).toContainEqual({ phase: 'objects', done: 120, total: 120 });
    expect(lines).toContainEqual({ phase: 'relations', done: 178, total: 178 });
    expect(lines.at(-1)).toMatchObject({
      phase: 'finished',
      objects: 120,
      relations: 178,
      created: { objects: 120, relations: 178 },
      updated: { objects: 0, relations: 0 },
    });
    expect(lines.at(-1).createdObjectTypes).toContain('archimate_business_role');

    expect(await counts()).toEqual({ objects: 120, relations: 178 });
    const audit = await tenant.admin.query("SELECT after FROM esm.audit_entries WHERE action = 'import.archimate'");
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].after).toMatchObject({
      objects: { created: 120, updated: 0, unchanged: 0 },
      relations: { created: 178, updated: 0, unchanged: 0 },
      createdAttributes: ['organisation_unit.property1', 'organisation_unit.property2', 'organisation_unit.property3'],
    });
    expect(audit.rows[0].after.createdObjectTypes).toEqual(lines.at(-1).createdObjectTypes);
  });

  it('maps element types onto the default object types', async () => {
    const byType = await objectsByType();
    expect(byType).toMatchObject({
      organisation_unit: 17,
      process: 9 + 6 + 2,
      information_object: 10 + 4 + 1,
      application: 10,
      server: 4 + 5,
      network: 3,
      platform_service: 4 + 5,
      archimate_business_role: 5,
      archimate_business_service: 6,
      archimate_principle: 9,
    });
    const ownType = await tenant.admin.query("SELECT name_sv, name_en, role FROM esm.object_types WHERE key = 'archimate_business_role'");
    expect(ownType.rows).toEqual([{ name_sv: 'Affärsroll', name_en: 'Business role', role: 'general' }]);
  });

  it('maps relationship types onto the ArchiMate relation types', async () => {
    const result = await tenant.admin.query<{ type: string; count: number }>('SELECT type, count(*)::int AS count FROM esm.relations GROUP BY type');
    expect(Object.fromEntries(result.rows.map((row) => [row.type, row.count]))).toEqual({
      archimate_flow: 33,
      archimate_serving: 32,
      archimate_realization: 31,
      archimate_association: 28,
      archimate_access: 14,
      archimate_triggering: 13,
      archimate_aggregation: 11,
      archimate_assignment: 6,
      archimate_specialization: 5,
      archimate_composition: 5,
    });
  });

  it("keeps an element's name, identifier and properties", async () => {
    const result = await tenant.admin.query("SELECT type, name, attributes FROM esm.objects WHERE external_id = 'id-1544'");
    expect(result.rows[0]).toEqual({ type: 'archimate_business_interface', name: 'mail', attributes: {} });
    const withProperties = await tenant.admin.query("SELECT type, attributes FROM esm.objects WHERE external_id = 'id-275'");
    expect(withProperties.rows[0]).toEqual({
      type: 'organisation_unit',
      attributes: {
        property1: 'Another Value of Property 1',
        property2: 'Another Value of Property 2',
        property3: 'Value of Property 3',
      },
    });
    const definitions = await tenant.admin.query(
      "SELECT key, name_sv, name_en, kind FROM esm.attribute_definitions WHERE object_type = 'organisation_unit' AND key LIKE 'property%' ORDER BY key",
    );
    expect(definitions.rows).toEqual([
      { key: 'property1', name_sv: 'Property1', name_en: 'Property1', kind: 'text' },
      { key: 'property2', name_sv: 'Property2', name_en: 'Property2', kind: 'text' },
      { key: 'property3', name_sv: 'Property3', name_en: 'Property3', kind: 'text' },
    ]);
    const documented = await tenant.admin.query("SELECT description FROM esm.objects WHERE external_id = 'id-1407'");
    expect(documented.rows[0].description).not.toBe('');
  });

  it('updates matches on a re-import without duplicates', async () => {
    const file = await readFile(FIXTURE, 'utf8');
    // A user refines an imported object's type between the imports, which the re-import keeps.
    await tenant.admin.query("UPDATE esm.objects SET type = 'partner' WHERE external_id = 'id-275'");
    const renamed = file.replace(/(identifier="id-275"[^>]*>\s*<name xml:lang="en">)Archisurance</, '$1ArchiSurance Ltd<');
    // The file also changes one relationship's access type from Write to Read.
    const changed = renamed.replace('identifier="id-693" source="id-564" target="id-674" xsi:type="Access" accessType="Write"', 'identifier="id-693" source="id-564" target="id-674" xsi:type="Access" accessType="Read"');
    expect(changed).not.toBe(renamed);
    expect(renamed).not.toBe(file);
    const response = await upload(changed);
    expect(response.statusCode).toBe(200);
    expect(finishedLine(response.body)).toMatchObject({
      phase: 'finished',
      objects: 120,
      relations: 178,
      created: { objects: 0, relations: 0 },
      updated: { objects: 1, relations: 1 },
      createdObjectTypes: [],
    });
    expect(await counts()).toEqual({ objects: 120, relations: 178 });
    const object = await tenant.admin.query("SELECT type, name, version, attributes FROM esm.objects WHERE external_id = 'id-275'");
    expect(object.rows[0]).toMatchObject({ type: 'partner', name: 'ArchiSurance Ltd', version: 2 });
    expect(object.rows[0].attributes).toHaveProperty('property1', 'Another Value of Property 1');
    const audit = await tenant.admin.query("SELECT after FROM esm.audit_entries WHERE action = 'import.archimate' ORDER BY id");
    expect(audit.rows).toHaveLength(2);
    expect(audit.rows[1].after).toMatchObject({ objects: { created: 0, updated: 1, unchanged: 119 }, relations: { created: 0, updated: 1, unchanged: 177 } });
    const relation = await tenant.admin.query("SELECT attributes FROM esm.relations WHERE attributes->>'archimate:identifier' = 'id-693'");
    expect(relation.rows).toHaveLength(1);
    expect(relation.rows[0].attributes['archimate:accessType']).toBe('Read');
  });

  it('lets a write user import into the existing meta-model', async () => {
    const response = await upload(await readFile(FIXTURE, 'utf8'), 'application/xml', writerToken);
    expect(response.statusCode).toBe(200);
    expect(finishedLine(response.body)).toMatchObject({ phase: 'finished', created: { objects: 0, relations: 0 } });
  });

  it("rejects a write user's file that needs a new type", async () => {
    const before = await counts();
    const file = exchangeFile('', '<element identifier="wr-1" xsi:type="Gap"><name>Missing backup</name></element>');
    const response = await upload(file, 'application/xml', writerToken);
    expect(response.statusCode).toBe(200);
    const last = finishedLine(response.body);
    expect(last.phase).toBe('failed');
    expect(last.error.code).toBe('ARCHIMATE_META_MODEL_CHANGE_DENIED');
    expect(last.error.message).toContain('archimate_gap');
    expect(await counts()).toEqual(before);
    const types = await tenant.admin.query("SELECT key FROM esm.object_types WHERE key = 'archimate_gap'");
    expect(types.rows).toEqual([]);
  });

  it("rejects a write user's file that needs a new attribute", async () => {
    const before = await counts();
    const property = '<properties><property propertyDefinitionRef="pd-w"><value>yes</value></property></properties>';
    const file = `<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="${NAMESPACE}" xmlns:xsi="${XSI}" identifier="mw">
  <name xml:lang="en">Writer</name>
  <elements><element identifier="wr-2" xsi:type="Node"><name>Host</name>${property}</element></elements>
  <propertyDefinitions><propertyDefinition identifier="pd-w" type="string"><name>Backed up</name></propertyDefinition></propertyDefinitions>
</model>`;
    const last = finishedLine((await upload(file, 'application/xml', writerToken)).body);
    expect(last.error.code).toBe('ARCHIMATE_META_MODEL_CHANGE_DENIED');
    expect(last.error.message).toContain('server.backed_up');
    expect(await counts()).toEqual(before);
  });

  it('passes levels to the accessing element', async () => {
    const file = exchangeFile(
      '<relationship identifier="lv-r1" source="lv-app" target="lv-data" xsi:type="Access" accessType="Read"/>',
      '<element identifier="lv-app" xsi:type="ApplicationComponent"><name>Claims system</name></element>' +
        '<element identifier="lv-data" xsi:type="DataObject"><name>Claim</name></element>',
    );
    expect(finishedLine((await upload(file)).body).phase).toBe('finished');
    await tenant.admin.query(
      `INSERT INTO esm.classification_assignments (object_id, dimension, level, justification)
       SELECT id, 'confidentiality', 3, 'Health data' FROM esm.objects WHERE external_id = 'lv-data'`,
    );

    // The re-import recomputes every level, which reaches the application through the access relation.
    expect(finishedLine((await upload(file)).body).phase).toBe('finished');
    const inherited = await tenant.admin.query(
      "SELECT i.level FROM esm.inherited_levels i JOIN esm.objects o ON o.id = i.object_id WHERE o.external_id = 'lv-app' AND i.dimension = 'confidentiality'",
    );
    expect(inherited.rows).toEqual([{ level: 3 }]);
  });

  it('defines long text for a multi-line property', async () => {
    const property = '<properties><property propertyDefinitionRef="pd-notes"><value>first line\nsecond line</value></property></properties>';
    const file = exchangeFile('', `<element identifier="lt-1" xsi:type="Node"><name>Host</name>${property}</element>`).replace(
      '</model>',
      '<propertyDefinitions><propertyDefinition identifier="pd-notes" type="string"><name>Driftanteckningar åäö</name></propertyDefinition></propertyDefinitions></model>',
    );
    expect(finishedLine((await upload(file)).body).phase).toBe('finished');
    const definition = await tenant.admin.query("SELECT key, name_sv, kind FROM esm.attribute_definitions WHERE object_type = 'server' AND key = 'driftanteckningar_aao'");
    expect(definition.rows).toEqual([{ key: 'driftanteckningar_aao', name_sv: 'Driftanteckningar åäö', kind: 'long_text' }]);
  });

  it('fails on a property that does not fit its attribute', async () => {
    await tenant.admin.query(
      "INSERT INTO esm.attribute_definitions (object_type, key, name_sv, name_en, kind) VALUES ('application', 'criticality', 'Kritikalitet', 'Criticality', 'number')",
    );
    const before = await counts();
    const property = '<properties><property propertyDefinitionRef="pd-c"><value>high</value></property></properties>';
    const file = exchangeFile('', `<element identifier="pi-1" xsi:type="ApplicationComponent"><name>CRM</name>${property}</element>`).replace(
      '</model>',
      '<propertyDefinitions><propertyDefinition identifier="pd-c" type="string"><name>Criticality</name></propertyDefinition></propertyDefinitions></model>',
    );
    const response = await upload(file);
    expect(response.statusCode).toBe(200);
    const last = finishedLine(response.body);
    expect(last.phase).toBe('failed');
    expect(last.error.code).toBe('ARCHIMATE_PROPERTY_INVALID');
    expect(last.error.message).toContain('pi-1');
    expect(await counts()).toEqual(before);
    const types = await tenant.admin.query("SELECT key FROM esm.object_types WHERE key = 'archimate_business_actor'");
    expect(types.rows).toEqual([]);
  });

  it('rejects malformed XML with its line and changes nothing', async () => {
    const before = await counts();
    const response = await upload('<?xml version="1.0"?>\n<model>\n<elements>\n</model>');
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('ARCHIMATE_MALFORMED');
    expect(response.json().error.message).toMatch(/line \d/);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['an external entity', '<!DOCTYPE model [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', '&xxe;'],
    ['a parameter entity', '<!DOCTYPE model [<!ENTITY % p "x"> %p;]>', 'Customer'],
    ['an entity value over 10,000 characters', `<!DOCTYPE model [<!ENTITY big "${'a'.repeat(10_001)}">]>`, '&big;'],
  ])('rejects %s with ARCHIMATE_MALFORMED and changes nothing', async (_case, doctype, name) => {
    const before = await counts();
    const file = exchangeFile('').replace('<model ', `${doctype}\n<model `).replace('>Customer<', `>${name}<`);
    const response = await upload(file);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('ARCHIMATE_MALFORMED');
    expect(response.json().error.message).toMatch(/line 2\b/);
    expect(await counts()).toEqual(before);
  });

  it('rejects a NUL character with ARCHIMATE_MALFORMED and its line', async () => {
    const before = await counts();
    const response = await upload(exchangeFile('').replace('>Customer<', '>Cust\u0000omer<'));
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('ARCHIMATE_MALFORMED');
    expect(response.json().error.message).toMatch(/line 5\b/);
    expect(await counts()).toEqual(before);
  });

  it('rejects 10,000 nested elements with ARCHIMATE_MALFORMED', async () => {
    const before = await counts();
    const nested = `${'<group>\n'.repeat(10_000)}${'</group>'.repeat(10_000)}`;
    const response = await upload(exchangeFile('').replace('<elements>', `<elements>${nested}`));
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('ARCHIMATE_MALFORMED');
    // model and elements are two levels, so the 100th group on line 103 is the 102nd level.
    expect(response.json().error.message).toMatch(/line 103\b/);
    expect(await counts()).toEqual(before);
  });

  it('rejects an element named __proto__ with ARCHIMATE_MALFORMED', async () => {
    const before = await counts();
    const response = await upload(exchangeFile('').replace('<elements>', '<elements>\n<__proto__><polluted>yes</polluted></__proto__>'));
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('ARCHIMATE_MALFORMED');
    expect(response.json().error.message).toMatch(/line 5\b/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await counts()).toEqual(before);
  });

  it('keeps identifiers despite a property named archimate:identifier', async () => {
    const property = (value: string) =>
      `<properties><property propertyDefinitionRef="pd1"><value xml:lang="en">${value}</value></property></properties>`;
    const file = `<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="${NAMESPACE}" xmlns:xsi="${XSI}" identifier="m2">
  <name xml:lang="en">Clash</name>
  <elements>
    <element identifier="clash-a" xsi:type="BusinessActor"><name xml:lang="en">Clash A</name>${property('clash-b')}</element>
    <element identifier="clash-b" xsi:type="BusinessRole"><name xml:lang="en">Clash B</name>${property('clash-a')}</element>
  </elements>
  <relationships>
    <relationship identifier="clash-r" source="clash-a" target="clash-b" xsi:type="Assignment">${property('clash-x')}</relationship>
  </relationships>
  <propertyDefinitions>
    <propertyDefinition identifier="pd1" type="string"><name xml:lang="en">archimate:identifier</name></propertyDefinition>
  </propertyDefinitions>
</model>`;
    const response = await upload(file);
    expect(response.statusCode).toBe(200);
    expect(finishedLine(response.body)).toMatchObject({ phase: 'finished', objects: 2, relations: 1 });

    const objects = await tenant.admin.query<{ id: string; external_id: string; attributes: Record<string, string> }>(
      "SELECT id, external_id, attributes FROM esm.objects WHERE name IN ('Clash A', 'Clash B') ORDER BY name",
    );
    const [a, b] = objects.rows;
    expect(a).toMatchObject({ external_id: 'clash-a', attributes: { archimate_identifier: 'clash-b' } });
    expect(b).toMatchObject({ external_id: 'clash-b', attributes: { archimate_identifier: 'clash-a' } });

    const relation = await tenant.admin.query("SELECT type, source_id, target_id, attributes FROM esm.relations WHERE attributes->>'archimate:identifier' = 'clash-r'");
    expect(relation.rows).toEqual([
      {
        type: 'archimate_assignment',
        source_id: a!.id,
        target_id: b!.id,
        attributes: { 'archimate:identifier': 'clash-r', 'archimate:property:archimate:identifier': 'clash-x' },
      },
    ]);
  });

  it.each([
    ['an element type with a hyphen', exchangeFile('', '<element identifier="t1" xsi:type="Business-Actor"><name>X</name></element>'), 'Business-Actor'],
    ['a relationship type ArchiMate 3 lacks', exchangeFile('<relationship identifier="t2" source="e1" target="e2" xsi:type="UsedBy"/>'), 'UsedBy'],
  ])('rejects %s with ARCHIMATE_TYPE_UNSUPPORTED and changes nothing', async (_case, file, type) => {
    const before = await counts();
    const response = await upload(file);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('ARCHIMATE_TYPE_UNSUPPORTED');
    expect(response.json().error.message).toContain(type);
    expect(await counts()).toEqual(before);
  });

  it('rejects XML that is not an ArchiMate model', async () => {
    const before = await counts();
    const response = await upload('<?xml version="1.0"?><model xmlns="urn:other"><elements/></model>', 'text/xml');
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('ARCHIMATE_FORMAT_UNSUPPORTED');
    expect(await counts()).toEqual(before);
  });

  it('rejects a relationship to a missing element', async () => {
    const before = await counts();
    const response = await upload(exchangeFile('<relationship identifier="r1" source="e1" target="e9" xsi:type="Assignment"/>'));
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('ARCHIMATE_MISSING_ELEMENT');
    expect(response.json().error.message).toContain('e9');
    expect(await counts()).toEqual(before);
  });

  it('rejects a duplicate identifier', async () => {
    const response = await upload(exchangeFile('', '<element identifier="e1" xsi:type="Node"><name>Again</name></element>'));
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('ARCHIMATE_DUPLICATE_IDENTIFIER');
  });

  it('rejects a relationship that connects to a relationship', async () => {
    const before = await counts();
    const response = await upload(
      exchangeFile(
        '<relationship identifier="r1" source="e1" target="e2" xsi:type="Association"/>' +
          '<relationship identifier="r2" source="e1" target="r1" xsi:type="Association"/>',
      ),
    );
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('ARCHIMATE_RELATIONSHIP_ENDPOINT_UNSUPPORTED');
    expect(await counts()).toEqual(before);
  });

  it('rejects an import by a read user before reading the body', async () => {
    const reader = await createUserWithToken(tenant, 'read');
    const response = await upload(exchangeFile(''), 'application/xml', reader.token);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ACCESS_DENIED');
  });

  it('rejects JSON with REQUEST_UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await upload('{}', 'application/json');
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('REQUEST_UNSUPPORTED_MEDIA_TYPE');
  });
});
