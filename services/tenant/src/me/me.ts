import { AppError, type Locale } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../audit/audit.js';
import { AUTH_ERRORS } from '../auth/errors.js';
import type { AccessLevel } from '../auth/access-level.js';
import { readUserFactors, setPreferredFactor, type PreferredFactor, type SecondFactor } from '../auth/factors/user-factors.js';
import { USER_ERRORS } from '../users/errors.js';
import { isMobileNumber } from '../users/mobile-number.js';

/** The signed-in user's own account, as `GET /api/me` returns it. */
export interface OwnAccount {
  id: string;
  email: string;
  mobile: string | null;
  accessLevel: AccessLevel;
  locale: Locale;
  /** The factors the user can sign in with now, the preferred one first. */
  factors: SecondFactor[];
  preferredFactor: PreferredFactor | null;
  recoveryCodesLeft: number;
}

/** The fields a user may change on their own account. null removes the mobile number or the preference. */
export interface OwnAccountChanges {
  mobile?: string | null;
  locale?: Locale;
  preferredFactor?: PreferredFactor | null;
}

/** Loads the user's own account. Throws AUTH_TOKEN_INVALID when the user is gone, which authentication checks first. */
export async function getOwnAccount(transaction: Transaction, userId: string): Promise<OwnAccount> {
  const result = await transaction.query<{ id: string; email: string; mobile: string | null; access_level: AccessLevel; locale: Locale }>(
    'SELECT id, email, mobile, access_level, locale FROM users WHERE id = $1',
    [userId],
  );
  const row = result.rows[0];
  const factors = row ? await readUserFactors(transaction, userId) : null;
  if (!row || !factors) throw new AppError(AUTH_ERRORS.tokenInvalid, { detail: 'user of the session not found' });
  return {
    id: row.id,
    email: row.email,
    mobile: row.mobile,
    accessLevel: row.access_level,
    locale: row.locale,
    factors: factors.factors,
    preferredFactor: factors.preferredFactor,
    recoveryCodesLeft: factors.recoveryCodesLeft,
  };
}

/**
 * Changes the user's mobile number, locale and preferred factor, and writes
 * a `user.changed` audit entry when anything changed. The preference is set
 * after the mobile number, so one request can add a number and prefer SMS.
 * Throws USER_MOBILE_INVALID for a malformed number and
 * SECOND_FACTOR_UNAVAILABLE for a factor the user cannot use.
 *
 * The entry records whether the mobile number changed but not the number,
 * because every read-level user can read the audit log.
 */
export async function changeOwnAccount(
  transaction: Transaction,
  source: AuditSource,
  userId: string,
  changes: OwnAccountChanges,
): Promise<OwnAccount> {
  const mobile = changes.mobile === undefined || changes.mobile === null ? changes.mobile : changes.mobile.trim();
  if (typeof mobile === 'string' && !isMobileNumber(mobile)) throw new AppError(USER_ERRORS.mobileInvalid);

  const before = await getOwnAccount(transaction, userId);
  await transaction.query('UPDATE users SET mobile = CASE WHEN $2 THEN $3 ELSE mobile END, locale = coalesce($4, locale) WHERE id = $1', [
    userId,
    mobile !== undefined,
    mobile ?? null,
    changes.locale ?? null,
  ]);
  if (changes.preferredFactor !== undefined) await setPreferredFactor(transaction, userId, changes.preferredFactor);
  const after = await getOwnAccount(transaction, userId);

  const mobileChanged = before.mobile !== after.mobile;
  if (mobileChanged || before.locale !== after.locale || before.preferredFactor !== after.preferredFactor) {
    await writeAuditEntry(transaction, source, {
      action: 'user.changed',
      entityType: 'user',
      entityId: userId,
      before: { locale: before.locale, preferredFactor: before.preferredFactor },
      after: { locale: after.locale, preferredFactor: after.preferredFactor, mobileChanged },
      summary: after.email,
    });
  }
  return after;
}
