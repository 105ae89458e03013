import type { Logger, Mailer, TenantSecret } from '@esm/common';
import { withTransaction, type DatabaseAccess } from '../db/transaction.js';
import { isMobileNumber } from '../users/mobile-number.js';
import { normaliseEmail } from './email-address.js';
import { createInvitation, INVITATION_LIFETIME_DAYS } from './invitations.js';
import { buildInvitationMail } from './invitation-mail.js';

/**
 * Invites `secret.firstAdministrator` with admin access when the tenant has
 * no users and no invitation was ever sent, and e-mails the link. Once the
 * e-mail is sent (`sent_at` is set) this never happens again. When sending
 * fails, the unsent invitation is replaced on the next start, because its
 * token was never delivered and only its hash is stored.
 *
 * The mobile number given at registration is stored on the pending user, as
 * an administrator's invitation does, so the first administrator can sign in
 * with an SMS code. A number the tenant cannot store is left out, since the
 * administrator can add one on the account page later.
 *
 * NOTE: an invitation that expires unused leaves the tenant without
 * administrator; inviting again needs an operator command that does not exist yet.
 */
export async function inviteFirstAdministrator(
  database: DatabaseAccess,
  secret: TenantSecret,
  mailer: Mailer,
  logger: Logger,
): Promise<void> {
  const invitation = await withTransaction(database, { readOnly: false }, async (transaction) => {
    // Two processes of one tenant starting together must not both invite.
    await transaction.query("SELECT pg_advisory_xact_lock(hashtext('esm.first-administrator'))");
    const state = await transaction.query<{ has_users: boolean; was_sent: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM users WHERE status <> 'pending') AS has_users,
              EXISTS (SELECT 1 FROM invitations WHERE sent_at IS NOT NULL) AS was_sent`,
    );
    if (state.rows[0]?.has_users || state.rows[0]?.was_sent) return null;
    await transaction.query('DELETE FROM invitations WHERE sent_at IS NULL');
    const { email, locale, mobile } = secret.firstAdministrator;
    const storedMobile = mobile?.trim();
    if (storedMobile !== undefined && storedMobile !== '' && isMobileNumber(storedMobile)) {
      await transaction.query(
        `INSERT INTO users (email, mobile, access_level, locale, status) VALUES ($1, $2, 'admin', $3, 'pending')
         ON CONFLICT (email) DO UPDATE SET mobile = EXCLUDED.mobile WHERE users.status = 'pending'`,
        [normaliseEmail(email), storedMobile, locale],
      );
    }
    return createInvitation(transaction, { email, accessLevel: 'admin', locale });
  });
  if (!invitation) {
    logger.debug('first administrator already invited');
    return;
  }

  const message = buildInvitationMail({
    to: secret.firstAdministrator.email,
    locale: secret.firstAdministrator.locale,
    accessLevel: 'admin',
    tenant: secret.tenant,
    link: `${secret.origin}/invite/${invitation.token}`,
    validDays: INVITATION_LIFETIME_DAYS,
  });
  await mailer.send(message);
  await database.pool.query('UPDATE invitations SET sent_at = now() WHERE id = $1', [invitation.id]);
  logger.info({ invitationId: invitation.id }, 'first administrator invited');
}
