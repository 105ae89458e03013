import { SeededRandom } from './seeded-random.js';
import { TEXT } from './vocabulary.js';

/** A generated CSV file and the number of data rows in it. */
export interface CsvFile {
  rows: number;
  content: Buffer;
}

const HEADER = ['Namn', 'Beskrivning', 'Externt id', 'Systemägare', 'Livscykel', 'Antal användare'];
const LIFECYCLES: [string, number][] = [
  ['Planerad', 0.1],
  ['I drift', 0.7],
  ['Under avveckling', 0.15],
  ['Avvecklad', 0.05],
];
const CSV_SEED = 4711;

/**
 * Generates `rows` applications as CSV files of at most `rowsPerFile` rows,
 * the way Swedish Excel saves them. That is UTF-8 with a byte order mark,
 * `;` as separator, CRLF line ends and Swedish headers. Choices are given
 * by name, user counts have a space as thousands separator, and every third
 * description is quoted because it contains a separator.
 */
export function generateCsvFiles(rows: number, rowsPerFile: number): CsvFile[] {
  const random = new SeededRandom(CSV_SEED);
  const files: CsvFile[] = [];
  for (let first = 0; first < rows; first += rowsPerFile) {
    const count = Math.min(rowsPerFile, rows - first);
    const lines = [HEADER.join(';')];
    for (let row = first; row < first + count; row += 1) {
      const number = String(row + 1).padStart(6, '0');
      const area = random.pick(TEXT.AREAS);
      const description = row % 3 === 0 ? `"Stöder ${area}; används dagligen av ""${random.pick(TEXT.PROCESS_NOUNS)}""-handläggare"` : `Stöder ${area}`;
      const users = random.int(1, 20_000).toLocaleString('sv-SE').replace(/[\u00a0\u202f]/g, ' ');
      lines.push([`Importerad applikation ${number}`, description, `CSV-${number}`, random.pick(TEXT.PEOPLE), random.weighted(LIFECYCLES), users].join(';'));
    }
    files.push({ rows: count, content: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]) });
  }
  return files;
}
