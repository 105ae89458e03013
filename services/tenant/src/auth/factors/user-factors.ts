import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { FACTOR_ERRORS } from './errors.js';

/** The second factors of sign-in step 3. */
export const SECOND_FACTORS = ['totp', 'sms', 'email', 'recovery'] as const;
export type SecondFactor = (typeof SECOND_FACTORS)[number];

/** The factors a user may prefer; a recovery code is for emergencies, not a preference. */
export const PREFERRED_FACTORS = ['totp', 'sms', 'email'] as const;
export type PreferredFactor = (typeof PREFERRED_FACTORS)[number];

export function isPreferredFactor(value: unknown): value is PreferredFactor {
  return typeof value === 'string' && (PREFERRED_FACTORS as readonly string[]).includes(value);
}

/** A user's second factors as `GET /api/me` and sign-in step 1 show them. */
export interface UserFactors {
  /** The factors the user can use now, the preferred one first. Empty while enrolment is required. */
  factors: SecondFactor[];
  /** The stored preference while it is usable, else null. */
  preferredFactor: PreferredFactor | null;
  recoveryCodesLeft: number;
  /** True after an administrator reset the factor: the next sign-in enrols a new TOTP secret first. */
  enrolmentRequired: boolean;
}

/**
 * Reads a user's second factors. Runs under the read-only role as well, which
 * may read every column it uses. Returns null for an unknown user.
 *
 * Without TOTP (after a reset) no factor is offered, because the user must
 * enrol an authenticator before signing in. E-mail is always offered, SMS
 * when a mobile number is stored, recovery while an unused code is left.
 */
export async function readUserFactors(transaction: Transaction, userId: string): Promise<UserFactors | null> {
  const result = await transaction.query<{ totp_enabled: boolean; mobile: string | null; preferred_factor: PreferredFactor | null; codes_left: number }>(
    `SELECT totp_enabled, mobile, preferred_factor,
            (SELECT count(*)::int FROM recovery_codes WHERE user_id = users.id AND used_at IS NULL) AS codes_left
     FROM users WHERE id = $1`,
    [userId],
  );
  const row = result.rows[0];
  if (!row) return null;
  if (!row.totp_enabled) return { factors: [], preferredFactor: null, recoveryCodesLeft: row.codes_left, enrolmentRequired: true };

  const usable: SecondFactor[] = ['totp'];
  if (row.mobile) usable.push('sms');
  usable.push('email');
  if (row.codes_left > 0) usable.push('recovery');
  const preferredFactor = row.preferred_factor && usable.includes(row.preferred_factor) ? row.preferred_factor : null;
  const factors = preferredFactor ? [preferredFactor, ...usable.filter((factor) => factor !== preferredFactor)] : usable;
  return { factors, preferredFactor, recoveryCodesLeft: row.codes_left, enrolmentRequired: false };
}

/**
 * Stores the factor a user prefers for sign-in, or clears the preference
 * with null, in the caller's transaction (for `PATCH /api/me`). Throws
 * SECOND_FACTOR_UNAVAILABLE (422) for a factor the user cannot use now, such
 * as SMS without a mobile number.
 */
export async function setPreferredFactor(transaction: Transaction, userId: string, factor: PreferredFactor | null): Promise<void> {
  if (factor !== null) {
    const current = await readUserFactors(transaction, userId);
    if (!current?.factors.includes(factor)) {
      throw new AppError(FACTOR_ERRORS.factorUnavailable, { detail: `factor ${factor} is not usable for the user` });
    }
  }
  await transaction.query('UPDATE users SET preferred_factor = $2 WHERE id = $1', [userId, factor]);
}
