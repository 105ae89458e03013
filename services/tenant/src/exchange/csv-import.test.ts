import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, countRows, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Encodes text as Windows-1252, as Swedish Excel saves "CSV (semikolonavgränsad)". */
function encodeWindows1252(text: string): Buffer {
  return iconv.encode(text, 'windows-1252');
}

const SWEDISH_FILE = [
  'Namn;Beskrivning;K;R;T;S',
  'Kundregister;"Kunder; både privatpersoner och företag – ÅÄÖ åäö é";4;3;2;1',
  'Löneuppgifter;"Lön, skatt och förmåner";0;1;2;3',
  'Ärendelogg;Ärenden från e-tjänsten;2;4;0;4',
].join('\r\n');

describe('POST /api/imports/csv', () => {
  let tenant: TestTenant;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    tenant = await createTestTenant('csv-import');
    writer = (await createUserWithToken(tenant, 'write')).token;
    reader = (await createUserWithToken(tenant, 'read')).token;
  });

  afterAll(async () => tenant.close());

  beforeEach(async () => {
    await tenant.admin.query('DELETE FROM esm.objects');
  });

  function upload(body: Buffer | string, query: string, token = writer) {
    return tenant.app.inject({
      method: 'POST',
      url: `/api/imports/csv?${query}`,
      headers: { ...bearer(token), 'content-type': 'text/csv' },
      payload: body,
    });
  }

  function ndjson(body: string): Record<string, unknown>[] {
    return body.trim().split('\n').map((line) => JSON.parse(line));
  }

  /** Reads every object with its levels set by hand, ordered by name, without ids and timestamps. */
  async function objectsWithLevels() {
    const result = await tenant.admin.query(
      `SELECT o.type, o.name, o.description, o.external_id, o.attributes,
              coalesce(jsonb_object_agg(a.dimension, a.level) FILTER (WHERE a.dimension IS NOT NULL), '{}') AS levels
       FROM esm.objects o LEFT JOIN esm.classification_assignments a ON a.object_id = o.id
       GROUP BY o.id ORDER BY o.name`,
    );
    return result.rows;
  }

  it('imports the same values from UTF-8 with BOM and from Windows-1252', async () => {
    const utf8 = await upload(Buffer.concat([BOM, Buffer.from(SWEDISH_FILE, 'utf8')]), 'type=information_object');
    expect(utf8.statusCode).toBe(200);
    expect(utf8.headers['content-type']).toContain('application/x-ndjson');
    expect(ndjson(utf8.body).at(-1)).toMatchObject({ phase: 'finished', created: 3, updated: 0, levels: 12 });
    const fromUtf8 = await objectsWithLevels();

    await tenant.admin.query('DELETE FROM esm.objects');
    const windows1252 = await upload(encodeWindows1252(SWEDISH_FILE), 'type=information_object');
    expect(windows1252.statusCode).toBe(200);
    expect(ndjson(windows1252.body).at(-1)).toMatchObject({ phase: 'finished', created: 3 });
    const fromWindows1252 = await objectsWithLevels();

    expect(fromWindows1252).toEqual(fromUtf8);
    expect(fromUtf8).toContainEqual({
      type: 'information_object',
      name: 'Kundregister',
      description: 'Kunder; både privatpersoner och företag – ÅÄÖ åäö é',
      external_id: null,
      attributes: {},
      levels: { confidentiality: 4, integrity: 3, availability: 2, traceability: 1 },
    });
    expect(fromUtf8).toContainEqual(expect.objectContaining({ name: 'Löneuppgifter', levels: { confidentiality: 0, integrity: 1, availability: 2, traceability: 3 } }));
  });

  it('writes the default justification and one audit entry', async () => {
    await upload(Buffer.from(SWEDISH_FILE, 'utf8'), 'type=information_object');
    const justifications = await tenant.admin.query('SELECT DISTINCT justification FROM esm.classification_assignments');
    expect(justifications.rows).toEqual([{ justification: 'Nivån sattes av en CSV-import utan motivering.' }]);
    const audit = await tenant.admin.query("SELECT after FROM esm.audit_entries WHERE action = 'import.csv' ORDER BY id DESC LIMIT 1");
    expect(audit.rows[0].after).toMatchObject({ created: 3, updated: 0, unchanged: 0, levels: 12, encoding: 'utf-8' });
  });

  it('reads T as traceability in an English header', async () => {
    const response = await upload('Name;C;I;A;T\nLedger;1;2;3;4\n', 'type=information_object');
    expect(response.statusCode).toBe(200);
    expect((await objectsWithLevels())[0].levels).toEqual({ confidentiality: 1, integrity: 2, availability: 3, traceability: 4 });
  });

  it('rejects T in a header row that mixes languages', async () => {
    const response = await upload('Namn;Description;T\nLedger;Books;1\n', 'type=information_object');
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('CSV_ROWS_INVALID');
    expect(response.json().error.problems).toEqual([expect.objectContaining({ line: 1, column: 'T', code: 'CSV_COLUMN_AMBIGUOUS' })]);
    expect(await countRows(tenant, 'objects')).toBe(0);
  });

  it('reads commas, CRLF and a line break inside quotes', async () => {
    const file = 'Name,Description,Confidentiality\r\n"Ledger, main","First line\r\nsecond ""quoted"" line",2\r\nPayroll,Plain,1\r\n';
    const response = await upload(Buffer.from(file, 'utf8'), 'type=information_object');
    expect(response.statusCode).toBe(200);
    const objects = await objectsWithLevels();
    expect(objects.map((object) => [object.name, object.description, object.levels])).toEqual([
      ['Ledger, main', 'First line\r\nsecond "quoted" line', { confidentiality: 2 }],
      ['Payroll', 'Plain', { confidentiality: 1 }],
    ]);
  });

  it.each([
    ['Windows-1252 bytes in valid UTF-8', Buffer.from([...Buffer.from('Namn\n"MALM'), 0xd6, 0x94, ...Buffer.from('"\n')])],
    ['a byte undefined in Windows-1252', Buffer.from([...Buffer.from('Namn\nKund'), 0x81, 0xe5, ...Buffer.from('\n')])],
    ['CP437 letters', Buffer.from([...Buffer.from('Namn\nL'), 0x94, ...Buffer.from('ner och f'), 0x94, ...Buffer.from('rm'), 0x86, ...Buffer.from('ner\n')])],
  ])('rejects %s with CSV_ENCODING_UNCERTAIN and imports nothing', async (_case, bytes) => {
    const response = await upload(bytes, 'type=information_object');
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('CSV_ENCODING_UNCERTAIN');
    expect(response.json().error.message).toContain('encoding=windows-1252');
    expect(await countRows(tenant, 'objects')).toBe(0);
  });

  it('imports an uncertain file once the encoding is named', async () => {
    const bytes = Buffer.from([...Buffer.from('Namn\n"MALM'), 0xd6, 0x94, ...Buffer.from('"\n')]);
    const response = await upload(bytes, 'type=information_object&encoding=windows-1252');
    expect(response.statusCode).toBe(200);
    expect((await objectsWithLevels())[0].name).toBe('MALMÖ”');
  });

  it('rejects UTF-8 named for a file that is not UTF-8', async () => {
    const response = await upload(encodeWindows1252('Namn\nå\n'), 'type=information_object&encoding=utf-8');
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('CSV_ENCODING_INVALID');
    expect(response.json().error.message).toMatch(/line 2\b/);
  });

  it('reports every wrong row with its physical line and imports nothing', async () => {
    const file = [
      'Namn;Beskrivning;K;Innehåller personuppgifter',
      'Bra;"Två\nrader";2;ja',
      ';Namn saknas;1;nej',
      'Fel nivå;;9;ja',
      'Fel ja/nej;;1;kanske',
      'För få kolumner;x',
    ].join('\n');
    const response = await upload(file, 'type=information_object');
    expect(response.statusCode).toBe(422);
    const error = response.json().error;
    expect(error.code).toBe('CSV_ROWS_INVALID');
    expect(error.problems.map((problem: { line: number; column: string | null; code: string }) => [problem.line, problem.column, problem.code])).toEqual([
      [4, 'Namn', 'CSV_VALUE_MISSING'],
      [5, 'K', 'CSV_LEVEL_INVALID'],
      [6, 'Innehåller personuppgifter', 'CSV_VALUE_INVALID'],
      [7, null, 'CSV_COLUMN_COUNT'],
    ]);
    expect(error.message).toContain('4');
    expect(await countRows(tenant, 'objects')).toBe(0);
  });

  it('matches by external id, then by name, without duplicates', async () => {
    const first = 'Externt id;Namn;Beskrivning\nA-1;Kundregister;Första\n;Löner;Första\n';
    expect((await upload(first, 'type=information_object')).statusCode).toBe(200);
    const ids = await tenant.admin.query('SELECT id, name FROM esm.objects ORDER BY name');

    const second = 'Externt id;Namn;Beskrivning\nA-1;Kundregistret;Andra\n;LÖNER;Andra\n;Ny;Andra\n';
    const response = await upload(second, 'type=information_object');
    expect(ndjson(response.body).at(-1)).toMatchObject({ phase: 'finished', created: 1, updated: 2 });
    const after = await tenant.admin.query('SELECT id, name, description, external_id FROM esm.objects ORDER BY name');
    expect(after.rows).toEqual([
      { id: ids.rows[0].id, name: 'Kundregistret', description: 'Andra', external_id: 'A-1' },
      { id: ids.rows[1].id, name: 'LÖNER', description: 'Andra', external_id: null },
      expect.objectContaining({ name: 'Ny', description: 'Andra' }),
    ]);
  });

  it('flags likely duplicates in a dry run without writing', async () => {
    await upload('Namn\nKundregister\n', 'type=information_object');
    const auditBefore = await countRows(tenant, 'audit_entries');
    const file = 'Namn\nKund-register\nÄrenden\nArenden\nPost\nPost\n';
    const response = await upload(file, 'type=information_object&dryRun=true');
    expect(response.statusCode).toBe(200);
    const preview = response.json();
    expect(preview).toMatchObject({ dryRun: true, created: 5, updated: 0, encoding: 'utf-8', separator: ';', language: 'sv' });
    expect(preview.warnings.map((warning: { line: number; code: string }) => [warning.line, warning.code])).toEqual([
      [2, 'CSV_LIKELY_DUPLICATE_OBJECT'],
      [3, 'CSV_LIKELY_DUPLICATE_ROW'],
      [4, 'CSV_LIKELY_DUPLICATE_ROW'],
      [5, 'CSV_SAME_NAME'],
      [6, 'CSV_SAME_NAME'],
    ]);
    expect(await countRows(tenant, 'objects')).toBe(1);
    expect(await countRows(tenant, 'audit_entries')).toBe(auditBefore);
  });

  it('rejects an import by a read user with 403 and changes nothing', async () => {
    const response = await upload(SWEDISH_FILE, 'type=information_object', reader);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ACCESS_DENIED');
    expect(await countRows(tenant, 'objects')).toBe(0);
  });
});
