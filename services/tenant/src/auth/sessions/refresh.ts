import { AppError } from '@esm/common';
import { withTransaction, type DatabaseAccess } from '../../db/transaction.js';
import type { AuditSource } from '../../audit/audit.js';
import { AUTH_ERRORS } from '../errors.js';
import { hashOneTimeToken } from '../one-time-token.js';
import { SESSION_ERRORS } from './errors.js';
import {
  issueRefreshToken,
  lockRefreshToken,
  revokeSession,
  useRefreshToken,
  type IssuedRefreshToken,
  type SessionUser,
} from './sessions.js';

/** A rotated refresh token with the session and the user as stored now. */
export interface RotatedSession {
  sessionId: string;
  user: SessionUser;
  refresh: IssuedRefreshToken;
}

/**
 * Uses up a refresh token and issues the next one of its session. A token
 * that was used before means that two parties hold the session's tokens, so
 * the whole session is revoked (audited with reason `reuse`) and the request
 * gets SESSION_REVOKED, and so does any later request with the session.
 * Throws SESSION_EXPIRED for an expired token or session, AUTH_TOKEN_INVALID
 * for an unknown token or a user who is no longer active.
 *
 * NOTE: two refreshes with the same cookie at once, such as from two browser
 * tabs, count as reuse and end the session, so a client must refresh from
 * one tab at a time.
 */
export async function rotateRefreshToken(database: DatabaseAccess, source: AuditSource, token: string): Promise<RotatedSession> {
  const hash = hashOneTimeToken(token);
  const outcome = await withTransaction(database, { readOnly: false }, async (transaction) => {
    const state = await lockRefreshToken(transaction, hash);
    if (!state) return new AppError(AUTH_ERRORS.tokenInvalid, { detail: 'unknown refresh token' });
    if (state.sessionRevoked) return new AppError(SESSION_ERRORS.sessionRevoked, { detail: 'session already revoked' });
    if (state.used) {
      await revokeSession(transaction, source, state.sessionId, 'reuse');
      return new AppError(SESSION_ERRORS.sessionRevoked, { detail: 'used refresh token presented again; session revoked' });
    }
    if (state.expired) return new AppError(SESSION_ERRORS.sessionExpired, { detail: 'refresh token or session expired' });
    if (!state.userActive) return new AppError(AUTH_ERRORS.tokenInvalid, { detail: 'session user is not active' });

    await useRefreshToken(transaction, hash, state.sessionId);
    const refresh = await issueRefreshToken(transaction, state.sessionId);
    return { sessionId: state.sessionId, user: state.user, refresh };
  });
  // Thrown after the commit, so that the revocation after a reuse stays.
  if (outcome instanceof AppError) throw outcome;
  return outcome;
}
