import { AppError } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../audit/audit.js';
import type { AccessLevel } from '../auth/access-level.js';
import { revokeUserSessions } from '../auth/sessions/sessions.js';
import { USER_ERRORS } from './errors.js';
import { isMobileNumber } from './mobile-number.js';
import { findUserRow, getUser, lockUserAdministration, type UserStatus, type UserView } from './users.js';

/** The changes an administrator may make to a user. `mobile: null` removes the number. */
export interface UserChanges {
  accessLevel?: AccessLevel;
  status?: 'active' | 'deactivated';
  mobile?: string | null;
}

/**
 * Changes a user's access level, status or mobile number and writes a
 * `user.changed` audit entry with the level and status before and after.
 * Deactivating revokes every session of the user. Reactivating a user who
 * never accepted the invitation makes them pending again, not active.
 *
 * Throws USER_SELF_CHANGE when `actorId` would deactivate or demote
 * themselves and USER_LAST_ADMINISTRATOR when no other active administrator
 * would be left. The mobile number is not in the audit entry, only whether it
 * changed, because every read-level user can read the audit log.
 */
export async function changeUser(
  transaction: Transaction,
  source: AuditSource,
  actorId: string,
  userId: string,
  changes: UserChanges,
): Promise<UserView> {
  const mobile = changes.mobile === undefined || changes.mobile === null ? changes.mobile : changes.mobile.trim();
  if (typeof mobile === 'string' && !isMobileNumber(mobile)) throw new AppError(USER_ERRORS.mobileInvalid);

  await lockUserAdministration(transaction);
  const before = await findUserRow(transaction, userId, true);
  const accessLevel = changes.accessLevel ?? before.access_level;
  const status = nextStatus(before.status, before.activated_at !== null, changes.status);

  const demoted = before.access_level === 'admin' && accessLevel !== 'admin';
  const deactivated = before.status !== 'deactivated' && status === 'deactivated';
  if (userId === actorId && (demoted || deactivated)) {
    throw new AppError(USER_ERRORS.selfChange, { detail: 'administrator tried to demote or deactivate themselves' });
  }
  const removesActiveAdministrator = before.status === 'active' && before.access_level === 'admin' && (demoted || deactivated);
  if (removesActiveAdministrator && !(await hasOtherActiveAdministrator(transaction, userId))) {
    throw new AppError(USER_ERRORS.lastAdministrator, { detail: `user ${userId} is the last active administrator` });
  }

  await transaction.query(
    'UPDATE users SET access_level = $2, status = $3, mobile = CASE WHEN $4 THEN $5 ELSE mobile END WHERE id = $1',
    [userId, accessLevel, status, mobile !== undefined, mobile ?? null],
  );
  if (deactivated) await revokeUserSessions(transaction, source, userId, 'deactivated');

  const after = await getUser(transaction, userId);
  const mobileChanged = before.mobile !== after.mobile;
  if (before.access_level !== after.accessLevel || before.status !== after.status || mobileChanged) {
    await writeAuditEntry(transaction, source, {
      action: 'user.changed',
      entityType: 'user',
      entityId: userId,
      before: { accessLevel: before.access_level, status: before.status },
      after: { accessLevel: after.accessLevel, status: after.status, mobileChanged },
      summary: after.email,
    });
  }
  return after;
}

/** The status after a requested change: reactivation returns a user who never finished enrolling to pending. */
function nextStatus(current: UserStatus, wasActivated: boolean, requested: UserChanges['status']): UserStatus {
  if (requested === 'deactivated') return 'deactivated';
  if (requested === 'active' && current === 'deactivated') return wasActivated ? 'active' : 'pending';
  return current;
}

async function hasOtherActiveAdministrator(transaction: Transaction, userId: string): Promise<boolean> {
  const result = await transaction.query(
    "SELECT 1 FROM users WHERE access_level = 'admin' AND status = 'active' AND id <> $1 LIMIT 1",
    [userId],
  );
  return result.rows.length > 0;
}
