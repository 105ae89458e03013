import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, isPlausibleUtf8Text } from './decode.js';
import { detectSeparator, parseCsvTable } from './parse.js';
import { foldName, guardFormula, parseNumber, unguardFormula } from './values.js';

describe('parseCsvTable', () => {
  it('counts a CRLF inside quotes as one line', () => {
    const table = parseCsvTable('a;b\r\n1;"x\r\ny\r\nz"\r\n\r\n2;w\r\n3;"q""r"', { maxRows: 10 });
    expect(table.header).toEqual({ line: 1, cells: ['a', 'b'] });
    expect(table.rows).toEqual([
      { line: 2, cells: ['1', 'x\r\ny\r\nz'] },
      { line: 6, cells: ['2', 'w'] },
      { line: 7, cells: ['3', 'q"r'] },
    ]);
    expect(table.malformed).toBeNull();
  });

  it('skips rows of empty cells and reads a sep= line', () => {
    const table = parseCsvTable('sep=,\nName,Type\n;;\n,\nLedger,x\n', { maxRows: 10 });
    expect(table.separator).toBe(',');
    expect(table.header.line).toBe(2);
    expect(table.rows).toEqual([{ line: 3, cells: [';;'] }, { line: 5, cells: ['Ledger', 'x'] }]);
  });

  it('reports an unclosed quote on the line where its row starts', () => {
    const table = parseCsvTable('a;b\n1;2\n3;"open\nmore\n', { maxRows: 10 });
    expect(table.rows).toEqual([{ line: 2, cells: ['1', '2'] }]);
    expect(table.malformed).toMatchObject({ line: 3, problem: { code: 'CSV_MALFORMED' } });
  });

  it('stops above the row limit with CSV_TOO_MANY_ROWS', () => {
    expect(() => parseCsvTable('a\n1\n2\n3\n', { maxRows: 2 })).toThrow(expect.objectContaining({ code: 'CSV_TOO_MANY_ROWS' }));
  });
});

describe('detectSeparator', () => {
  it.each([
    ['Namn;Beskrivning', ';'],
    ['Name,Description', ','],
    ['"Namn, fullt";Beskrivning', ';'],
    ['"a;b;c",d', ','],
    ['Namn', ';'],
  ])('reads %s as %s', (line, separator) => {
    expect(detectSeparator(`${line}\nrest;,,,`)).toBe(separator);
  });
});

describe('decodeCsvBytes', () => {
  it('reads UTF-8 without BOM when it is plausible', () => {
    expect(decodeCsvBytes(Buffer.from('Namn\nÅsa Öberg – Москва 東京\n'))).toEqual({ text: 'Namn\nÅsa Öberg – Москва 東京\n', encoding: 'utf-8' });
  });

  it('reads Windows-1252 with €, curly quotes and dashes', () => {
    const bytes = Buffer.from([0x80, 0x20, 0x93, 0x61, 0x94, 0x20, 0x6a, 0x61, 0x6e, 0x96, 0x6d, 0x61, 0x72, 0x20, 0xe5]);
    expect(decodeCsvBytes(bytes)).toEqual({ text: '€ “a” jan–mar å', encoding: 'windows-1252' });
  });

  it('lets a byte order mark decide over a named encoding', () => {
    expect(decodeCsvBytes(Buffer.from([0xef, 0xbb, 0xbf, 0xc3, 0xa5]), 'windows-1252')).toEqual({ text: 'å', encoding: 'utf-8' });
  });

  it('finds a Hebrew accent beside Latin letters implausible', () => {
    expect(isPlausibleUtf8Text('MALMÖ\u0594')).toBe(false);
    expect(isPlausibleUtf8Text('Cafe\u0301 שלום')).toBe(true);
  });
});

describe('guardFormula and unguardFormula', () => {
  it.each(['=SUM(A1)', '+1', '-1+1', '@cmd', '\tx', '\rx', "'=x", "''+x", "'plain", 'plain', "''", '', ' =1+1', '\u200B=1', "' =x"])('round-trips %j', (value) => {
    expect(unguardFormula(guardFormula(value))).toBe(value);
  });

  it('guards only values a spreadsheet could run', () => {
    expect(guardFormula('=1+1')).toBe("'=1+1");
    expect(guardFormula("'=1+1")).toBe("''=1+1");
    expect(guardFormula("'quoted")).toBe("'quoted");
    expect(guardFormula(' =1+1')).toBe("' =1+1");
    expect(guardFormula('\n=1+1')).toBe("'\n=1+1");
    expect(guardFormula('\uFEFF=1+1')).toBe("'\uFEFF=1+1");
    expect(guardFormula('\u200B=1+1')).toBe("'\u200B=1+1");
    expect(guardFormula(' plain')).toBe(' plain');
  });
});

describe('parseNumber', () => {
  it.each([
    ['1234,5', 1234.5],
    ['1 234,5', 1234.5],
    ['1\u00a0234', 1234],
    ['-0.25', -0.25],
    ['\u22123', -3],
    ['1.234', 1.234],
    ['1,234,5', null],
    ['12a', null],
    ['', null],
  ])('reads %j as %j', (text, value) => {
    expect(parseNumber(text)).toBe(value);
  });
});

describe('foldName', () => {
  it('folds case, diacritics, whitespace and punctuation', () => {
    expect(foldName('Kund-Register')).toBe(foldName('kundregister'));
    expect(foldName('Ärende logg')).toBe(foldName('arendelogg'));
    expect(foldName('Kundregister')).not.toBe(foldName('Kundregistret'));
  });
});
