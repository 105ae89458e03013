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

  beforeAll(async () => {
    tenant = await createTestTenant('import');
    token = (await createUserWithToken(tenant, 'write')).token;
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

  it('imports the Archisurance model with one audit entry', async () => {
    const response = await upload(await readFile(FIXTURE, 'utf8'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const lines = response.body.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ phase: 'parsing', done: 298, total: 298 });
    expect(lines).toContainEqual({ phase: 'objects', done: 120, total: 120 });
    expect(lines).toContainEqual({ phase: 'relations', done: 178, total: 178 });
    expect(lines.at(-1)).toEqual({ phase: 'finished', objects: 120, relations: 178 });

    expect(await counts()).toEqual({ objects: 120, relations: 178 });
    const audit = await tenant.admin.query("SELECT after FROM esm.audit_entries WHERE action = 'import.archimate'");
    expect(audit.rows).toEqual([{ after: { objects: 120, relations: 178 } }]);
  });

  it('keeps type, name, identifier and properties of an element', async () => {
    const result = await tenant.admin.query(
      "SELECT type, name, attributes FROM esm.objects WHERE attributes->>'archimate:identifier' = 'id-1544'",
    );
    expect(result.rows[0]).toEqual({ type: 'BusinessInterface', name: 'mail', attributes: { 'archimate:identifier': 'id-1544' } });
    const withProperties = await tenant.admin.query("SELECT attributes FROM esm.objects WHERE attributes->>'archimate:identifier' = 'id-275'");
    expect(withProperties.rows[0].attributes).toEqual({
      'archimate:identifier': 'id-275',
      Property1: 'Another Value of Property 1',
      Property2: 'Another Value of Property 2',
      Property3: 'Value of Property 3',
    });
    const documented = await tenant.admin.query("SELECT description FROM esm.objects WHERE attributes->>'archimate:identifier' = 'id-1407'");
    expect(documented.rows[0].description).not.toBe('');
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

  it('keeps identifiers despite a clashing property', async () => {
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
    <relationship identifier="clash-r" source="clash-a" target="clash-b" xsi:type="Assignment"/>
  </relationships>
  <propertyDefinitions>
    <propertyDefinition identifier="pd1" type="string"><name xml:lang="en">archimate:identifier</name></propertyDefinition>
  </propertyDefinitions>
</model>`;
    const response = await upload(file);
    expect(response.statusCode).toBe(200);
    expect(response.body.trim().split('\n').map((line) => JSON.parse(line)).at(-1)).toEqual({ phase: 'finished', objects: 2, relations: 1 });

    const objects = await tenant.admin.query<{ id: string; name: string; attributes: Record<string, string> }>(
      "SELECT id, name, attributes FROM esm.objects WHERE name IN ('Clash A', 'Clash B') ORDER BY name",
    );
    const [a, b] = objects.rows;
    expect(a!.attributes).toEqual({ 'archimate:identifier': 'clash-a', 'archimate:property:archimate:identifier': 'clash-b' });
    expect(b!.attributes).toEqual({ 'archimate:identifier': 'clash-b', 'archimate:property:archimate:identifier': 'clash-a' });

    const relation = await tenant.admin.query("SELECT source_id, target_id FROM esm.relations WHERE attributes->>'archimate:identifier' = 'clash-r'");
    expect(relation.rows).toEqual([{ source_id: a!.id, target_id: b!.id }]);
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
