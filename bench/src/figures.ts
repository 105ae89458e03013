/** The description of how a figure was measured, printed below the table and stored in the JSON. */
export interface Method {
  /** The span the clock covered, from where to where. */
  timed: string;
  samples: string;
  warmUp: string;
  concurrency: string;
  notes?: string;
}

/** A goal a figure is compared with. A missed target never fails the run. */
export interface Target {
  /** The key in `measurements` that the target applies to. */
  measurement: string;
  /** The name the table shows, such as "p95". */
  name: string;
  comparison: 'at most' | 'at least';
  value: number;
  unit: string;
}

export type FigureStatus = 'met' | 'missed' | 'no target' | 'failed';

/** One line of the results table. */
export interface Figure {
  id: string;
  suite: string;
  label: string;
  /** The result as the table shows it. */
  result: string;
  /** Every number behind the result, with units in the key names (`p95Ms`, `requestsPerSecond`). */
  measurements: Record<string, number>;
  target?: Target;
  status: FigureStatus;
  method: Method;
  details?: Record<string, unknown>;
  /** Set when the suite failed before this figure was measured. */
  error?: string;
}

/** Builds a figure and compares its target measurement with the target. */
export function figure(input: Omit<Figure, 'status'>): Figure {
  return { ...input, status: statusOf(input.measurements, input.target) };
}

function statusOf(measurements: Record<string, number>, target: Target | undefined): FigureStatus {
  if (!target) return 'no target';
  const value = measurements[target.measurement];
  if (value === undefined || !Number.isFinite(value)) return 'failed';
  const met = target.comparison === 'at most' ? value <= target.value : value >= target.value;
  return met ? 'met' : 'missed';
}

/** Builds a figure that stands for a suite that failed, so the table shows the failure instead of leaving it out. */
export function failedSuite(suite: string, error: unknown): Figure {
  const message = error instanceof Error ? error.message : String(error);
  return {
    id: `${suite}.failed`,
    suite,
    label: `${suite} suite`,
    result: 'failed',
    measurements: {},
    status: 'failed',
    method: { timed: '-', samples: '-', warmUp: '-', concurrency: '-' },
    error: message,
  };
}

/** Formats a target as the table shows it, such as "p95 ≤ 30 ms". */
export function describeTarget(target: Target | undefined): string {
  if (!target) return '-';
  return `${target.name} ${target.comparison === 'at most' ? '≤' : '≥'} ${target.value}${target.unit ? ` ${target.unit}` : ''}`;
}

/** Rounds to `digits` decimals, for figures that do not need more. */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
