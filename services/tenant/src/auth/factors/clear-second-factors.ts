import type { Transaction } from '../../db/transaction.js';

/**
 * Removes a user's TOTP secret (also one waiting for confirmation), recovery
 * codes and a preference for TOTP, in the caller's transaction, for an
 * administrator's factor reset. The next sign-in then returns
 * `enrolmentRequired` and enrols a new authenticator. The user's open sign-in
 * challenges end too, so none that started before the reset goes on.
 * Writes no audit entry: the caller records `user.factor-reset`.
 */
export async function clearSecondFactors(transaction: Transaction, userId: string): Promise<void> {
  await transaction.query(
    `UPDATE users SET totp_secret = NULL, totp_enabled = false, totp_pending_secret = NULL, totp_last_step = NULL,
       recovery_code_salt = NULL,
       preferred_factor = CASE WHEN preferred_factor = 'totp' THEN NULL ELSE preferred_factor END
     WHERE id = $1`,
    [userId],
  );
  await transaction.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  await transaction.query('DELETE FROM sign_in_challenges WHERE user_id = $1 AND used_at IS NULL', [userId]);
}
