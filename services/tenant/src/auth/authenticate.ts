import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AppError, COMMON_ERRORS, type Locale } from '@esm/common';
import { translateDatabaseError } from '../db/database-errors.js';
import type { DatabaseAccess } from '../db/transaction.js';
import { AUTH_ERRORS } from './errors.js';
import type { TokenAudience } from './access-token.js';
import { hasAccessLevel, type AccessLevel } from './access-level.js';
import type { TenantKeys } from './signing-keys.js';
import { verifyAccessTokenCached, type VerifiedTokenCache } from './sessions/verified-token-cache.js';

/** The signed-in user of a request, with the access level stored now, not when the token was signed. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  accessLevel: AccessLevel;
  locale: Locale;
  /** The session of the request's token. */
  sessionId: string;
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
  verifiedTokens: VerifiedTokenCache;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies a bearer token and loads its user and session in one query.
 * Throws AUTH_TOKEN_INVALID when the token has no session, the session is
 * revoked or expired, or the user is no longer active, so signing out,
 * revoking and deactivating take effect before the token expires. The access
 * level is the one stored now, not the one in the token.
 */
export async function authenticateToken(context: AuthenticationContext, token: string): Promise<AuthenticatedUser & { expiresAt: number }> {
  const claims = await verifyAccessTokenCached(context.verifiedTokens, context.keys, context.audience, token);
  // Only this tenant's key can sign a token, but a malformed id would make the query fail with a data exception instead of a 401.
  if (!UUID_PATTERN.test(claims.userId) || !UUID_PATTERN.test(claims.sessionId)) {
    throw new AppError(AUTH_ERRORS.tokenInvalid, { detail: 'token subject or session id is not a UUID' });
  }
  type Row = { id: string; email: string; access_level: AccessLevel; locale: Locale };
  let row: Row | undefined;
  try {
    const result = await context.database.pool.query<Row>(
      `SELECT users.id, users.email, users.access_level, users.locale
       FROM sessions JOIN users ON users.id = sessions.user_id
       WHERE sessions.id = $1 AND sessions.user_id = $2 AND sessions.revoked_at IS NULL AND sessions.expires_at > now()
         AND users.status = 'active'`,
      [claims.sessionId, claims.userId],
    );
    row = result.rows[0];
  } catch (error) {
    throw translateDatabaseError(error);
  }
  if (!row) throw new AppError(AUTH_ERRORS.tokenInvalid, { detail: 'session revoked or expired, or user not active' });
  return {
    id: row.id,
    email: row.email,
    accessLevel: row.access_level,
    locale: row.locale,
    sessionId: claims.sessionId,
    expiresAt: claims.expiresAt,
  };
}

// The hooks that requireAccess built, with the level each checks.
const accessChecks = new WeakMap<object, AccessLevel>();

/**
 * Builds the preHandler of a route that needs `minimum` access: 401
 * AUTH_REQUIRED without a bearer token, 401 AUTH_TOKEN_INVALID for a bad
 * one, 403 ACCESS_DENIED below the level.
 */
export function requireAccess(context: AuthenticationContext, minimum: AccessLevel): preHandlerAsyncHookHandler {
  const checkAccess = async function checkAccess(request: FastifyRequest, _reply: FastifyReply) {
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
  accessChecks.set(checkAccess, minimum);
  return checkAccess;
}

/** Returns the access level that a hook built by requireAccess checks, or undefined for any other value. */
export function accessLevelOfHook(hook: unknown): AccessLevel | undefined {
  return typeof hook === 'function' ? accessChecks.get(hook) : undefined;
}
