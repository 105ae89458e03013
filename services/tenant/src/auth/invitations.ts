import { AppError, type Locale } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { normaliseEmail } from './email-address.js';
import { AUTH_ERRORS } from './errors.js';
import { createOneTimeToken, hashOneTimeToken } from './one-time-token.js';
import type { AccessLevel } from './access-level.js';

/** How long an invitation link works. */
export const INVITATION_LIFETIME_DAYS = 7;

/** An invitation that is neither used nor expired. */
export interface UsableInvitation {
  id: string;
  email: string;
  accessLevel: AccessLevel;
  /** The language of the invitee's e-mails, kept on the user when the invitation is accepted. */
  locale: Locale;
}

/** Stores a new invitation and returns its token, which exists only in the returned value and the e-mail. */
export async function createInvitation(
  transaction: Transaction,
  invitee: { email: string; accessLevel: AccessLevel; locale: Locale },
): Promise<{ id: string; token: string }> {
  const { token, hash } = createOneTimeToken();
  const result = await transaction.query<{ id: string }>(
    `INSERT INTO invitations (token_hash, email, access_level, locale, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(days => $5)) RETURNING id`,
    [hash, normaliseEmail(invitee.email), invitee.accessLevel, invitee.locale, INVITATION_LIFETIME_DAYS],
  );
  return { id: result.rows[0]!.id, token };
}

/**
 * Finds the usable invitation for a token or throws INVITATION_INVALID. With
 * `lock`, the row stays locked until the transaction ends, so two requests
 * cannot both use it.
 */
export async function findUsableInvitation(transaction: Transaction, token: string, lock = false): Promise<UsableInvitation> {
  const result = await transaction.query<{ id: string; email: string; access_level: AccessLevel; locale: Locale }>(
    `SELECT id, email, access_level, locale FROM invitations
     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() ${lock ? 'FOR UPDATE' : ''}`,
    [hashOneTimeToken(token)],
  );
  const row = result.rows[0];
  if (!row) throw new AppError(AUTH_ERRORS.invitationInvalid);
  return { id: row.id, email: row.email, accessLevel: row.access_level, locale: row.locale };
}

/**
 * Stores the invitee's password hash and new TOTP secret on a pending user,
 * creating the user on the first call. Repeating the step replaces both,
 * which lets a person who lost the QR code start over. Throws
 * INVITATION_INVALID when the e-mail address has an account that is not
 * pending, such as a deactivated one. An administrator's invitation creates
 * the pending user beforehand; its access level, mobile number and locale,
 * which the administrator may have changed since, are kept.
 */
export async function storePendingCredentials(
  transaction: Transaction,
  invitation: UsableInvitation,
  credentials: { passwordHash: string; totpSecret: string },
): Promise<void> {
  const result = await transaction.query(
    `INSERT INTO users (email, password_hash, totp_secret, access_level, locale, status)
     VALUES ($1, $2, $3, $4, $5, 'pending')
     ON CONFLICT (email) DO UPDATE
       SET password_hash = EXCLUDED.password_hash, totp_secret = EXCLUDED.totp_secret
       WHERE users.status = 'pending'`,
    [invitation.email, credentials.passwordHash, credentials.totpSecret, invitation.accessLevel, invitation.locale],
  );
  if (result.rowCount !== 1) {
    throw new AppError(AUTH_ERRORS.invitationInvalid, { detail: 'the invited e-mail address already has an account' });
  }
}

/** Finds and locks the pending user of an invitation; returns null before the password step. */
export async function findPendingUser(
  transaction: Transaction,
  email: string,
): Promise<{ id: string; totpSecret: string; totpLastStep: number | null } | null> {
  const result = await transaction.query<{ id: string; totp_secret: string | null; totp_last_step: string | null }>(
    "SELECT id, totp_secret, totp_last_step FROM users WHERE email = $1 AND status = 'pending' FOR UPDATE",
    [email],
  );
  const row = result.rows[0];
  if (!row?.totp_secret) return null;
  return { id: row.id, totpSecret: row.totp_secret, totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step) };
}

/** Activates the pending user and marks the invitation used, in the caller's transaction. */
export async function activateInvitedUser(
  transaction: Transaction,
  invitation: UsableInvitation,
  userId: string,
  totpStep: number,
): Promise<void> {
  await transaction.query(
    "UPDATE users SET status = 'active', activated_at = now(), totp_enabled = true, totp_last_step = $2 WHERE id = $1",
    [userId, totpStep],
  );
  await transaction.query('UPDATE invitations SET used_at = now() WHERE id = $1', [invitation.id]);
}
