import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';

describe('attribute routes', () => {
  let tenant: TestTenant;
  let admin: string;
  let writer: string;
  let reader: string;
  let typeCounter = 0;
  let type: string;

  beforeAll(async () => {
    tenant = await createTestTenant('attributes');
    admin = (await createUserWithToken(tenant, 'admin')).token;
    writer = (await createUserWithToken(tenant, 'write')).token;
    reader = (await createUserWithToken(tenant, 'read')).token;
  });

  afterAll(async () => tenant.close());

  // Each test works on a type of its own, so versions and values start fresh.
  beforeEach(async () => {
    typeCounter += 1;
    type = `asset_${typeCounter}`;
    const response = await send('POST', '/api/meta-model/object-types', admin, { key: type, nameSv: 'Tillgång', nameEn: 'Asset' });
    expect(response.statusCode).toBe(201);
  });

  function send(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: object) {
    return tenant.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  }

  async function addAttribute(definition: object) {
    const response = await send('POST', `/api/meta-model/object-types/${type}/attributes`, admin, definition);
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  async function insertObjects(attributeValues: object[]): Promise<string[]> {
    const result = await tenant.admin.query<{ id: string }>(
      `INSERT INTO esm.objects (type, name, attributes)
       SELECT $1, 'object ' || ordinality, value FROM unnest($2::jsonb[]) WITH ORDINALITY AS item(value, ordinality) RETURNING id`,
      [type, attributeValues.map((value) => JSON.stringify(value))],
    );
    return result.rows.map((row) => row.id);
  }

  async function storedObjects() {
    const result = await tenant.admin.query('SELECT name, attributes, version FROM esm.objects WHERE type = $1 ORDER BY name', [type]);
    return result.rows;
  }

  async function storedAttribute(key: string) {
    const result = await tenant.admin.query('SELECT kind, choices, required FROM esm.attribute_definitions WHERE object_type = $1 AND key = $2', [type, key]);
    return result.rows[0];
  }

  async function typeVersion(): Promise<number> {
    const result = await tenant.admin.query<{ version: number }>('SELECT version FROM esm.object_types WHERE key = $1', [type]);
    return result.rows[0]!.version;
  }

  async function lastAudit(action: string) {
    const result = await tenant.admin.query('SELECT entity_id, before, after, summary FROM esm.audit_entries WHERE action = $1 ORDER BY id DESC LIMIT 1', [action]);
    return result.rows[0];
  }

  describe('POST /api/meta-model/object-types/:key/attributes', () => {
    it('adds a choice attribute, raises the type version and audits it', async () => {
      const created = await addAttribute({
        key: 'criticality', nameSv: 'Kritikalitet', nameEn: 'Criticality', kind: 'choice',
        choices: [{ key: 'low', sv: 'Låg', en: 'Low' }, { key: 'high', sv: 'Hög', en: 'High' }],
      });
      expect(created).toMatchObject({ key: 'criticality', kind: 'choice', required: false, referenceType: null, sortOrder: 10 });
      expect(await typeVersion()).toBe(2);
      expect(await lastAudit('attribute.created')).toMatchObject({ entity_id: type, before: null, after: { key: 'criticality', convertedValues: 0 } });
    });

    it('adds a reference attribute to a type', async () => {
      const created = await addAttribute({ key: 'owner_unit', nameSv: 'Enhet', nameEn: 'Unit', kind: 'reference', referenceType: 'organisation_unit' });
      expect(created.referenceType).toBe('organisation_unit');
    });

    it.each([
      ['a choice attribute without choices', { kind: 'choice' }, 422, 'ATTRIBUTE_CHOICES_INVALID'],
      ['choices with the same key twice', { kind: 'choice', choices: [{ key: 'a', sv: 'A', en: 'A' }, { key: 'a', sv: 'B', en: 'B' }] }, 422, 'ATTRIBUTE_CHOICES_INVALID'],
      ['choices on a text attribute', { kind: 'text', choices: [{ key: 'a', sv: 'A', en: 'A' }] }, 422, 'ATTRIBUTE_CHOICES_INVALID'],
      ['a referenced type that does not exist', { kind: 'reference', referenceType: 'nothing' }, 422, 'ATTRIBUTE_REFERENCE_TYPE_INVALID'],
      ['a referenced type on a text attribute', { kind: 'text', referenceType: 'partner' }, 422, 'ATTRIBUTE_REFERENCE_TYPE_INVALID'],
      ['an unknown kind', { kind: 'colour' }, 400, 'REQUEST_INVALID'],
    ])('rejects %s and changes nothing', async (_case, definition, status, code) => {
      const response = await send('POST', `/api/meta-model/object-types/${type}/attributes`, admin, { key: 'field', nameSv: 'Fält', nameEn: 'Field', ...definition });
      expect(response.statusCode).toBe(status);
      expect(response.json().error.code).toBe(code);
      expect(await storedAttribute('field')).toBeUndefined();
      expect(await typeVersion()).toBe(1);
    });

    it('rejects a key the type already has', async () => {
      await addAttribute({ key: 'code', nameSv: 'Kod', nameEn: 'Code', kind: 'text' });
      const response = await send('POST', `/api/meta-model/object-types/${type}/attributes`, admin, { key: 'code', nameSv: 'Kod', nameEn: 'Code', kind: 'number' });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('ATTRIBUTE_EXISTS');
      expect((await storedAttribute('code'))!.kind).toBe('text');
    });

    it('rejects a required attribute while objects lack it, with their number', async () => {
      await insertObjects([{}, {}, {}]);
      const response = await send('POST', `/api/meta-model/object-types/${type}/attributes`, admin, {
        key: 'owner', nameSv: 'Ägare', nameEn: 'Owner', kind: 'text', required: true,
      });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('ATTRIBUTE_VALUES_INCOMPATIBLE');
      expect(response.json().error.values).toBe(3);
      expect(await storedAttribute('owner')).toBeUndefined();
    });

    it('rejects a write user and changes nothing', async () => {
      const response = await send('POST', `/api/meta-model/object-types/${type}/attributes`, writer, { key: 'code', nameSv: 'Kod', nameEn: 'Code', kind: 'text' });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('ACCESS_DENIED');
      expect(await storedAttribute('code')).toBeUndefined();
    });
  });

  describe('PATCH /api/meta-model/object-types/:key/attributes/:attribute', () => {
    it('converts numbers to text, raising object versions', async () => {
      await addAttribute({ key: 'users', nameSv: 'Användare', nameEn: 'Users', kind: 'number' });
      await insertObjects([{ users: 12 }, { users: 0.5 }, {}]);
      const response = await send('PATCH', `/api/meta-model/object-types/${type}/attributes/users`, admin, { version: 2, kind: 'text' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ key: 'users', kind: 'text' });
      expect(await storedObjects()).toEqual([
        { name: 'object 1', attributes: { users: '12' }, version: 2 },
        { name: 'object 2', attributes: { users: '0.5' }, version: 2 },
        { name: 'object 3', attributes: {}, version: 1 },
      ]);
      expect(await lastAudit('attribute.changed')).toMatchObject({ before: { kind: 'number' }, after: { kind: 'text', convertedValues: 2 } });
      expect(await typeVersion()).toBe(3);
    });

    it('converts text that is exactly a number back to a number', async () => {
      await addAttribute({ key: 'count', nameSv: 'Antal', nameEn: 'Count', kind: 'text' });
      await insertObjects([{ count: '42' }, { count: '-1.25' }]);
      const response = await send('PATCH', `/api/meta-model/object-types/${type}/attributes/count`, admin, { version: 2, kind: 'number' });
      expect(response.statusCode).toBe(200);
      expect((await storedObjects()).map((object) => object.attributes)).toEqual([{ count: 42 }, { count: -1.25 }]);
    });

    it.each([
      ['text that is no number', 'text', { kind: 'number' }, ['12', '12 st', '1,5', '012']],
      ['long text to one-line text', 'long_text', { kind: 'text' }, ['one line', 'two\nlines']],
    ])('rejects converting %s, counts what breaks and changes nothing', async (_case, kind, change, values) => {
      await addAttribute({ key: 'value', nameSv: 'Värde', nameEn: 'Value', kind });
      await insertObjects(values.map((value) => ({ value })));
      const before = await storedObjects();
      const response = await send('PATCH', `/api/meta-model/object-types/${type}/attributes/value`, admin, { version: 2, ...change });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('ATTRIBUTE_VALUES_INCOMPATIBLE');
      expect(response.json().error.values).toBe(values.length - 1);
      expect((await storedAttribute('value'))!.kind).toBe(kind);
      expect(await storedObjects()).toEqual(before);
      expect(await typeVersion()).toBe(2);
    });

    it('rejects removing a choice that objects hold', async () => {
      await addAttribute({
        key: 'level', nameSv: 'Nivå', nameEn: 'Level', kind: 'choice',
        choices: [{ key: 'low', sv: 'Låg', en: 'Low' }, { key: 'high', sv: 'Hög', en: 'High' }],
      });
      await insertObjects([{ level: 'high' }, { level: 'low' }, { level: 'high' }]);
      const response = await send('PATCH', `/api/meta-model/object-types/${type}/attributes/level`, admin, {
        version: 2, choices: [{ key: 'low', sv: 'Låg', en: 'Low' }],
      });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.values).toBe(2);
      expect((await storedAttribute('level'))!.choices).toHaveLength(2);
    });

    it('renames choices without touching values', async () => {
      await addAttribute({ key: 'level', nameSv: 'Nivå', nameEn: 'Level', kind: 'choice', choices: [{ key: 'low', sv: 'Låg', en: 'Low' }] });
      await insertObjects([{ level: 'low' }]);
      const response = await send('PATCH', `/api/meta-model/object-types/${type}/attributes/level`, admin, {
        version: 2, choices: [{ key: 'low', sv: 'Liten', en: 'Small' }],
      });
      expect(response.statusCode).toBe(200);
      expect(await storedObjects()).toEqual([{ name: 'object 1', attributes: { level: 'low' }, version: 1 }]);
    });

    it('rejects making an attribute required while an object lacks it', async () => {
      await addAttribute({ key: 'owner', nameSv: 'Ägare', nameEn: 'Owner', kind: 'text' });
      await insertObjects([{ owner: 'Anna' }, { owner: ' ' }, {}]);
      const response = await send('PATCH', `/api/meta-model/object-types/${type}/attributes/owner`, admin, { version: 2, required: true });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.values).toBe(2);
      expect((await storedAttribute('owner'))!.required).toBe(false);
    });

    it('rejects a referenced type that stored references do not have', async () => {
      const [partner] = (await tenant.admin.query<{ id: string }>("INSERT INTO esm.objects (type, name) VALUES ('partner', 'Leverantör') RETURNING id")).rows;
      await addAttribute({ key: 'link', nameSv: 'Länk', nameEn: 'Link', kind: 'reference' });
      await insertObjects([{ link: partner!.id }]);
      const response = await send('PATCH', `/api/meta-model/object-types/${type}/attributes/link`, admin, { version: 2, referenceType: 'application' });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.values).toBe(1);
      const allowed = await send('PATCH', `/api/meta-model/object-types/${type}/attributes/link`, admin, { version: 2, referenceType: 'partner' });
      expect(allowed.statusCode).toBe(200);
    });

    it('rejects a stale type version with the current type', async () => {
      await addAttribute({ key: 'code', nameSv: 'Kod', nameEn: 'Code', kind: 'text' });
      const response = await send('PATCH', `/api/meta-model/object-types/${type}/attributes/code`, admin, { version: 1, nameEn: 'Identifier' });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('OBJECT_TYPE_VERSION_CONFLICT');
      expect(response.json().error.current).toMatchObject({ key: type, version: 2 });
    });

    it('returns 404 for an attribute the type lacks', async () => {
      const response = await send('PATCH', `/api/meta-model/object-types/${type}/attributes/nothing`, admin, { version: 1, nameEn: 'Nothing' });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('ATTRIBUTE_NOT_FOUND');
    });
  });

  describe('removing an attribute', () => {
    it('previews the number of values to a read user', async () => {
      await addAttribute({ key: 'code', nameSv: 'Kod', nameEn: 'Code', kind: 'text' });
      await insertObjects([{ code: 'A' }, { code: 'B' }, {}]);
      const response = await send('GET', `/api/meta-model/object-types/${type}/attributes/code/removal-preview`, reader);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ values: 2 });
    });

    it('rejects a count that differs from the current one and changes nothing', async () => {
      await addAttribute({ key: 'code', nameSv: 'Kod', nameEn: 'Code', kind: 'text' });
      await insertObjects([{ code: 'A' }, { code: 'B' }]);
      const response = await send('DELETE', `/api/meta-model/object-types/${type}/attributes/code?values=1`, admin);
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('ATTRIBUTE_REMOVAL_COUNT_CHANGED');
      expect(response.json().error.values).toBe(2);
      expect(response.json().error.message).toContain('2');
      expect(await storedAttribute('code')).toBeDefined();
      expect((await storedObjects()).map((object) => object.attributes)).toEqual([{ code: 'A' }, { code: 'B' }]);
    });

    it('drops the definition and every value, raising object versions, and audits the count', async () => {
      await addAttribute({ key: 'code', nameSv: 'Kod', nameEn: 'Code', kind: 'text' });
      await addAttribute({ key: 'kept', nameSv: 'Kvar', nameEn: 'Kept', kind: 'boolean' });
      await insertObjects([{ code: 'A', kept: true }, { kept: false }]);
      const response = await send('DELETE', `/api/meta-model/object-types/${type}/attributes/code?values=1`, admin);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ values: 1 });
      expect(await storedAttribute('code')).toBeUndefined();
      expect(await storedObjects()).toEqual([
        { name: 'object 1', attributes: { kept: true }, version: 2 },
        { name: 'object 2', attributes: { kept: false }, version: 1 },
      ]);
      expect(await lastAudit('attribute.removed')).toMatchObject({ entity_id: type, before: { key: 'code', values: 1 }, after: null });
    });

    it('rejects a write user and changes nothing', async () => {
      await addAttribute({ key: 'code', nameSv: 'Kod', nameEn: 'Code', kind: 'text' });
      const response = await send('DELETE', `/api/meta-model/object-types/${type}/attributes/code?values=0`, writer);
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('ACCESS_DENIED');
      expect(await storedAttribute('code')).toBeDefined();
    });
  });
});
