import type { Locale } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { createOneTimeToken } from '../one-time-token.js';
import type { AccessLevel } from '../access-level.js';

/** A session ends at the latest this long after sign-in, however often it is refreshed. */
export const SESSION_MAX_LIFETIME_DAYS = 7;

/** A refresh token expires when it is not used for this long. */
export const REFRESH_TOKEN_IDLE_HOURS = 12;

/** Maximum length of the user agent stored with a session. Longer values are cut. */
const USER_AGENT_MAX_LENGTH = 500;

/** Reason for revoking a session, as stored in `sessions.revoked_reason` and the audit log. */
export type RevocationReason = 'sign-out' | 'sign-out-everywhere' | 'reuse' | 'administrator' | 'deactivated' | 'factor-reset' | 'password-reset';

/** The user a session belongs to, as access tokens and the sign-in response carry it. */
export interface SessionUser {
  id: string;
  email: string;
  accessLevel: AccessLevel;
  locale: Locale;
}

/** A new refresh token: the value for the cookie and when it stops working. */
export interface IssuedRefreshToken {
  token: string;
  expiresAt: Date;
}

/** Creates a session that ends SESSION_MAX_LIFETIME_DAYS from now and returns its id. */
export async function createSession(
  transaction: Transaction,
  userId: string,
  client: { address: string; userAgent: string | undefined },
): Promise<string> {
  // Header values are Latin-1 strings in Node.js. Control characters are dropped, because PostgreSQL text cannot contain NUL.
  const userAgent = client.userAgent?.replace(/\p{Cc}/gu, '').slice(0, USER_AGENT_MAX_LENGTH) ?? null;
  const result = await transaction.query<{ id: string }>(
    `INSERT INTO sessions (user_id, expires_at, client_address, user_agent)
     VALUES ($1, now() + make_interval(days => $2), $3, $4) RETURNING id`,
    [userId, SESSION_MAX_LIFETIME_DAYS, client.address.slice(0, 100), userAgent],
  );
  return result.rows[0]!.id;
}

/**
 * Stores a new refresh token for a session. Only its SHA-256 hash is stored.
 * It expires after REFRESH_TOKEN_IDLE_HOURS, or when the session does if that is sooner.
 */
export async function issueRefreshToken(transaction: Transaction, sessionId: string): Promise<IssuedRefreshToken> {
  const { token, hash } = createOneTimeToken();
  const result = await transaction.query<{ expires_at: Date }>(
    `INSERT INTO refresh_tokens (hash, session_id, expires_at)
     SELECT $1, id, least(now() + make_interval(hours => $3), expires_at) FROM sessions WHERE id = $2
     RETURNING expires_at`,
    [hash, sessionId, REFRESH_TOKEN_IDLE_HOURS],
  );
  return { token, expiresAt: result.rows[0]!.expires_at };
}

/** A refresh token with its session and user, locked for the rotation. */
export interface RefreshTokenState {
  sessionId: string;
  used: boolean;
  expired: boolean;
  sessionRevoked: boolean;
  userActive: boolean;
  user: SessionUser;
}

/**
 * Finds a refresh token by its hash and locks the token and its session, so
 * two requests with the same token are handled one after the other, and the
 * second finds the token used. Returns null for an unknown token.
 */
export async function lockRefreshToken(transaction: Transaction, hash: Buffer): Promise<RefreshTokenState | null> {
  const result = await transaction.query<{
    session_id: string;
    used: boolean;
    expired: boolean;
    session_revoked: boolean;
    id: string;
    email: string;
    access_level: AccessLevel;
    locale: Locale;
    status: string;
  }>(
    `SELECT refresh_tokens.session_id, refresh_tokens.used_at IS NOT NULL AS used,
            (refresh_tokens.expires_at <= now() OR sessions.expires_at <= now()) AS expired,
            sessions.revoked_at IS NOT NULL AS session_revoked,
            users.id, users.email, users.access_level, users.locale, users.status
     FROM refresh_tokens
       JOIN sessions ON sessions.id = refresh_tokens.session_id
       JOIN users ON users.id = sessions.user_id
     WHERE refresh_tokens.hash = $1
     FOR UPDATE OF refresh_tokens, sessions`,
    [hash],
  );
  const row = result.rows[0];
  if (!row) return null;
  return {
    sessionId: row.session_id,
    used: row.used,
    expired: row.expired,
    sessionRevoked: row.session_revoked,
    userActive: row.status === 'active',
    user: { id: row.id, email: row.email, accessLevel: row.access_level, locale: row.locale },
  };
}

/** Marks a refresh token used and records the session's last use. */
export async function useRefreshToken(transaction: Transaction, hash: Buffer, sessionId: string): Promise<void> {
  await transaction.query('UPDATE refresh_tokens SET used_at = now() WHERE hash = $1', [hash]);
  await transaction.query('UPDATE sessions SET last_used_at = now() WHERE id = $1', [sessionId]);
}

/** Returns the id of the session a refresh token belongs to, used or not, or null for an unknown token. */
export async function findSessionOfRefreshToken(transaction: Transaction, hash: Buffer): Promise<string | null> {
  const result = await transaction.query<{ session_id: string }>('SELECT session_id FROM refresh_tokens WHERE hash = $1', [hash]);
  return result.rows[0]?.session_id ?? null;
}

/**
 * Revokes one session unless it is revoked or expired already, and writes a
 * `session.revoked` audit entry for it. Returns whether it was revoked now.
 */
export async function revokeSession(
  transaction: Transaction,
  source: AuditSource,
  sessionId: string,
  reason: RevocationReason,
): Promise<boolean> {
  const revoked = await revokeSessionsWhere(transaction, source, 'sessions.id = $1', sessionId, reason);
  return revoked > 0;
}

/**
 * Revokes every session of a user that is neither revoked nor expired, with one
 * `session.revoked` audit entry per session. Returns how many were revoked.
 */
export async function revokeUserSessions(
  transaction: Transaction,
  source: AuditSource,
  userId: string,
  reason: RevocationReason,
): Promise<number> {
  return revokeSessionsWhere(transaction, source, 'sessions.user_id = $1', userId, reason);
}

async function revokeSessionsWhere(
  transaction: Transaction,
  source: AuditSource,
  condition: 'sessions.id = $1' | 'sessions.user_id = $1',
  id: string,
  reason: RevocationReason,
): Promise<number> {
  // Expired sessions are skipped, because revoking them ends nothing and their audit entries would only add noise.
  const result = await transaction.query<{ id: string; user_id: string; email: string }>(
    `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
     FROM users
     WHERE ${condition} AND sessions.revoked_at IS NULL AND sessions.expires_at > now() AND users.id = sessions.user_id
     RETURNING sessions.id, sessions.user_id, users.email`,
    [id, reason],
  );
  for (const session of result.rows) {
    await writeAuditEntry(transaction, source, {
      action: 'session.revoked',
      entityType: 'session',
      entityId: session.id,
      before: null,
      after: { userId: session.user_id, email: session.email, reason },
      summary: `${session.email}: ${reason}`,
    });
  }
  return result.rowCount ?? 0;
}
