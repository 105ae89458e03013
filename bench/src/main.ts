import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM_USER_VARIABLE } from '@esm/platform/dist/embedded-postgres.js';
import { failedSuite, type Figure } from './figures.js';
import { describeMachine, loadAverage } from './machine.js';
import { parseBenchOptions, USAGE, type BenchOptions, type SuiteName } from './options.js';
import { startBenchPostgres, type BenchPostgres } from './postgres.js';
import { print, progress } from './progress.js';
import { printReport, writeRecord, type RunRecord } from './report.js';
import { runApiSuite } from './suites/api.js';
import { runClassificationSuite } from './suites/classification.js';
import { FULL_SCALE, prepareModelTenant, QUICK_SCALE, type ModelTenant, type SuiteContext } from './suites/context.js';
import { runImportsSuite } from './suites/imports.js';
import { runLiveSuite } from './suites/live-updates.js';
import { runPlatformSuite } from './suites/platform.js';
import { runTokenSuite } from './suites/token-verification.js';

const RESULTS_DIRECTORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');

const SUITES: Record<SuiteName, (context: SuiteContext) => Promise<Figure[]>> = {
  token: runTokenSuite,
  api: runApiSuite,
  classification: runClassificationSuite,
  live: runLiveSuite,
  imports: runImportsSuite,
  platform: runPlatformSuite,
};

/** The embedded PostgreSQL server and the model tenant, started on first use and stopped by `release`. */
class Resources {
  private postgres: Promise<BenchPostgres> | null = null;
  private model: Promise<ModelTenant> | null = null;

  startPostgres(): Promise<BenchPostgres> {
    this.postgres ??= startBenchPostgres();
    return this.postgres;
  }

  prepareModel(context: SuiteContext): Promise<ModelTenant> {
    this.model ??= this.startPostgres().then((postgres) => prepareModelTenant(postgres, context.scale, context.runDirectory));
    return this.model;
  }

  /** Stops the model tenant's process and the PostgreSQL server, so the platform suite runs on an otherwise quiet machine. */
  async release(): Promise<void> {
    const model = await this.model?.catch(() => null);
    const postgres = await this.postgres?.catch(() => null);
    this.model = null;
    this.postgres = null;
    if (model) {
      await model.server.stop();
      await model.tenant.close();
    }
    await postgres?.stop();
  }
}

async function run(options: BenchOptions): Promise<number> {
  const scale = options.quick ? QUICK_SCALE : FULL_SCALE;
  const startedAt = new Date().toISOString();
  const machine = await describeMachine();
  const runDirectory = await mkdtemp(path.join(os.tmpdir(), 'esm-bench-run-'));
  const resources = new Resources();
  process.once('SIGINT', () => {
    print('Interrupted; stopping the processes the benchmark started.');
    void resources.release().finally(() => process.exit(130));
  });

  print(`ESM benchmark, ${options.quick ? 'quick' : 'full'} run of: ${options.suites.join(', ')}`);
  print(`Logs of the processes it starts: ${runDirectory}`);
  const context: SuiteContext = {
    scale,
    runDirectory,
    postgres: async () => {
      const postgres = await resources.startPostgres();
      machine.postgres = postgres.version;
      return postgres;
    },
    modelTenant: () => resources.prepareModel(context),
  };

  const figures: Figure[] = [];
  const loadAverages: RunRecord['loadAverages'] = [];
  for (const suite of options.suites) {
    if (suite === 'platform') await resources.release();
    const atStart = loadAverage();
    progress(suite, `starting; load average ${atStart.join(' ')}`);
    try {
      figures.push(...(await SUITES[suite](context)));
    } catch (error) {
      figures.push(failedSuite(suite, error));
      progress(suite, `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    loadAverages.push({ suite, atStart, atEnd: loadAverage() });
  }
  await resources.release();

  const record: RunRecord = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    quick: options.quick,
    suites: options.suites,
    machine,
    loadAverages,
    figures,
    logs: runDirectory,
  };
  printReport(record);
  const file = await writeRecord(record, RESULTS_DIRECTORY);
  print('');
  print(`Wrote ${path.relative(process.cwd(), file)}`);
  return figures.some((entry) => entry.status === 'failed') ? 1 : 0;
}

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  print(`${(error as Error).message}\n`);
  print(USAGE);
  process.exit(2);
}
if (options.help) {
  print(USAGE);
} else if (process.getuid?.() === 0 && process.env[SYSTEM_USER_VARIABLE] !== '1') {
  print(`PostgreSQL refuses to run as root. Run the benchmark as an ordinary user, or set ${SYSTEM_USER_VARIABLE}=1 to let it create an unprivileged "postgres" system account for the embedded server.`);
  process.exitCode = 2;
} else {
  run(options).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      print(`The benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    },
  );
}
