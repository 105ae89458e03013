import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { AppError, COMMON_ERRORS, handleError } from './errors.js';
import type { Logger } from './logger.js';

export interface HttpServiceOptions {
  logger: Logger;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Extra Fastify options. */
  fastify?: Partial<FastifyServerOptions>;
  /** Whether the service sits behind the gateway and may trust X-Forwarded-* from loopback. */
  trustProxy?: boolean;
}

/**
 * Creates a Fastify instance with the platform's conventions: a request id on
 * every request, the shared error handler, a JSON 404 with a code, security
 * headers, and `/healthz` and `/readyz`.
 */
export function createHttpService(options: HttpServiceOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: () => randomUUID(),
    trustProxy: options.trustProxy ? '127.0.0.1' : false,
    ...options.fastify,
  });

  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  app.setNotFoundHandler((request, reply) => handleError(new AppError(COMMON_ERRORS.notFound), request, reply));

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.removeHeader('x-powered-by');
    return payload;
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => ({ status: 'ready' }));
  return app;
}
