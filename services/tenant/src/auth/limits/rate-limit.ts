import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { AppError } from '@esm/common';
import { LIMIT_ERRORS } from './errors.js';

/** Sign-in and invitation requests one client address may send per window, all such routes together. */
export const SIGN_IN_RATE_LIMIT = { max: 30, timeWindowMs: 60_000 };

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The onRequest hook of every sign-in, enrolment and invitation route.
     * They share one counter per client address, so spreading requests over
     * several of these routes does not raise the limit.
     */
    signInRateLimit: onRequestHookHandler;
  }
}

/**
 * Registers @fastify/rate-limit without a global limit and decorates the app
 * with `signInRateLimit`. Call it before the routes that use the hook.
 * The key is the client address: Fastify takes it from X-Forwarded-For only
 * when the connection comes from the gateway on loopback (trustProxy), and
 * the plugin's default key groups IPv6 addresses by their /64 prefix.
 *
 * NOTE: the counters live in this process's memory, so a tenant with several
 * processes would allow the limit once per process. Behind a proxy that is
 * not on loopback (an ingress in a cluster), request.ip is the proxy's
 * address and every client would share one counter, until trustProxy names
 * that proxy.
 */
export async function registerSignInRateLimit(app: FastifyInstance): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError(LIMIT_ERRORS.rateLimited, {
        values: { seconds: Math.max(1, Math.ceil(context.ttl / 1000)) },
        detail: `rate limit of ${context.max} sign-in requests a minute exceeded`,
      }),
  });
  app.decorate('signInRateLimit', app.rateLimit({ max: SIGN_IN_RATE_LIMIT.max, timeWindow: SIGN_IN_RATE_LIMIT.timeWindowMs }));
}
