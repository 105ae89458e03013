import { AppError, type Locale } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import type { AccessLevel } from '../auth/access-level.js';
import { findSignInLocks } from '../auth/limits/sign-in-failures.js';
import { readUserFactors, type SecondFactor } from '../auth/factors/user-factors.js';
import { USER_ERRORS } from './errors.js';

/** The status of a user: invited and not yet enrolled, able to sign in, or switched off by an administrator. */
export type UserStatus = 'pending' | 'active' | 'deactivated';

/** A user as the administration routes return it. */
export interface UserView {
  id: string;
  email: string;
  mobile: string | null;
  accessLevel: AccessLevel;
  status: UserStatus;
  locale: Locale;
  factors: SecondFactor[];
  /** The end of a sign-in lock after too many failures, or null when the address is not locked. */
  lockedUntil: string | null;
  createdAt: string;
}

/** The columns of a user row that views are built from. */
export interface UserRow {
  id: string;
  email: string;
  mobile: string | null;
  access_level: AccessLevel;
  status: UserStatus;
  locale: Locale;
  activated_at: Date | null;
  created_at: Date;
}

const USER_COLUMNS = 'id, email, mobile, access_level, status, locale, activated_at, created_at';

async function toUserView(transaction: Transaction, row: UserRow, lockedUntil: Date | undefined): Promise<UserView> {
  const factors = await readUserFactors(transaction, row.id);
  return {
    id: row.id,
    email: row.email,
    mobile: row.mobile,
    accessLevel: row.access_level,
    status: row.status,
    locale: row.locale,
    // A pending user has no usable factor until the invitation is accepted.
    factors: row.status === 'pending' ? [] : (factors?.factors ?? []),
    lockedUntil: lockedUntil?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** Lists every user, pending and deactivated ones included, ordered by e-mail address. */
export async function listUsers(transaction: Transaction): Promise<UserView[]> {
  const result = await transaction.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY email`);
  const locks = await findSignInLocks(transaction, result.rows.map((row) => row.email));
  // One factor query per user keeps a single definition of the factors. NOTE: fine for hundreds of users, slow for many thousands.
  const users: UserView[] = [];
  for (const row of result.rows) users.push(await toUserView(transaction, row, locks.get(row.email)));
  return users;
}

/** Loads one user's view. Throws USER_NOT_FOUND. */
export async function getUser(transaction: Transaction, id: string): Promise<UserView> {
  const row = await findUserRow(transaction, id);
  const locks = await findSignInLocks(transaction, [row.email]);
  return toUserView(transaction, row, locks.get(row.email));
}

/** Loads a user row, locked for update when `lock` is set. Throws USER_NOT_FOUND. */
export async function findUserRow(transaction: Transaction, id: string, lock = false): Promise<UserRow> {
  const result = await transaction.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [id],
  );
  const row = result.rows[0];
  if (!row) throw new AppError(USER_ERRORS.notFound, { detail: `user ${id} not found` });
  return row;
}

/**
 * Serialises changes to users for the rest of the transaction, so that two
 * administrators who demote or deactivate each other at the same time cannot
 * both pass the last-administrator check.
 */
export async function lockUserAdministration(transaction: Transaction): Promise<void> {
  await transaction.query("SELECT pg_advisory_xact_lock(hashtext('esm.user-administration'))");
}
