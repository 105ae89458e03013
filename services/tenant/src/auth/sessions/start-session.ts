import type { FastifyReply, FastifyRequest } from 'fastify';
import { withTransaction } from '../../db/transaction.js';
import type { TenantContext } from '../../context.js';
import { signAccessToken } from '../access-token.js';
import { setRefreshCookie } from './refresh-cookie.js';
import { createSession, issueRefreshToken, type SessionUser } from './sessions.js';

/** The body of a successful sign-in or refresh. */
export interface SessionResponse {
  accessToken: string;
  expiresAt: string;
  user: SessionUser;
}

/**
 * Starts a session for a user who passed every sign-in step: stores the
 * session and its first refresh token, sets the refresh cookie on `reply`
 * and returns a signed access token for the session. The caller has checked
 * the credentials and writes the sign-in audit entry.
 */
export async function startSession(
  context: TenantContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: SessionUser,
): Promise<SessionResponse> {
  const { sessionId, refresh } = await withTransaction(context.database, { readOnly: false }, async (transaction) => {
    const sessionId = await createSession(transaction, user.id, { address: request.ip, userAgent: request.headers['user-agent'] });
    return { sessionId, refresh: await issueRefreshToken(transaction, sessionId) };
  });
  setRefreshCookie(reply, refresh);
  return issueSessionResponse(context, sessionId, user);
}

/** Signs an access token of the session for the user and shapes the response body. */
export async function issueSessionResponse(context: TenantContext, sessionId: string, user: SessionUser): Promise<SessionResponse> {
  const { token, expiresAt } = await signAccessToken(context.keys, context.audience, user, sessionId);
  return {
    accessToken: token,
    expiresAt: expiresAt.toISOString(),
    user: { id: user.id, email: user.email, accessLevel: user.accessLevel, locale: user.locale },
  };
}
