import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, COMMON_ERRORS } from '@esm/common';
import { withTransaction } from '../../db/transaction.js';
import { auditSourceOf } from '../../audit/audit.js';
import type { TenantContext } from '../../context.js';
import { authenticateToken, requireAccess } from '../authenticate.js';
import { AUTH_ERRORS } from '../errors.js';
import { hashOneTimeToken } from '../one-time-token.js';
import { clearRefreshCookie, readRefreshCookie, requireOwnOrigin, setRefreshCookie } from './refresh-cookie.js';
import { rotateRefreshToken } from './refresh.js';
import { findSessionOfRefreshToken, revokeSession, revokeUserSessions } from './sessions.js';
import { issueSessionResponse } from './start-session.js';

/**
 * Registers `POST /api/auth/refresh`, `/api/auth/sign-out` and
 * `/api/auth/sign-out-everywhere`. Revoking a session is a write that every
 * access level may make for itself, so these routes use the app role, not
 * the read-only role of read-level users.
 */
export async function registerSessionRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  const write = { readOnly: false };

  app.post('/api/auth/refresh', async (request, reply) => {
    requireOwnOrigin(request, context.secret.origin);
    const token = readRefreshCookie(request);
    if (!token) throw new AppError(COMMON_ERRORS.unauthenticated, { detail: 'no refresh cookie' });

    const rotated = await rotateRefreshToken(context.database, auditSourceOf(request), token).catch((error: unknown) => {
      clearRefreshCookie(reply);
      throw error;
    });
    setRefreshCookie(reply, rotated.refresh);
    request.log.info({ userId: rotated.user.id, sessionId: rotated.sessionId }, 'session refreshed');
    return issueSessionResponse(context, rotated.sessionId, rotated.user);
  });

  app.post('/api/auth/sign-out', async (request, reply) => {
    const sessionId = await identifySessionToEnd(context, request);
    if (sessionId) {
      await withTransaction(context.database, write, (transaction) =>
        revokeSession(transaction, auditSourceOf(request), sessionId, 'sign-out'),
      );
      request.log.info({ sessionId }, 'signed out');
    }
    clearRefreshCookie(reply);
    return reply.status(204).send();
  });

  app.post(
    '/api/auth/sign-out-everywhere',
    { preHandler: requireAccess(context, 'read') },
    async (request, reply) => {
      const user = request.user!;
      const revoked = await withTransaction(context.database, write, (transaction) =>
        revokeUserSessions(transaction, auditSourceOf(request), user.id, 'sign-out-everywhere'),
      );
      request.log.info({ revoked }, 'signed out everywhere');
      clearRefreshCookie(reply);
      return reply.status(204).send();
    },
  );
}

/**
 * Finds the session a sign-out ends: the bearer token's session when the
 * request has one, otherwise the refresh cookie's, which needs the tenant's
 * Origin. Returns null when the request names no session, so that signing
 * out twice is no error. A bearer token that is invalid fails with 401.
 */
async function identifySessionToEnd(context: TenantContext, request: FastifyRequest): Promise<string | null> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (!match?.[1]) throw new AppError(AUTH_ERRORS.tokenInvalid, { detail: 'authorization header is not a bearer token' });
    const { expiresAt: _expiresAt, ...user } = await authenticateToken(context, match[1]);
    // The audit entry names the user who signed out.
    request.user = user;
    return user.sessionId;
  }

  const token = readRefreshCookie(request);
  if (!token) return null;
  requireOwnOrigin(request, context.secret.origin);
  return withTransaction(context.database, { readOnly: false }, (transaction) =>
    findSessionOfRefreshToken(transaction, hashOneTimeToken(token)),
  );
}
