import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { AppError, COMMON_ERRORS } from '@esm/common';

// Headers that a proxy adds. The gateway sets X-Forwarded-For, -Host and -Proto on every request it forwards.
const PROXY_HEADER = /^(x-forwarded-.+|forwarded)$/;

/**
 * Registers `GET /metrics` on the tenant's own port. A tenant has one port,
 * which the gateway routes to, so the route answers only requests that came
 * without a proxy header (a scraper on the bind host or in the cluster
 * network) and returns the ordinary 404 to anything the gateway forwarded.
 *
 * NOTE: this relies on every proxy in front of the tenant setting
 * X-Forwarded-*. The platform's gateway always does; an ingress that does
 * not would expose the metrics (process and request counts, no tenant data).
 */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', async (request, reply) => {
    if (Object.keys(request.headers).some((name) => PROXY_HEADER.test(name))) {
      throw new AppError(COMMON_ERRORS.notFound, { detail: 'metrics requested through a proxy' });
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
