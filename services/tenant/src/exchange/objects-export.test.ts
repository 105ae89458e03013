import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';
import { assignLevel, insertObject } from '../test-support/requirements.js';

const FORMULA_NAME = '=HYPERLINK("http://x")';

describe('GET /api/exports/objects.csv and .xlsx', () => {
  let tenant: TestTenant;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    tenant = await createTestTenant('objects-export');
    writer = (await createUserWithToken(tenant, 'write')).token;
    reader = (await createUserWithToken(tenant, 'read')).token;

    const swedish = [
      'Namn;Beskrivning;K;R;T;S',
      'Kundregister;"Kunder; både privatpersoner och företag – ÅÄÖ åäö";4;3;2;1',
      'Löneuppgifter;"Lön, skatt och förmåner";0;1;2;3',
    ].join('\r\n');
    const imported = await importCsv(iconv.encode(swedish, 'windows-1252'), 'type=information_object');
    expect(imported.statusCode).toBe(200);

    const supplier = await insertObject(tenant, 'partner', 'Leverantör AB');
    await tenant.admin.query("UPDATE esm.objects SET attributes = '{\"contract_end\": \"2026-06-30\"}' WHERE id = $1", [supplier]);
    const formula = await insertObject(tenant, 'information_object', FORMULA_NAME);
    await tenant.admin.query(
      `UPDATE esm.objects SET description = $2, external_id = 'IO-7', attributes = $3 WHERE id = $1`,
      [formula, "-1+1\r\nsecond line; with a separator", JSON.stringify({ information_owner: "'=already guarded", personal_data: true, retention: "'quoted" })],
    );
    await assignLevel(tenant, formula, 'confidentiality', 3);
    const application = await insertObject(tenant, 'application', 'Ekonomisystem åäö');
    await tenant.admin.query('UPDATE esm.objects SET attributes = $2 WHERE id = $1', [
      application,
      JSON.stringify({ lifecycle: 'in_use', user_count: 1234.5, supplier, system_owner: '@ekonomi' }),
    ]);
    // Created through the API, so the application inherits the information object's level.
    const relation = await tenant.app.inject({
      method: 'POST',
      url: '/api/relations',
      headers: bearer(writer),
      payload: { type: 'handled_in', sourceId: formula, targetId: application },
    });
    expect(relation.statusCode).toBe(201);
  });

  afterAll(async () => tenant.close());

  function importCsv(body: Buffer | string, query: string) {
    return tenant.app.inject({
      method: 'POST',
      url: `/api/imports/csv?${query}`,
      headers: { ...bearer(writer), 'content-type': 'text/csv' },
      payload: body,
    });
  }

  function download(path: string, token = reader) {
    return tenant.app.inject({ method: 'GET', url: path, headers: { ...bearer(token), 'accept-language': 'sv' } });
  }

  async function modelSnapshot() {
    const objects = await tenant.admin.query('SELECT id, type, name, description, external_id, attributes, version FROM esm.objects ORDER BY id');
    const levels = await tenant.admin.query('SELECT object_id, dimension, level, justification, version FROM esm.classification_assignments ORDER BY 1, 2');
    return { objects: objects.rows, levels: levels.rows };
  }

  it('writes UTF-8 with BOM, semicolons, CRLF and guarded formulas', async () => {
    const response = await download('/api/exports/objects.csv?type=information_object');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const bytes = response.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(
      'Namn;Beskrivning;Typ;Externt id;Konfidentialitet;Riktighet;Tillgänglighet;Spårbarhet;Informationsägare;Innehåller personuppgifter;Gallring och bevarande',
    );
    expect(text).toContain(`"'=HYPERLINK(""http://x"")";"'-1+1\r\nsecond line; with a separator";Informationsobjekt;IO-7;3;;;;''=already guarded;ja;'quoted\r\n`);
    expect(text).toContain('Kundregister;"Kunder; både privatpersoner och företag – ÅÄÖ åäö";Informationsobjekt;;4;3;2;1;;;\r\n');
  });

  it('re-imports an export of every type to identical values', async () => {
    const before = await modelSnapshot();
    const exported = await download('/api/exports/objects.csv');
    expect(exported.statusCode).toBe(200);
    expect(exported.rawPayload.toString('utf8')).toContain('1234,5');

    const preview = await importCsv(exported.rawPayload, 'dryRun=true');
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({ created: 0, updated: 0, unchanged: 5 });

    const reimported = await importCsv(exported.rawPayload, '');
    expect(reimported.statusCode).toBe(200);
    expect(await modelSnapshot()).toEqual(before);
  });

  it('re-imports a comma-separated export to identical values', async () => {
    const before = await modelSnapshot();
    const exported = await download('/api/exports/objects.csv?separator=,&language=en');
    expect(exported.rawPayload.toString('utf8')).toContain('1234.5');
    const reimported = await importCsv(exported.rawPayload, '');
    expect(reimported.statusCode).toBe(200);
    expect(await modelSnapshot()).toEqual(before);
  });

  it('names the file in Swedish with an ASCII fallback', async () => {
    await insertObject(tenant, 'network', 'Kontorsnät');
    const response = await download('/api/exports/objects.csv?type=network');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="Natverk.csv"; filename*=UTF-8''N%C3%A4tverk.csv`);
  });

  it('writes the formula-like name as a string cell in XLSX', async () => {
    const response = await download('/api/exports/objects.xlsx?type=information_object');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toContain('Informationsobjekt.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('Namn');
    const formulaRow = sheet.getRows(2, sheet.rowCount - 1)?.find((row) => row.getCell(1).value === FORMULA_NAME);
    expect(formulaRow).toBeDefined();
    const cell = formulaRow!.getCell(1);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
    expect(formulaRow!.getCell(5).value).toBe(3);
  });

  it('rejects an export without a token', async () => {
    const response = await tenant.app.inject({ method: 'GET', url: '/api/exports/objects.csv' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('AUTH_REQUIRED');
  });

  it('rejects an unknown type with EXCHANGE_EXPORT_TYPE_UNKNOWN', async () => {
    const response = await download('/api/exports/objects.csv?type=nothing');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('EXCHANGE_EXPORT_TYPE_UNKNOWN');
  });
});
