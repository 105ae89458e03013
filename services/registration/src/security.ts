import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import fastifyRateLimit from '@fastify/rate-limit';
import { AppError } from '@esm/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { REGISTRATION_ERRORS } from './errors.js';

/** How many POSTs one client address may send to a form route per window. */
export interface RateLimitOptions {
  max: number;
  timeWindowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 10, timeWindowMs: 60_000 };

/**
 * The CSRF secret cookie. The `__Host-` prefix makes browsers accept it only
 * with Secure, Path=/ and no Domain, so a tenant under the same base domain
 * cannot set or overwrite it.
 */
const CSRF_COOKIE = '__Host-esm-registration-csrf';

/** The name of the hidden form field that carries the CSRF token. */
export const CSRF_FIELD = '_csrf';

/**
 * Registers cookies (signed ones with a random key), CSRF protection, rate limiting and the response headers
 * of every page: a per-request nonce in a strict Content-Security-Policy,
 * no caching (pages carry one-time tokens) and a same-origin Referrer-Policy.
 */
export async function registerSecurity(app: FastifyInstance, rateLimit: RateLimitOptions): Promise<void> {
  // A new signing key per process: a signed cookie from before a restart is
  // rejected, which only hides the details of a registration sent just before it.
  await app.register(fastifyCookie, { secret: randomBytes(32) });
  await app.register(fastifyCsrfProtection, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: true },
    getToken: (request) => (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD] as string | undefined,
  });
  await app.register(fastifyRateLimit, {
    global: false,
    max: rateLimit.max,
    timeWindow: rateLimit.timeWindowMs,
    // request.ip is the client address: Fastify takes it from X-Forwarded-For
    // only when the connection comes from the gateway on loopback.
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, context) =>
      new AppError(REGISTRATION_ERRORS.rateLimited, {
        values: { seconds: Math.max(1, Math.ceil(context.ttl / 1000)) },
        detail: `rate limit of ${context.max} requests exceeded`,
      }),
  });

  app.decorateRequest('cspNonce', '');
  app.addHook('onRequest', async (request) => {
    request.cspNonce = randomBytes(16).toString('base64');
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const nonce = `'nonce-${request.cspNonce}'`;
    reply.header(
      'content-security-policy',
      `default-src 'none'; script-src ${nonce}; style-src ${nonce}; connect-src 'self'; img-src 'self'; ` +
        `form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
    );
    reply.header('cache-control', 'no-store');
    // The shared service sets no-referrer, but with it browsers send
    // `Origin: null` on form POSTs, which the origin check must reject.
    // same-origin keeps the Referer (and the token in the deployment page's
    // query) inside this site.
    reply.header('referrer-policy', 'same-origin');
    return payload;
  });
}

/** Builds the route options that rate-limit a form POST. */
export function formRateLimit(rateLimit: RateLimitOptions) {
  return { rateLimit: { max: rateLimit.max, timeWindow: rateLimit.timeWindowMs } };
}

/**
 * Creates the pre-handlers of every form POST. The Origin, when present,
 * must be the registration site's own, because browsers send it on every
 * POST and a foreign one means a cross-site request. The form must also
 * carry the CSRF token that matches the cookie (double submit), which
 * covers clients that omit Origin.
 */
export function formProtection(app: FastifyInstance, expectedOrigin: string): preHandlerHookHandler[] {
  const checkOrigin = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== expectedOrigin) {
      throw new AppError(REGISTRATION_ERRORS.originRejected, { detail: `foreign origin ${origin.slice(0, 200)}` });
    }
  };
  return [checkOrigin, app.csrfProtection];
}

/** Creates a CSRF token for a form on the page being rendered, setting the cookie when needed. */
export function createFormToken(reply: FastifyReply): string {
  return reply.generateCsrf();
}
