import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { AppError } from '@esm/common';
import { SESSION_ERRORS } from './errors.js';
import type { IssuedRefreshToken } from './sessions.js';

/**
 * The refresh token cookie. The `__Host-` prefix makes browsers accept it
 * only with Secure, Path=/ and no Domain, so no subdomain can set or
 * overwrite it.
 */
export const REFRESH_COOKIE = '__Host-esm-refresh';

const COOKIE_OPTIONS: CookieSerializeOptions = { httpOnly: true, secure: true, sameSite: 'strict', path: '/' };

/** Sets the refresh cookie, which the browser deletes when the token expires. */
export function setRefreshCookie(reply: FastifyReply, refresh: IssuedRefreshToken): void {
  void reply.setCookie(REFRESH_COOKIE, refresh.token, { ...COOKIE_OPTIONS, expires: refresh.expiresAt });
}

/** Tells the browser to delete the refresh cookie. */
export function clearRefreshCookie(reply: FastifyReply): void {
  void reply.clearCookie(REFRESH_COOKIE, COOKIE_OPTIONS);
}

/** Returns the refresh token from the request's cookie, or undefined when there is none. */
export function readRefreshCookie(request: FastifyRequest): string | undefined {
  const value = request.cookies[REFRESH_COOKIE];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Rejects a request that the browser could have sent from another site with
 * the refresh cookie: its Origin header must be the tenant's origin. Browsers
 * send Origin on every POST from a page, so a missing header is rejected too.
 */
export function requireOwnOrigin(request: FastifyRequest, origin: string): void {
  if (request.headers.origin !== origin) {
    throw new AppError(SESSION_ERRORS.originRejected, { detail: `origin ${String(request.headers.origin)} is not the tenant origin` });
  }
}
