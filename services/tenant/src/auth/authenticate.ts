import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AppError, COMMON_ERRORS } from '@esm/common';
import { translateDatabaseError } from '../db/database-errors.js';
import type { DatabaseAccess } from '../db/transaction.js';
import { AUTH_ERRORS } from './errors.js';
import { verifyAccessToken, type TokenAudience } from './access-token.js';
import { hasAccessLevel, type AccessLevel } from './access-level.js';
import type { TenantKeys } from './signing-keys.js';

/** The signed-in user of a request, with the access level stored now, not when the token was signed. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  accessLevel: AccessLevel;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by requireAccess on authenticated routes; null elsewhere. */
    user: AuthenticatedUser | null;
  }
}

/** Dependencies of the token checks. */
export interface AuthenticationContext {
  database: DatabaseAccess;
  keys: TenantKeys;
  audience: TokenAudience;
}

/**
 * Verifies a bearer token and loads its user. Throws AUTH_TOKEN_INVALID when
 * the user no longer exists or is no longer active, so disabling a user takes
 * effect before the token expires.
 */
export async function authenticateToken(context: AuthenticationContext, token: string): Promise<AuthenticatedUser & { expiresAt: number }> {
  const claims = await verifyAccessToken(context.keys, context.audience, token);
  let row: { id: string; email: string; access_level: AccessLevel } | undefined;
  try {
    const result = await context.database.pool.query<{ id: string; email: string; access_level: AccessLevel }>(
      "SELECT id, email, access_level FROM users WHERE id = $1 AND status = 'active'",
      [claims.userId],
    );
    row = result.rows[0];
  } catch (error) {
    throw translateDatabaseError(error);
  }
  if (!row) throw new AppError(AUTH_ERRORS.tokenInvalid, { detail: 'token user is not active' });
  return { id: row.id, email: row.email, accessLevel: row.access_level, expiresAt: claims.expiresAt };
}

/**
 * Builds the preHandler of a route that needs `minimum` access: 401
 * AUTH_REQUIRED without a bearer token, 401 AUTH_TOKEN_INVALID for a bad
 * one, 403 ACCESS_DENIED below the level.
 */
export function requireAccess(context: AuthenticationContext, minimum: AccessLevel): preHandlerAsyncHookHandler {
  return async function checkAccess(request: FastifyRequest, _reply: FastifyReply) {
    const header = request.headers.authorization;
    if (!header) throw new AppError(COMMON_ERRORS.unauthenticated);
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (!match?.[1]) throw new AppError(AUTH_ERRORS.tokenInvalid, { detail: 'authorization header is not a bearer token' });

    const { expiresAt: _expiresAt, ...user } = await authenticateToken(context, match[1]);
    request.user = user;
    request.log = request.log.child({ userId: user.id });
    if (!hasAccessLevel(user.accessLevel, minimum)) {
      throw new AppError(COMMON_ERRORS.forbidden, { detail: `route needs ${minimum}, user has ${user.accessLevel}` });
    }
  };
}
