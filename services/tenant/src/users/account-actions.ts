import type { Transaction } from '../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../audit/audit.js';
import { clearSecondFactors } from '../auth/factors/clear-second-factors.js';
import { resetSignInFailures } from '../auth/limits/sign-in-failures.js';
import { revokeUserSessions } from '../auth/sessions/sessions.js';
import { findUserRow } from './users.js';

/**
 * Removes a user's authenticator and recovery codes and revokes every
 * session, so the next sign-in enrols a new authenticator. Writes a
 * `user.factor-reset` audit entry and one `session.revoked` per session.
 * Throws USER_NOT_FOUND.
 */
export async function resetUserFactor(transaction: Transaction, source: AuditSource, userId: string): Promise<void> {
  const user = await findUserRow(transaction, userId, true);
  await clearSecondFactors(transaction, userId);
  await revokeUserSessions(transaction, source, userId, 'factor-reset');
  await writeAuditEntry(transaction, source, {
    action: 'user.factor-reset',
    entityType: 'user',
    entityId: userId,
    before: null,
    after: null,
    summary: user.email,
  });
}

/** Revokes every session of a user, each with a `session.revoked` audit entry. Throws USER_NOT_FOUND. */
export async function revokeSessionsOfUser(transaction: Transaction, source: AuditSource, userId: string): Promise<number> {
  await findUserRow(transaction, userId, true);
  return revokeUserSessions(transaction, source, userId, 'administrator');
}

/**
 * Ends a sign-in lock or throttle on the user's e-mail address and writes a
 * `user.unlocked` audit entry, also when the address was not locked, so the
 * log shows every administrator action. Throws USER_NOT_FOUND.
 */
export async function unlockUser(transaction: Transaction, source: AuditSource, userId: string): Promise<void> {
  const user = await findUserRow(transaction, userId, true);
  await resetSignInFailures(transaction, user.email);
  await writeAuditEntry(transaction, source, {
    action: 'user.unlocked',
    entityType: 'user',
    entityId: userId,
    before: null,
    after: null,
    summary: user.email,
  });
}
