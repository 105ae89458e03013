import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createBenchTenant } from '../bench-tenant.js';
import { figure, round, type Figure } from '../figures.js';
import { generateCsvFiles } from '../model/csv-file.js';
import { formatCount, percentReporter, progress } from '../progress.js';
import { startTenantProcess } from '../tenant-process.js';
import type { SuiteContext } from './context.js';

const SUITE = 'imports';
const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURES = path.resolve(REPOSITORY_ROOT, '../shared/fixtures');
const ARCHISURANCE = path.join(FIXTURES, 'archimate/archisurance-exchange.xml');
const SP_800_53 = path.join(FIXTURES, 'oscal/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json');

/** The most data rows the CSV import route accepts in one file. */
const CSV_ROWS_PER_FILE = 10_000;

interface StreamedImport {
  durationMs: number;
  finished: Record<string, unknown>;
}

/**
 * Imports the Archisurance model, the SP 800-53 LOW catalog and generated
 * CSV files into a new, empty tenant through its routes, timing each
 * request from sending to the last line of its NDJSON progress stream.
 */
export async function runImportsSuite(context: SuiteContext): Promise<Figure[]> {
  const postgres = await context.postgres();
  const tenant = await createBenchTenant(postgres.server, 'bench-imports');
  const server = await startTenantProcess(tenant.secretFile, path.join(context.runDirectory, `${tenant.name}.log`));
  try {
    const admin = await tenant.createUser('admin');
    const post = async (route: string, body: Buffer | string, contentType: string) =>
      streamImport(`${server.baseUrl}${route}`, body, contentType, await tenant.signToken(admin));
    const csvRows = context.scale.quick ? 20_000 : 100_000;
    return [
      await importTwice('imports.archimate', 'ArchiMate import of the Archisurance model', ARCHISURANCE, (body) => post('/api/imports/archimate', body, 'application/xml'), describeArchimate),
      await importTwice('imports.oscal', 'OSCAL import of the SP 800-53 rev. 5 LOW baseline catalog', SP_800_53, (body) => post('/api/requirement-sets/imports/oscal', body, 'application/json'), describeOscal),
      await importCsv(csvRows, (body) => post('/api/imports/csv?type=application', body, 'text/csv')),
    ];
  } finally {
    await server.stop();
    await tenant.close();
  }
}

/** Imports a fixture into the tenant, then once more, which matches everything and changes nothing. */
async function importTwice(
  id: string,
  label: string,
  file: string,
  send: (body: Buffer) => Promise<StreamedImport>,
  describe: (finished: Record<string, unknown>) => string,
): Promise<Figure> {
  const body = await readFile(file).catch((error: unknown) => {
    throw new Error(`cannot read the fixture ${file}: ${(error as Error).message}. The imports suite expects the folder shared/ beside the repository.`);
  });
  const first = await send(body);
  progress(SUITE, `${path.basename(file)}: ${round(first.durationMs)} ms, ${describe(first.finished)}`);
  const again = await send(body);
  progress(SUITE, `${path.basename(file)} again: ${round(again.durationMs)} ms`);
  return figure({
    id,
    suite: SUITE,
    label,
    result: `${round(first.durationMs / 1000, 2)} s into an empty tenant (${describe(first.finished)}); ${round(again.durationMs / 1000, 2)} s again`,
    measurements: { firstMs: first.durationMs, againMs: again.durationMs, bytes: body.length },
    method: {
      timed: 'one HTTP request on 127.0.0.1 to the tenant process, from sending the file to the last line of the NDJSON progress stream (the import commits before that line)',
      samples: '1 first import and 1 repeated import of the same file',
      warmUp: 'none',
      concurrency: '1, the tenant otherwise idle',
    },
    details: { file: path.basename(file), finished: first.finished, finishedAgain: again.finished },
  });
}

function describeArchimate(finished: Record<string, unknown>): string {
  return `${finished.objects} elements, ${finished.relations} relationships`;
}

function describeOscal(finished: Record<string, unknown>): string {
  return `${finished.requirements} requirements in ${finished.groups} groups`;
}

/**
 * Imports `rows` generated applications through the CSV route. The route
 * takes at most 10,000 rows per file, so the rows go in files of that size,
 * one after another, each all or nothing.
 */
async function importCsv(rows: number, send: (body: Buffer) => Promise<StreamedImport>): Promise<Figure> {
  const files = generateCsvFiles(rows, CSV_ROWS_PER_FILE);
  const durations: number[] = [];
  const report = percentReporter(SUITE, 'CSV rows imported', rows, 10);
  let done = 0;
  for (const file of files) {
    const result = await send(file.content);
    if (result.finished.created !== file.rows) throw new Error(`a CSV file of ${file.rows} rows created ${String(result.finished.created)} objects`);
    durations.push(result.durationMs);
    done += file.rows;
    report(done);
  }
  const totalMs = durations.reduce((sum, duration) => sum + duration, 0);
  return figure({
    id: 'imports.csv',
    suite: SUITE,
    label: `CSV import of ${formatCount(rows)} generated rows (POST /api/imports/csv)`,
    result: `${round(totalMs / 1000, 1)} s in ${files.length} files (${formatCount(Math.round(rows / (totalMs / 1000)))} rows/s; first file ${round(durations[0]! / 1000, 2)} s, last ${round(durations[durations.length - 1]! / 1000, 2)} s)`,
    measurements: { totalMs, rows, files: files.length, rowsPerSecond: rows / (totalMs / 1000), firstFileMs: durations[0]!, lastFileMs: durations[durations.length - 1]! },
    method: {
      timed: 'each file as one HTTP request from sending to the last line of the NDJSON stream; the figure is the sum',
      samples: `${files.length} files of ${formatCount(CSV_ROWS_PER_FILE)} rows, sent one after another`,
      warmUp: 'none',
      concurrency: '1, the tenant otherwise idle',
      notes:
        'The route accepts at most 10,000 rows per file, so 100,000 rows need ten files. The files are UTF-8 with BOM, semicolon-separated and CRLF, as Swedish Excel writes them, with Swedish headers and values (Namn;Beskrivning;Externt id;Systemägare;Livscykel;Antal användare) and quoted descriptions that contain separators; every row creates an application.',
    },
    details: { fileDurationsMs: durations.map((duration) => round(duration)) },
  });
}

/** POSTs an import and reads its NDJSON progress stream to the end; throws unless the last line is `finished`. */
async function streamImport(url: string, body: Buffer | string, contentType: string, token: string): Promise<StreamedImport> {
  const start = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body });
  const text = await response.text();
  const durationMs = performance.now() - start;
  if (response.status !== 200) throw new Error(`POST ${new URL(url).pathname} responded with ${response.status}: ${text.slice(0, 500)}`);
  const lines = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const last = lines[lines.length - 1];
  if (last?.phase !== 'finished') throw new Error(`POST ${new URL(url).pathname} ended with ${JSON.stringify(last).slice(0, 500)}`);
  return { durationMs, finished: last };
}
