import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';
import { createObjectAs, type ObjectBody } from '../../test-support/model-requests.js';
import { createRequirementSetThroughApi } from '../../test-support/requirements.js';

describe('object lists', () => {
  let tenant: TestTenant;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    tenant = await createTestTenant('object-list');
    writer = (await createUserWithToken(tenant, 'write')).token;
    reader = (await createUserWithToken(tenant, 'read')).token;
    // Types of their own keep each test's rows apart from the others'.
    await tenant.admin.query(`
      INSERT INTO esm.object_types (key, name_sv, name_en) VALUES
        ('paged', 'Sidad', 'Paged'), ('sorted', 'Sorterad', 'Sorted'), ('sorted_too', 'Sorterad två', 'Sorted too'),
        ('searched', 'Sökt', 'Searched'), ('filtered', 'Filtrerad', 'Filtered');
      INSERT INTO esm.attribute_definitions (object_type, key, name_sv, name_en, kind, choices, reference_type) VALUES
        ('filtered', 'owner', 'Ägare', 'Owner', 'text', '[]', NULL),
        ('filtered', 'size', 'Storlek', 'Size', 'number', '[]', NULL),
        ('filtered', 'due', 'Förfaller', 'Due', 'date', '[]', NULL),
        ('filtered', 'active', 'Aktiv', 'Active', 'boolean', '[]', NULL),
        ('filtered', 'state', 'Läge', 'State', 'choice', '[{"key": "on", "sv": "På", "en": "On"}, {"key": "off", "sv": "Av", "en": "Off"}]', NULL),
        ('filtered', 'partner', 'Partner', 'Partner', 'reference', '[]', 'partner'),
        ('filtered', 'limit.max', 'Gräns', 'Limit', 'number', '[]', NULL);
    `);
  });

  afterAll(async () => tenant.close());

  async function list(query: string, token = reader) {
    const response = await tenant.app.inject({ method: 'GET', url: `/api/objects?${query}`, headers: bearer(token) });
    return response;
  }

  async function names(query: string): Promise<string[]> {
    const response = await list(query);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().objects.map((object: ObjectBody) => object.name);
  }

  /** Reads every page of a list and returns the objects in order. */
  async function allPages(query: string, limit: number): Promise<ObjectBody[]> {
    const collected: ObjectBody[] = [];
    let after: string | null = null;
    do {
      const response = await list(`${query}&limit=${limit}${after ? `&after=${after}` : ''}`);
      expect(response.statusCode, response.body).toBe(200);
      collected.push(...(response.json().objects as ObjectBody[]));
      after = response.json().next as string | null;
    } while (after);
    return collected;
  }

  describe('sorting and pages', () => {
    beforeAll(async () => {
      // Created one after another, so updatedAt follows this order. The word zqsort finds exactly these rows.
      for (const [type, name] of [
        ['sorted', 'Delta zqsort'],
        ['sorted_too', 'Alfa zqsort'],
        ['sorted', 'Charlie zqsort'],
        ['sorted_too', 'Bravo zqsort'],
        ['sorted', 'Alfa zqsort'],
      ]) {
        await createObjectAs(tenant, writer, { type, name });
      }
    });

    it.each([
      ['name', ['Alfa', 'Alfa', 'Bravo', 'Charlie', 'Delta']],
      ['-name', ['Delta', 'Charlie', 'Bravo', 'Alfa', 'Alfa']],
      ['updatedAt', ['Delta', 'Alfa', 'Charlie', 'Bravo', 'Alfa']],
      ['-updatedAt', ['Alfa', 'Bravo', 'Charlie', 'Alfa', 'Delta']],
      ['type', ['Alfa', 'Charlie', 'Delta', 'Alfa', 'Bravo']],
    ])('pages through a list sorted by %s without repeating or skipping rows', async (sort, expected) => {
      const whole = await allPages(`q=zqsort&sort=${sort}`, 500);
      expect(whole.map((object) => object.name.replace(' zqsort', ''))).toEqual(expected);
      for (const limit of [1, 2]) {
        const paged = await allPages(`q=zqsort&sort=${sort}`, limit);
        expect(paged.map((object) => object.id)).toEqual(whole.map((object) => object.id));
      }
    });

    it('rejects a cursor taken under another sort with PAGE_CURSOR_INVALID', async () => {
      const first = await list('q=zqsort&sort=name&limit=1');
      const next = first.json().next as string;
      expect(next).toEqual(expect.any(String));
      const response = await list(`q=zqsort&sort=-updatedAt&limit=1&after=${next}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('PAGE_CURSOR_INVALID');
    });

    it.each([
      ['garbage', 'garbage'],
      ['an id of 36 dashes', ['name', 'p1', '-'.repeat(36)]],
      ['an id with a wrong layout', ['name', 'p1', '0123456789abcdef0123456789abcdef0123']],
      ['an id with a NUL', ['name', 'p1', '00000000-0000-0000-0000-00000000000\u0000']],
      ['a name with a NUL', ['name', 'p\u0000', '00000000-0000-4000-8000-000000000000']],
      ['a number as name', ['name', 1, '00000000-0000-4000-8000-000000000000']],
      ['a key too few', ['type', 'sorted', '00000000-0000-4000-8000-000000000000']],
      ['a time that is not an integer', ['updatedAt', '2025-01-01T00:00:00Z', '00000000-0000-4000-8000-000000000000']],
    ])('rejects a cursor with %s with PAGE_CURSOR_INVALID', async (_case, cursor) => {
      const after = typeof cursor === 'string' ? cursor : Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
      const sort = typeof cursor === 'string' ? 'name' : cursor[0];
      const response = await list(`sort=${sort}&after=${after}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('PAGE_CURSOR_INVALID');
    });

    it.each([
      ['an unknown sort', 'sort=size'],
      ['a limit of 0', 'limit=0'],
      ['a limit of 501', 'limit=501'],
      ['a NUL in the type', 'type=a%00b'],
      ['a NUL in the search', 'q=a%00b'],
      ['a search of 501 characters', `q=${'a'.repeat(501)}`],
      ['a NUL in an attribute filter', 'attribute.owner=a%00b'],
    ])('rejects %s with REQUEST_INVALID', async (_case, query) => {
      const response = await list(query);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('REQUEST_INVALID');
    });
  });

  it('keeps keyset pages stable while another client inserts rows before and after the cursor', async () => {
    for (const name of ['p2', 'p4', 'p6', 'p8']) await createObjectAs(tenant, writer, { type: 'paged', name });
    const first = await list('type=paged&limit=2');
    expect(first.json().objects.map((object: ObjectBody) => object.name)).toEqual(['p2', 'p4']);

    // Another client inserts one row before the cursor and two after it.
    for (const name of ['p1', 'p5', 'p9']) await createObjectAs(tenant, writer, { type: 'paged', name });
    const second = await list(`type=paged&limit=2&after=${first.json().next}`);
    expect(second.json().objects.map((object: ObjectBody) => object.name)).toEqual(['p5', 'p6']);
    const third = await list(`type=paged&limit=2&after=${second.json().next}`);
    expect(third.json()).toMatchObject({ objects: [{ name: 'p8' }, { name: 'p9' }], next: null });
  });

  describe('attribute filters', () => {
    let partnerId: string;

    beforeAll(async () => {
      partnerId = (await createObjectAs(tenant, writer, { type: 'partner', name: 'Supplier' })).id;
      const rows = [
        { name: 'F1', attributes: { owner: 'Anna', size: 10, due: '2025-01-15', active: true, state: 'on', partner: partnerId } },
        { name: 'F2', attributes: { owner: 'Bertil', size: 25.5, due: '2025-06-30', active: false, state: 'off' } },
        { name: 'F3', attributes: { owner: 'Anna', size: 40, due: '2026-01-01', active: true, 'limit.max': 7 } },
        { name: 'F4', attributes: {} },
      ];
      for (const row of rows) await createObjectAs(tenant, writer, { type: 'filtered', ...row });
    });

    it.each([
      ['text', `attribute.owner=Anna`, ['F1', 'F3']],
      ['a number', 'attribute.size=25.5', ['F2']],
      ['a number written another way', 'attribute.size=10.0', ['F1']],
      ['a boolean', 'attribute.active=false', ['F2']],
      ['a choice', 'attribute.state=on', ['F1']],
      ['a date', 'attribute.due=2025-06-30', ['F2']],
      ['a reference', () => `attribute.partner=${partnerId}`, ['F1']],
      ['a number range', 'attribute.size.min=20&attribute.size.max=40', ['F2', 'F3']],
      ['a number minimum', 'attribute.size.min=25.6', ['F3']],
      ['a date range', 'attribute.due.min=2025-02-01&attribute.due.max=2025-12-31', ['F2']],
      ['a date maximum', 'attribute.due.max=2025-06-30', ['F1', 'F2']],
      ['two attributes', 'attribute.owner=Anna&attribute.size.max=20', ['F1']],
      ['a key that ends in .max', 'attribute.limit.max=7', ['F3']],
    ])('filters on %s', async (_case, filter, expected) => {
      const query = typeof filter === 'function' ? filter() : filter;
      expect(await names(`type=filtered&${query}`)).toEqual(expected);
    });

    it('filters on an attribute without a type filter', async () => {
      expect(await names('attribute.owner=Bertil')).toEqual(['F2']);
    });

    it.each([
      ['an attribute no type has', 'attribute.colour=red', 'OBJECT_FILTER_ATTRIBUTE_UNKNOWN'],
      ['an attribute the filtered type lacks', 'type=paged&attribute.owner=Anna', 'OBJECT_FILTER_ATTRIBUTE_UNKNOWN'],
      ['a number that is not one', 'type=filtered&attribute.size=ten', 'OBJECT_FILTER_VALUE_INVALID'],
      ['a boolean that is not one', 'type=filtered&attribute.active=yes', 'OBJECT_FILTER_VALUE_INVALID'],
      ['a range on text', 'type=filtered&attribute.owner.min=A', 'OBJECT_FILTER_VALUE_INVALID'],
      ['a date range with a bound that is no date', 'type=filtered&attribute.due.min=soon', 'OBJECT_FILTER_VALUE_INVALID'],
    ])('rejects %s with 400', async (_case, query, code) => {
      const response = await list(query);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe(code);
    });
  });

  describe('role exclusion', () => {
    beforeAll(async () => {
      // Every name contains the word zqrole, so a search finds exactly these rows.
      const admin = (await createUserWithToken(tenant, 'admin')).token;
      await createRequirementSetThroughApi(tenant, admin, 'Set zqrole', [
        { identifier: 'R1', title: 'Alfa zqrole' },
        { identifier: 'R2', title: 'Charlie zqrole' },
        { identifier: 'R3', title: 'Echo zqrole' },
      ]);
      for (const name of ['Bravo zqrole', 'Delta zqrole', 'Foxtrot zqrole']) await createObjectAs(tenant, writer, { type: 'paged', name });
    });

    it('leaves out requirement sets and requirements on every page', async () => {
      const everything = await allPages('q=zqrole', 500);
      expect(everything.map((object) => object.type).sort()).toEqual(['paged', 'paged', 'paged', 'requirement', 'requirement', 'requirement', 'requirement_set']);
      for (const limit of [1, 2, 500]) {
        const kept = await allPages('q=zqrole&excludeRoles=requirement_set,requirement', limit);
        expect(kept.map((object) => object.name)).toEqual(['Bravo zqrole', 'Delta zqrole', 'Foxtrot zqrole']);
      }
    });

    it('leaves out only the roles it names', async () => {
      const kept = await allPages('q=zqrole&excludeRoles=requirement_set', 500);
      expect(kept.filter((object) => object.type === 'requirement_set')).toEqual([]);
      expect(kept.filter((object) => object.type === 'requirement')).toHaveLength(3);
    });

    it('ends a page early only at the last matching row', async () => {
      // Sorted by name the requirements lie between the kept rows, and the last page must still end with next: null.
      const first = await list('q=zqrole&excludeRoles=requirement_set,requirement&limit=2');
      expect(first.json().objects.map((object: ObjectBody) => object.name)).toEqual(['Bravo zqrole', 'Delta zqrole']);
      const second = await list(`q=zqrole&excludeRoles=requirement_set,requirement&limit=2&after=${first.json().next}`);
      expect(second.json()).toMatchObject({ objects: [{ name: 'Foxtrot zqrole' }], next: null });
    });

    it('leaves out requirement objects from a list without a search', async () => {
      const kept = await allPages('excludeRoles=requirement_set,requirement', 500);
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.filter((object) => object.type === 'requirement' || object.type === 'requirement_set')).toEqual([]);
    });

    it.each([
      ['an unknown role', 'excludeRoles=requirements'],
      ['an empty role', 'excludeRoles=requirement,'],
      ['roles separated by spaces', 'excludeRoles=requirement%20requirement_set'],
    ])('rejects %s with REQUEST_INVALID', async (_case, query) => {
      const response = await list(query);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('REQUEST_INVALID');
    });
  });

  describe('full-text search', () => {
    beforeAll(async () => {
      const rows = [
        { name: 'Avtalet med leverantören', description: 'Gäller drift av servrar.' },
        { name: 'Leverantörsavtal', description: '' },
        { name: 'Supplier contracts', description: 'Signed contracts with our suppliers.' },
        { name: 'Hosting', description: 'The contract covers running the servers.' },
        { name: 'Personalregister', description: 'Uppgifter om anställda.' },
      ];
      for (const row of rows) await createObjectAs(tenant, writer, { type: 'searched', ...row });
    });

    it.each([
      ['a Swedish word in its base form', 'avtal', ['Avtalet med leverantören']],
      ['a Swedish word in another inflection', 'avtalen', ['Avtalet med leverantören']],
      ['an English word in the singular', 'contract', ['Hosting', 'Supplier contracts']],
      ['an English word in another inflection', 'contracted', ['Hosting', 'Supplier contracts']],
      ['two words that must both occur', 'servers contract', ['Hosting']],
      ['the start of a word while typing', 'personalreg', ['Personalregister']],
      ['words in another case and with punctuation', 'AVTALET, LEVERANTÖREN!', ['Avtalet med leverantören']],
      // The last word matches as a prefix of the stem leverantör, which the compound starts with.
      ['a prefix of a compound word', 'leverantören', ['Avtalet med leverantören', 'Leverantörsavtal']],
      ['a word in the description', 'anställda', ['Personalregister']],
    ])('finds %s', async (_case, q, expected) => {
      expect(await names(`type=searched&q=${encodeURIComponent(q)}`)).toEqual(expected);
    });

    it.each([
      ['only punctuation', '!!! ?? :*'],
      ['tsquery operators', "& | ! ( ) : * < > '"],
      ['nothing but spaces', '   '],
      // 2,000 bytes in UTF-8, near PostgreSQL's limit of 2,047 bytes for a word.
      ['a word of 500 letters of four bytes each', '\u{1D49C}'.repeat(500)],
    ])('returns nothing for %s', async (_case, q) => {
      const response = await list(`type=searched&q=${encodeURIComponent(q)}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ objects: [], next: null });
    });

    it('pages through a search with more matches than it sorts in memory', async () => {
      // Over 1,000 matches, so the list is read in name order and filtered rather than sorted after the search.
      await tenant.admin.query(`
        INSERT INTO esm.object_types (key, name_sv, name_en) VALUES ('massed', 'Massad', 'Massed');
        INSERT INTO esm.objects (type, name) SELECT 'massed', 'Massobjekt ' || lpad(n::text, 4, '0') FROM generate_series(1, 1100) AS n;
      `);
      const first = await list('q=massobjekt&sort=-name&limit=3');
      expect(first.json().objects.map((object: ObjectBody) => object.name)).toEqual(['Massobjekt 1100', 'Massobjekt 1099', 'Massobjekt 1098']);
      const second = await list(`q=massobjekt&sort=-name&limit=3&after=${first.json().next}`);
      expect(second.json().objects.map((object: ObjectBody) => object.name)).toEqual(['Massobjekt 1097', 'Massobjekt 1096', 'Massobjekt 1095']);
      expect(await names('q=massobjekt%200042')).toEqual(['Massobjekt 0042']);
    });

    it('treats tsquery operators between words as separators', async () => {
      expect(await names(`type=searched&q=${encodeURIComponent("contract & !servers | ' :*")}`)).toEqual(['Hosting']);
    });
  });
});
