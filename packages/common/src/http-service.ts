import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Registry } from 'prom-client';
import { AppError, COMMON_ERRORS, defineError, handleError } from './errors.js';
import type { Logger } from './logger.js';
import { observeHttpRequests } from './metrics.js';

export interface HttpServiceOptions {
  logger: Logger;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Extra Fastify options. */
  fastify?: Partial<FastifyServerOptions>;
  /** Whether the service sits behind the gateway and may trust X-Forwarded-* from loopback. */
  trustProxy?: boolean;
  /** Registry that receives the request counts and durations; none are recorded without it. */
  metrics?: Registry;
  /** Throws when a dependency the service cannot work without is unreachable; `/readyz` then returns 503. */
  checkReadiness?: () => Promise<void>;
}

export const HTTP_SERVICE_ERRORS = {
  /** The service received SIGTERM and finishes the requests it has; a load balancer should send the request elsewhere. */
  stopping: defineError('SERVICE_STOPPING', 503, {
    en: 'The service is restarting. Please try again in a moment.',
    sv: 'Tjänsten startar om. Försök igen om en stund.',
  }),
  /** `/readyz` found a dependency unreachable, e.g. the service's database. */
  notReady: defineError('SERVICE_NOT_READY', 503, {
    en: 'The service is not ready: a service it depends on cannot be reached.',
    sv: 'Tjänsten är inte redo: en tjänst som den är beroende av går inte att nå.',
  }),
};

/** Fastify's codes for a request path that the router cannot decode or whose parameter exceeds maxParamLength. */
const ADDRESS_ERROR_CODES = new Set(['FST_ERR_BAD_URL', 'FST_ERR_MAX_PARAM_LENGTH']);

function addressError(error: Error & { code?: string }): unknown {
  if (!ADDRESS_ERROR_CODES.has(error.code ?? '')) return error;
  return new AppError(COMMON_ERRORS.invalidRequest, { values: { reason: 'the address is not valid' }, cause: error, detail: error.code });
}

/** Seconds a client should wait (the Retry-After value) after SERVICE_STOPPING. */
const STOPPING_RETRY_AFTER_SECONDS = 2;

/**
 * Creates a Fastify instance with the platform's conventions: a request id on
 * every request, the shared error handler, a JSON 404 with a code, security
 * headers, `/healthz` and `/readyz`, and a coded 503 for requests that arrive
 * on an open connection after close() began.
 */
export function createHttpService(options: HttpServiceOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: () => randomUUID(),
    trustProxy: options.trustProxy ? '127.0.0.1' : false,
    // Fastify's own 503 while closing has no error code; the onRequest hook below sends a coded one.
    return503OnClosing: false,
    // Without this, Fastify responds to a malformed percent-encoding or an over-long path parameter itself,
    // with its internal error code and the path in the message instead of the platform's error body.
    frameworkErrors: (error, request, reply) => handleError(addressError(error), request, reply),
    ...options.fastify,
  });

  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  app.setNotFoundHandler((request, reply) => handleError(new AppError(COMMON_ERRORS.notFound), request, reply));
  if (options.metrics) observeHttpRequests(app, options.metrics);

  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', async (_request, reply) => {
    // Requests already running finish; a new one on a kept-alive connection is refused before any handler runs.
    if (!closing) return;
    reply.header('retry-after', String(STOPPING_RETRY_AFTER_SECONDS));
    throw new AppError(HTTP_SERVICE_ERRORS.stopping);
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.removeHeader('x-powered-by');
    // Without this, a kept-alive connection would hold close() open until the client's idle time-out.
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => {
    if (!options.checkReadiness) return { status: 'ready' };
    try {
      await options.checkReadiness();
    } catch (error) {
      throw new AppError(HTTP_SERVICE_ERRORS.notReady, { detail: 'readiness check failed', cause: error });
    }
    return { status: 'ready' };
  });
  return app;
}
