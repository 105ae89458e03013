import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Logger } from './logger.js';
import { closeServerGracefully } from './shutdown.js';

/** Buckets in seconds for request and wake durations: 5 ms up to a wake that takes the whole 30 s time-out. */
export const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Route label of requests that matched no route, so that raw URLs never become label values. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Creates a Prometheus registry for one service with Node's process metrics
 * (CPU, memory, event loop lag) and `service` as a label on every series.
 * Each service gets its own registry, because tests run several services in
 * one process and prom-client's global registry rejects a metric registered twice.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Returns the counter of that name in the registry, creating it on first use. */
export function counterIn<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/** Returns the histogram of that name in the registry, creating it on first use with DURATION_BUCKETS_SECONDS. */
export function histogramIn<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Histogram<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Histogram<L>;
  return new Histogram({ name, help, labelNames, buckets: DURATION_BUCKETS_SECONDS, registers: [registry] });
}

/**
 * Counts a Fastify service's requests and their durations by method, route
 * pattern (`/api/objects/:id`, never the raw URL) and status. The count is
 * taken when the connection's response closes, so requests that a handler
 * hijacks (the default backend's proxied requests) are counted too.
 */
export function observeHttpRequests(app: FastifyInstance, registry: Registry): void {
  const requests = counterIn(registry, 'http_requests_total', 'HTTP requests by method, route pattern and status.', ['method', 'route', 'status']);
  const durations = histogramIn(registry, 'http_request_duration_seconds', 'HTTP request durations in seconds by method, route pattern and status.', [
    'method',
    'route',
    'status',
  ]);
  app.addHook('onRequest', (request, reply, done) => {
    const startedAt = performance.now();
    reply.raw.once('close', () => {
      const labels = { method: request.method, route: request.routeOptions.url ?? UNMATCHED_ROUTE, status: String(reply.raw.statusCode) };
      requests.inc(labels);
      durations.observe(labels, (performance.now() - startedAt) / 1000);
    });
    done();
  });
}

/** A running metrics listener. */
export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` from the registry on its own port, bound to `host`.
 * The gateway routes only to tenants, registration and the default backend,
 * so this port is reachable from this machine (or the cluster network) only.
 * Every other path returns 404.
 */
export async function startMetricsListener(options: { registry: Registry; host: string; port: number; logger: Logger }): Promise<MetricsListener> {
  const { registry, logger } = options;
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics collection failed');
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics collection failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ host: options.host, port }, 'metrics listening');
  return { port, close: () => closeServerGracefully(server, { timeoutMs: 1000 }) };
}
