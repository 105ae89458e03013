import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ADMIN_CALLERS, AppError, readServiceCredential, type AdminCaller, type PlatformConfig } from '@esm/common';
import { ADMIN_ERRORS } from '../errors.js';

/** The SHA-256 digest of each caller's credential; the credentials themselves are not kept. */
export type CallerDigests = ReadonlyMap<AdminCaller, Buffer>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The callers allowed on a route; routes outside /v1 without it are open (health checks only). */
    callers?: readonly AdminCaller[];
  }
  interface FastifyRequest {
    /** The authenticated caller; set on every route that lists callers. */
    caller?: AdminCaller;
  }
}

/** Reads every caller's credential file; fails when one is missing or empty. */
export async function loadCallerDigests(config: PlatformConfig): Promise<CallerDigests> {
  const digests = new Map<AdminCaller, Buffer>();
  for (const caller of ADMIN_CALLERS) {
    const credential = await readServiceCredential(config, caller);
    if (credential.length === 0) throw new Error(`the admin credential file of ${caller} is empty`);
    digests.set(caller, sha256(credential));
  }
  return digests;
}

/**
 * Returns the caller whose credential equals the bearer value, or null.
 * Digests of equal length are compared in constant time, and every caller
 * is compared, so the timing does not reveal how much of a value matched.
 */
export function identifyCaller(authorization: string | undefined, digests: CallerDigests): AdminCaller | null {
  const match = /^Bearer (\S+)$/.exec(authorization ?? '');
  if (!match?.[1]) return null;
  const presented = sha256(match[1]);
  let found: AdminCaller | null = null;
  for (const [caller, digest] of digests) {
    if (timingSafeEqual(presented, digest)) found = caller;
  }
  return found;
}

/**
 * Adds the hook that authenticates every route declaring `config.callers`:
 * 401 ADMIN_CREDENTIAL_INVALID for an unknown credential, 403
 * ADMIN_CALLER_FORBIDDEN for a known caller the route does not list.
 */
export function registerCallerAuthentication(app: FastifyInstance, digests: CallerDigests): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const allowed = request.routeOptions.config.callers;
    // Unknown paths under /v1 need a credential too, so that the API cannot be mapped without one.
    if (!allowed && !request.url.startsWith('/v1/')) return;
    const caller = identifyCaller(request.headers.authorization, digests);
    if (!caller) throw new AppError(ADMIN_ERRORS.credentialInvalid);
    if (allowed && !allowed.includes(caller)) {
      throw new AppError(ADMIN_ERRORS.callerForbidden, { detail: `${caller} may not call ${request.routeOptions.url}` });
    }
    request.caller = caller;
  });
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
