import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Table from 'cli-table3';
import { describeTarget, type Figure } from './figures.js';
import type { MachineInfo } from './machine.js';
import { print } from './progress.js';

/** Everything one run wrote to its JSON file. */
export interface RunRecord {
  startedAt: string;
  finishedAt: string;
  command: string;
  quick: boolean;
  suites: string[];
  machine: MachineInfo;
  /** Load averages (1, 5, 15 minutes) when each suite started and ended; other work on the machine shows here. */
  loadAverages: { suite: string; atStart: number[]; atEnd: number[] }[];
  figures: Figure[];
  /** Folder with the logs of the processes the run started. */
  logs: string;
}

/** Prints the results table, then how each figure was measured. */
export function printReport(record: RunRecord): void {
  const table = new Table({
    head: ['Figure', 'Result', 'Target', 'Status'],
    colWidths: [40, 58, 18, 11],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const entry of record.figures) {
    table.push([entry.label, entry.error ? `failed: ${entry.error}` : entry.result, describeTarget(entry.target), entry.status]);
  }
  print('');
  print(`Results (${record.quick ? 'quick run, not comparable with a full run' : 'full run'}; ${record.machine.cores} cores, ${record.machine.cpuModel})`);
  print(table.toString());

  print('');
  print('Load averages (1, 5, 15 min) at the start and end of each suite:');
  for (const entry of record.loadAverages) print(`  ${entry.suite.padEnd(15)} ${entry.atStart.join(' ')} → ${entry.atEnd.join(' ')}`);

  print('');
  print('How each figure was measured:');
  record.figures.forEach((entry, index) => {
    if (entry.error) return;
    const { method } = entry;
    print(`${index + 1}. ${entry.label}`);
    print(`   Timed: ${method.timed}.`);
    print(`   Samples: ${method.samples}. Warm-up: ${method.warmUp}. Concurrency: ${method.concurrency}.`);
    if (method.notes) print(`   ${method.notes}`);
  });
}

/** Writes the record to bench/results/<start time>.json and returns the file's path. */
export async function writeRecord(record: RunRecord, resultsDirectory: string): Promise<string> {
  await mkdir(resultsDirectory, { recursive: true });
  const file = path.join(resultsDirectory, `${record.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}
