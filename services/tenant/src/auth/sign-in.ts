import { AppError } from '@esm/common';
import { withTransaction, type DatabaseAccess } from '../db/transaction.js';
import { translateDatabaseError } from '../db/database-errors.js';
import { AUTH_ERRORS } from './errors.js';
import { createOneTimeToken, hashOneTimeToken } from './one-time-token.js';
import { PASSWORD_MAX_BYTES, verifyPassword } from './password.js';
import { acceptTotpCode } from './totp.js';
import type { AccessLevel } from './access-level.js';

/** How long the second sign-in step may follow the first. */
export const CHALLENGE_LIFETIME_SECONDS = 5 * 60;

/** A user who passed both sign-in steps. */
export interface SignedInUser {
  id: string;
  email: string;
  accessLevel: AccessLevel;
}

/**
 * Checks e-mail and password and returns a single-use challenge for the TOTP
 * step. Every failure is SIGN_IN_FAILED, and an unknown e-mail address costs
 * a bcrypt comparison too, so neither the response nor its timing reveals which
 * addresses have accounts.
 *
 * A password over PASSWORD_MAX_BYTES fails as well, because bcrypt compares
 * only the first 72 bytes and would accept any tail after a correct prefix.
 * Its comparison still runs, so the rule does not show in the response time.
 */
export async function checkPasswordStep(database: DatabaseAccess, email: string, password: string): Promise<string> {
  const user = await queryActiveUserByEmail(database, email);
  const matches = await verifyPassword(password, user?.password_hash ?? null);
  const tooLong = Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES;
  if (!user || !matches || tooLong) {
    throw new AppError(AUTH_ERRORS.signInFailed, { detail: tooLong ? 'password longer than 72 bytes' : 'e-mail or password did not match' });
  }

  const { token, hash } = createOneTimeToken();
  await withTransaction(database, { readOnly: false }, (transaction) =>
    transaction.query(
      `INSERT INTO sign_in_challenges (hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
      [hash, user.id, CHALLENGE_LIFETIME_SECONDS],
    ),
  );
  return token;
}

/**
 * Consumes a challenge and checks the TOTP code. The challenge is used up even
 * when the code is wrong, so each password check buys one guess at the code.
 */
export async function checkTotpStep(database: DatabaseAccess, challenge: string, code: string): Promise<SignedInUser> {
  const user = await withTransaction(database, { readOnly: false }, async (transaction) => {
    const consumed = await transaction.query<{ user_id: string }>(
      `UPDATE sign_in_challenges SET used_at = now()
       WHERE hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
      [hashOneTimeToken(challenge)],
    );
    const userId = consumed.rows[0]?.user_id;
    if (!userId) return null;

    const found = await transaction.query<{ id: string; email: string; access_level: AccessLevel; totp_secret: string; totp_last_step: string | null }>(
      `SELECT id, email, access_level, totp_secret, totp_last_step FROM users
       WHERE id = $1 AND status = 'active' AND totp_enabled FOR UPDATE`,
      [userId],
    );
    const row = found.rows[0];
    if (!row) return null;
    const step = acceptTotpCode(row.totp_secret, code, row.totp_last_step === null ? null : Number(row.totp_last_step));
    if (step === null) return null;
    await transaction.query('UPDATE users SET totp_last_step = $2 WHERE id = $1', [row.id, step]);
    return { id: row.id, email: row.email, accessLevel: row.access_level };
  });
  // Thrown after the commit, so that the used challenge stays used.
  if (!user) throw new AppError(AUTH_ERRORS.signInFailed, { detail: 'challenge or code did not match' });
  return user;
}

async function queryActiveUserByEmail(database: DatabaseAccess, email: string) {
  try {
    const result = await database.pool.query<{ id: string; password_hash: string | null }>(
      "SELECT id, password_hash FROM users WHERE email = $1 AND status = 'active' AND totp_enabled",
      [email.trim().toLowerCase()],
    );
    return result.rows[0];
  } catch (error) {
    throw translateDatabaseError(error);
  }
}
