import { performance } from 'node:perf_hooks';

// The benchmark prints to the terminal; it is a command-line tool, not a
// service, so it writes plain lines instead of going through pino.
const startedAt = performance.now();

function elapsed(): string {
  const seconds = Math.floor((performance.now() - startedAt) / 1000);
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Prints one progress line, prefixed with the time since the run started and the suite. */
export function progress(suite: string, message: string): void {
  process.stdout.write(`[${elapsed()}] ${suite}: ${message}\n`);
}

/** Prints plain text without a prefix. */
export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Formats a count with thousands separators, as in "100,000". */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/**
 * Returns a function to call with the number of items done; it prints a
 * line each time the share done passes another `stepPercent`.
 */
export function percentReporter(suite: string, label: string, total: number, stepPercent = 10): (done: number) => void {
  // The first line comes at the first step past 0 %.
  let reported = 0;
  return (done) => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    const step = Math.floor(percent / stepPercent) * stepPercent;
    if (step <= reported) return;
    reported = step;
    progress(suite, `${label} ${step}% (${formatCount(done)} of ${formatCount(total)})`);
  };
}
