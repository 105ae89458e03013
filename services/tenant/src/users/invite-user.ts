import { AppError, type Locale } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../audit/audit.js';
import type { AccessLevel } from '../auth/access-level.js';
import { createInvitation } from '../auth/invitations.js';
import { normaliseEmail } from '../auth/email-address.js';
import { USER_ERRORS } from './errors.js';
import { isMobileNumber } from './mobile-number.js';
import { getUser, lockUserAdministration, type UserView } from './users.js';

/** The body of `POST /api/users/invitations`. */
export interface NewInvitation {
  email: string;
  accessLevel: AccessLevel;
  mobile?: string;
  locale?: Locale;
}

// RFC 5321 limits a forward path to 256 octets including the angle brackets.
const EMAIL_MAX_LENGTH = 254;
// The registration form's syntax check: one @, no spaces, a dotted domain.
// Whether the address exists shows when the invitation arrives.
const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

/** The language of an invitation that names none. */
export const DEFAULT_INVITATION_LOCALE: Locale = 'en';

/**
 * Invites a user: creates them as pending (or updates the pending user of an
 * earlier invitation), ends that earlier invitation's link, stores a new
 * invitation and writes a `user.invited` audit entry. Returns the user and
 * the invitation token for the e-mail, which the caller sends after commit.
 *
 * Throws USER_EMAIL_INVALID or USER_MOBILE_INVALID for malformed input and
 * USER_ALREADY_EXISTS when the address belongs to a user who accepted an
 * invitation before, active or deactivated.
 */
export async function inviteUser(
  transaction: Transaction,
  source: AuditSource,
  invitee: NewInvitation,
): Promise<{ user: UserView; invitation: { id: string; token: string }; locale: Locale }> {
  const email = normaliseEmail(invitee.email);
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL_PATTERN.test(email)) throw new AppError(USER_ERRORS.emailInvalid);
  const mobile = invitee.mobile?.trim() || null;
  if (mobile !== null && !isMobileNumber(mobile)) throw new AppError(USER_ERRORS.mobileInvalid);
  const locale = invitee.locale ?? DEFAULT_INVITATION_LOCALE;

  await lockUserAdministration(transaction);
  const stored = await transaction.query<{ id: string }>(
    `INSERT INTO users (email, mobile, access_level, locale, status) VALUES ($1, $2, $3, $4, 'pending')
     ON CONFLICT (email) DO UPDATE
       SET mobile = EXCLUDED.mobile, access_level = EXCLUDED.access_level, locale = EXCLUDED.locale, status = 'pending'
       WHERE users.activated_at IS NULL
     RETURNING id`,
    [email, mobile, invitee.accessLevel, locale],
  );
  const userId = stored.rows[0]?.id;
  if (!userId) throw new AppError(USER_ERRORS.alreadyExists, { detail: 'invited address belongs to an activated user' });

  // Only the newest link works: inviting again usually means the earlier e-mail went astray, and its link should die with it.
  await transaction.query('UPDATE invitations SET expires_at = now() WHERE email = $1 AND used_at IS NULL AND expires_at > now()', [email]);
  const invitation = await createInvitation(transaction, { email, accessLevel: invitee.accessLevel, locale });

  const user = await getUser(transaction, userId);
  await writeAuditEntry(transaction, source, {
    action: 'user.invited',
    entityType: 'user',
    entityId: userId,
    before: null,
    after: { email, accessLevel: invitee.accessLevel, locale, mobileSet: mobile !== null },
    summary: email,
  });
  return { user, invitation, locale };
}

/** Records that the invitation e-mail was sent. */
export async function markInvitationSent(transaction: Transaction, invitationId: string): Promise<void> {
  await transaction.query('UPDATE invitations SET sent_at = now() WHERE id = $1', [invitationId]);
}
