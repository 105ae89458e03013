import autocannon from 'autocannon';
import { DurationRecorder, type DurationSummary } from './statistics.js';

/** Measurements of one load run. */
export interface LoadResult {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  /** Response times as autocannon measures them: from writing the request to the last byte of the response. */
  latency: DurationSummary;
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts, which have no status. */
  errors: number;
}

export interface LoadOptions {
  baseUrl: string;
  connections: number;
  durationSeconds: number;
  headers?: Record<string, string>;
  /** The requests each connection sends in turn; `setupRequest` may change path and body per request. */
  requests: autocannon.Request[];
  /** A recorder that collects the latencies of several runs, in addition to this run's own. */
  combinedLatency?: DurationRecorder;
}

/**
 * Runs autocannon against the tenant for a fixed time with a fixed number
 * of connections, each sending its next request as soon as the previous
 * response arrived (a closed loop, so no coordinated-omission correction
 * applies). Latencies go to an HDR histogram of our own, because
 * autocannon's result has no 95th percentile.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const recorder = new DurationRecorder();
  const statuses: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        duration: options.durationSeconds,
        headers: options.headers,
        requests: options.requests,
        timeout: 30,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const requests = recorder.count;
        resolve({
          requests,
          durationSeconds: result.duration,
          requestsPerSecond: requests / result.duration,
          latency: recorder.summary(),
          statuses,
          errors: result.errors,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      recorder.recordMs(responseTime);
      options.combinedLatency?.recordMs(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
}

/** Returns the number of responses whose status is not 2xx. */
export function countFailures(result: LoadResult): number {
  let failures = result.errors;
  for (const [status, count] of Object.entries(result.statuses)) {
    if (!status.startsWith('2')) failures += count;
  }
  return failures;
}
