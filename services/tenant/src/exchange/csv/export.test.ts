import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sheetNameOf, writeObjectsXlsx } from './export.js';

describe('XLSX sheet names', () => {
  it.each([
    ['History', 'Objects'],
    ["'Quoted'", 'Quoted'],
    [`${'x'.repeat(30)}'tail`, 'x'.repeat(30)],
    ['Informationsobjekt åäö', 'Informationsobjekt åäö'],
    ['a/b:c', 'a b c'],
    ["' '", 'Objects'],
  ])('turns %j into %j', (fileName, expected) => {
    expect(sheetNameOf(fileName)).toBe(expected);
  });

  it.each([['History'], ["'Quoted'"], [`${'x'.repeat(30)}'tail`]])('writes a workbook for the file name %j', async (fileName) => {
    const buffer = await writeObjectsXlsx({ fileName, headers: ['Name'], rows: [['Ledger']] });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]!.getCell('A2').value).toBe('Ledger');
  });
});
