import { parseArgs } from 'node:util';

/** The benchmark suites, in the order a full run takes them. */
export const SUITE_NAMES = ['token', 'api', 'classification', 'live', 'imports', 'platform'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

// The three platform figures come from one platform start, so each name selects the whole suite.
const SUITE_ALIASES: Record<string, SuiteName> = { wake: 'platform', provisioning: 'platform', density: 'platform' };

export interface BenchOptions {
  suites: SuiteName[];
  quick: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [--quick] [--only <suite>[,<suite>...]]

  --only <suites>  run only these suites: ${SUITE_NAMES.join(', ')}
                   (wake, provisioning and density select the platform suite)
  --quick          smaller model (10,000 objects), shorter load runs and fewer
                   samples, for trying the benchmark out; its figures are not
                   comparable with a full run
  --help           print this text

Results are printed as a table and written to bench/results/<date>.json.
`;

/** Parses the command line; throws an Error with a message for unknown options or suites. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });

  const requested = (values.only ?? []).flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean);
  const suites = new Set<SuiteName>();
  for (const name of requested) {
    const suite = SUITE_ALIASES[name] ?? SUITE_NAMES.find((candidate) => candidate === name);
    if (!suite) throw new Error(`unknown suite "${name}"; expected one of ${[...SUITE_NAMES, ...Object.keys(SUITE_ALIASES)].join(', ')}`);
    suites.add(suite);
  }
  return {
    suites: suites.size === 0 ? [...SUITE_NAMES] : SUITE_NAMES.filter((name) => suites.has(name)),
    quick: values.quick ?? false,
    help: values.help ?? false,
  };
}
