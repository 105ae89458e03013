import { AppError, type Locale } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { createOneTimeToken, hashOneTimeToken } from '../one-time-token.js';
import { PASSWORD_RESET_ERRORS } from './errors.js';

/** How long a password reset link works. */
export const PASSWORD_RESET_LIFETIME_MINUTES = 60;

/** The active account that a reset token belongs to. */
export interface ResetAccount {
  userId: string;
  email: string;
  locale: Locale;
}

/** Finds the active account with a normalised e-mail address, or null. */
export async function findActiveAccount(transaction: Transaction, email: string): Promise<ResetAccount | null> {
  const result = await transaction.query<{ id: string; email: string; locale: Locale }>(
    "SELECT id, email, locale FROM users WHERE email = $1 AND status = 'active'",
    [email],
  );
  const row = result.rows[0];
  return row ? { userId: row.id, email: row.email, locale: row.locale } : null;
}

/**
 * Stores a new reset token for a user and returns it. The user's earlier
 * token, used or not, is replaced, so only the newest link works.
 */
export async function replaceResetToken(transaction: Transaction, userId: string): Promise<string> {
  const { token, hash } = createOneTimeToken();
  await transaction.query(
    `INSERT INTO password_resets (user_id, token_hash, expires_at)
     VALUES ($1, $2, now() + make_interval(mins => $3))
     ON CONFLICT (user_id) DO UPDATE
       SET token_hash = EXCLUDED.token_hash, created_at = now(), expires_at = EXCLUDED.expires_at, used_at = NULL`,
    [userId, hash, PASSWORD_RESET_LIFETIME_MINUTES],
  );
  return token;
}

/**
 * Finds the active account of an unused, unexpired reset token or throws
 * PASSWORD_RESET_INVALID. With `lock`, the token row stays locked until the
 * transaction ends, so two requests cannot both use it.
 */
export async function findResetAccount(transaction: Transaction, token: string, lock = false): Promise<ResetAccount> {
  const result = await transaction.query<{ id: string; email: string; locale: Locale }>(
    `SELECT u.id, u.email, u.locale FROM password_resets r JOIN users u ON u.id = r.user_id
     WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now() AND u.status = 'active'
     ${lock ? 'FOR UPDATE OF r' : ''}`,
    [hashOneTimeToken(token)],
  );
  const row = result.rows[0];
  if (!row) throw new AppError(PASSWORD_RESET_ERRORS.passwordResetInvalid);
  return { userId: row.id, email: row.email, locale: row.locale };
}

/** Stores the new password hash and marks the user's reset token used, in the caller's transaction. */
export async function storeResetPassword(transaction: Transaction, userId: string, passwordHash: string): Promise<void> {
  await transaction.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, passwordHash]);
  await transaction.query('UPDATE password_resets SET used_at = now() WHERE user_id = $1', [userId]);
}
