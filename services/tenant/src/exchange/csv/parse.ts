import { parse, CsvError } from 'csv-parse/sync';
import { AppError } from '@esm/common';
import { EXCHANGE_ERRORS, EXCHANGE_PROBLEMS } from '../errors.js';
import type { RowProblem } from './problems.js';

/** The column separators a CSV import reads. */
export type CsvSeparator = ';' | ',';

/** One record of the file with the physical line it starts on, counting line breaks inside quoted fields. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** A parsed file: the header row, the data rows, and a problem when part of the file cannot be read. */
export interface CsvTable {
  separator: CsvSeparator;
  header: CsvRecord;
  rows: CsvRecord[];
  /** Set when csv-parse stopped at a malformed record; `rows` then contains the records before it. */
  malformed: RowProblem | null;
}

// Excel writes and reads a first line `sep=;` that names the separator.
const SEPARATOR_HINT = /^sep=([;,])\r?\n?/i;

/**
 * Parses decoded CSV text. The separator is `;` or `,`, taken from a
 * `sep=` first line when there is one, else whichever of the two occurs
 * more often outside quotes in the header line (`;` on a tie). Rows whose
 * cells are all blank, as spreadsheet programs write for empty rows, are
 * left out. Throws CSV_EMPTY without a header row and CSV_TOO_MANY_ROWS
 * above `maxRows` data rows.
 */
export function parseCsvTable(text: string, options: { maxRows: number }): CsvTable {
  const hint = SEPARATOR_HINT.exec(text);
  const separator = hint ? (hint[1] as CsvSeparator) : detectSeparator(text);
  // csv-parse reports byte offsets, and lines are counted from them over the same bytes, so
  // a quoted field's line breaks count and a CRLF counts once.
  const bytes = Buffer.from(text, 'utf8');
  const lines = new LineIndex(bytes);
  const firstOffset = hint ? Buffer.byteLength(hint[0]) : 0;

  const records: CsvRecord[] = [];
  let malformed: RowProblem | null = null;
  let recordStart = firstOffset;
  try {
    parse(bytes.subarray(firstOffset), {
      delimiter: separator,
      relax_column_count: true,
      // Excel reads a quote inside an unquoted field as a character, so this does too.
      relax_quotes: true,
      skip_empty_lines: true,
      // Records are taken as they are read, so those before a malformed one are kept, and a huge
      // file stops at the limit. `bytes` is the offset just after the record's line break.
      on_record: (record: string[], context) => {
        if (context.records > options.maxRows + 1) {
          throw new AppError(EXCHANGE_ERRORS.csvTooManyRows, { values: { maxRows: options.maxRows } });
        }
        const line = lines.lineAt(lines.skipLineBreaks(recordStart));
        recordStart = firstOffset + context.bytes;
        if (record.some((cell) => cell.trim() !== '')) records.push({ line, cells: record });
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    malformed = {
      line: lines.lineAt(lines.skipLineBreaks(recordStart)),
      column: null,
      problem: { code: EXCHANGE_PROBLEMS.csvMalformed, values: { reason: error.code } },
    };
  }

  const [header, ...rows] = records;
  if (!header) {
    if (malformed) return { separator, header: { line: malformed.line, cells: [] }, rows: [], malformed };
    throw new AppError(EXCHANGE_ERRORS.csvEmpty);
  }
  return { separator, header, rows, malformed };
}

/** Counts `;` and `,` outside quotes in the first line (which ends at a line break outside quotes). */
export function detectSeparator(text: string): CsvSeparator {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const character of text) {
    if (character === '"') quoted = !quoted;
    else if (!quoted && (character === '\n' || character === '\r')) break;
    else if (!quoted && character === ';') semicolons += 1;
    else if (!quoted && character === ',') commas += 1;
  }
  return commas > semicolons ? ',' : ';';
}

/** Finds the 1-based line of a byte offset, where CRLF, LF and a lone CR each end a line. */
class LineIndex {
  private readonly bytes: Buffer;
  private readonly lineStarts: number[] = [0];

  constructor(bytes: Buffer) {
    this.bytes = bytes;
    for (let index = 0; index < bytes.length; index += 1) {
      const byte = bytes[index];
      if (byte === 0x0d && bytes[index + 1] === 0x0a) continue;
      if (byte === 0x0a || byte === 0x0d) this.lineStarts.push(index + 1);
    }
  }

  lineAt(offset: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }

  /** Returns the offset of the first byte at or after `offset` that is not a line break, as csv-parse skips empty lines. */
  skipLineBreaks(offset: number): number {
    let position = offset;
    while (this.bytes[position] === 0x0a || this.bytes[position] === 0x0d) position += 1;
    return position;
  }
}
