import { setTimeout as sleep } from 'node:timers/promises';
import type { Upstream } from './orchestrator.js';

const POLL_INTERVAL_MS = 200;
const REQUEST_TIMEOUT_MS = 2_000;

/**
 * Polls `GET /healthz` on the upstream until it returns 200. Rejects when
 * `timeoutMs` passes first, or as soon as `abort` fires (e.g. the process exited).
 */
export async function waitUntilHealthy(upstream: Upstream, timeoutMs: number, abort: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const url = `http://${formatHost(upstream.host)}:${upstream.port}/healthz`;
  while (Date.now() < deadline) {
    abort.throwIfAborted();
    if (await answersHealthy(url, REQUEST_TIMEOUT_MS)) return;
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`tenant did not pass its health check within ${timeoutMs} ms`);
}

/** Checks once whether a running tenant answers its health check within `timeoutMs`. */
export function isHealthy(upstream: Upstream, timeoutMs: number): Promise<boolean> {
  return answersHealthy(`http://${formatHost(upstream.host)}:${upstream.port}/healthz`, timeoutMs);
}

async function answersHealthy(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    // Connection refused while the process starts up.
    return false;
  }
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
