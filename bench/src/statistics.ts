import { build, type Histogram } from 'hdr-histogram-js';

/** Percentiles of a set of durations, in milliseconds. */
export interface DurationSummary {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Records durations in microseconds in an HDR histogram (three significant
 * digits), so percentiles of many samples cost little memory and stay
 * accurate to 0.1 %.
 */
export class DurationRecorder {
  private readonly histogram: Histogram = build({ numberOfSignificantValueDigits: 3, autoResize: true });

  /** Records one duration given in milliseconds; negative values count as zero. */
  recordMs(durationMs: number): void {
    this.histogram.recordValue(Math.max(0, Math.round(durationMs * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): DurationSummary {
    const histogram = this.histogram;
    const ms = (microseconds: number) => Math.round(microseconds) / 1000;
    return {
      count: histogram.totalCount,
      minMs: histogram.totalCount === 0 ? 0 : ms(histogram.getValueAtPercentile(0)),
      meanMs: Math.round(histogram.mean) / 1000,
      p50Ms: ms(histogram.getValueAtPercentile(50)),
      p95Ms: ms(histogram.getValueAtPercentile(95)),
      p99Ms: ms(histogram.getValueAtPercentile(99)),
      maxMs: ms(histogram.maxValue),
    };
  }
}

/** Summarises a handful of durations, such as a few timed recomputations. */
export function summarizeDurations(durationsMs: number[]): DurationSummary {
  const recorder = new DurationRecorder();
  for (const duration of durationsMs) recorder.recordMs(duration);
  return recorder.summary();
}
