import { AppError, type Locale } from '@esm/common';
import { translateDatabaseError } from '../../db/database-errors.js';
import type { DatabaseAccess, Transaction } from '../../db/transaction.js';
import { AUTH_ERRORS } from '../errors.js';
import { createOneTimeToken, hashOneTimeToken } from '../one-time-token.js';
import type { AccessLevel } from '../access-level.js';

/** How long the later sign-in steps may follow the password step. */
export const CHALLENGE_LIFETIME_SECONDS = 5 * 60;
/** Second-factor codes one challenge allows; after the fifth wrong one it is used up. */
export const CHALLENGE_MAX_ATTEMPTS = 5;

/** An open challenge: its token's hash and the active user who passed the password step. */
export interface OpenChallenge {
  hash: Buffer;
  user: {
    id: string;
    email: string;
    accessLevel: AccessLevel;
    locale: Locale;
    mobile: string | null;
    totpEnabled: boolean;
  };
}

/** Stores a challenge for a user who gave the right password and returns its token, which only the client gets. */
export async function createChallenge(transaction: Transaction, userId: string): Promise<string> {
  const { token, hash } = createOneTimeToken();
  await transaction.query(
    'INSERT INTO sign_in_challenges (hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))',
    [hash, userId, CHALLENGE_LIFETIME_SECONDS],
  );
  return token;
}

/**
 * Finds a challenge that is unused, unexpired and has attempts left, with its
 * user while that user is active. Throws SIGN_IN_FAILED otherwise, the same
 * response as for a wrong code.
 */
export async function findOpenChallenge(database: DatabaseAccess, token: string): Promise<OpenChallenge> {
  const hash = hashOneTimeToken(token);
  let row;
  try {
    const result = await database.pool.query<{
      id: string;
      email: string;
      access_level: AccessLevel;
      locale: Locale;
      mobile: string | null;
      totp_enabled: boolean;
    }>(
      `SELECT users.id, users.email, users.access_level, users.locale, users.mobile, users.totp_enabled
       FROM sign_in_challenges JOIN users ON users.id = sign_in_challenges.user_id
       WHERE sign_in_challenges.hash = $1 AND sign_in_challenges.used_at IS NULL
         AND sign_in_challenges.expires_at > now() AND sign_in_challenges.attempts < $2
         AND users.status = 'active'`,
      [hash, CHALLENGE_MAX_ATTEMPTS],
    );
    row = result.rows[0];
  } catch (error) {
    throw translateDatabaseError(error);
  }
  if (!row) throw new AppError(AUTH_ERRORS.signInFailed, { detail: 'challenge unknown, used, expired or out of attempts' });
  return {
    hash,
    user: {
      id: row.id,
      email: row.email,
      accessLevel: row.access_level,
      locale: row.locale,
      mobile: row.mobile,
      totpEnabled: row.totp_enabled,
    },
  };
}

/**
 * Counts one code attempt on a challenge before the code is checked, and
 * returns false when the challenge has no attempts left or was used or
 * expired meanwhile. The conditional update commits on its own, so parallel
 * requests cannot try more than CHALLENGE_MAX_ATTEMPTS codes between them.
 */
export async function countChallengeAttempt(database: DatabaseAccess, hash: Buffer): Promise<boolean> {
  try {
    const result = await database.pool.query(
      `UPDATE sign_in_challenges SET attempts = attempts + 1
       WHERE hash = $1 AND used_at IS NULL AND expires_at > now() AND attempts < $2`,
      [hash, CHALLENGE_MAX_ATTEMPTS],
    );
    return result.rowCount === 1;
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

/**
 * Marks a challenge used by a successful sign-in in the caller's
 * transaction. Returns false when another request used it first, so one
 * challenge never starts two sessions.
 */
export async function useChallenge(transaction: Transaction, hash: Buffer): Promise<boolean> {
  const result = await transaction.query('UPDATE sign_in_challenges SET used_at = now() WHERE hash = $1 AND used_at IS NULL', [hash]);
  return result.rowCount === 1;
}

/** Marks a challenge used once its last attempt failed, so it shows as used up. */
export async function closeExhaustedChallenge(transaction: Transaction, hash: Buffer): Promise<void> {
  await transaction.query('UPDATE sign_in_challenges SET used_at = now() WHERE hash = $1 AND used_at IS NULL AND attempts >= $2', [
    hash,
    CHALLENGE_MAX_ATTEMPTS,
  ]);
}
