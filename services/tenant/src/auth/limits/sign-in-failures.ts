import { AppError } from '@esm/common';
import type { FastifyReply } from 'fastify';
import { translateDatabaseError } from '../../db/database-errors.js';
import type { DatabaseAccess, Transaction } from '../../db/transaction.js';
import { normaliseEmail } from '../email-address.js';
import { LIMIT_ERRORS } from './errors.js';

// NOTE: a row stays until a successful sign-in or an unlock removes it. Failed
// attempts for many made-up addresses therefore add rows that nothing deletes,
// and the per-address rate limit only slows that growth.

/** From this many failures in a row, each further attempt waits 2^(failures - 5) seconds after the previous one. */
export const THROTTLE_FROM_FAILURES = 5;
/** The failure that locks the address. */
export const LOCK_AT_FAILURES = 10;
export const LOCK_MINUTES = 30;

/** An attempt that may go ahead; `failures` includes this attempt. */
export interface ReservedAttempt {
  email: string;
  failures: number;
}

/** An attempt that the limits reject, with the reason and the seconds to wait. */
export interface RefusedAttempt {
  email: string;
  reason: 'throttled' | 'locked';
  retryAfterSeconds: number;
}

/**
 * Counts a sign-in attempt (password or second factor) for a normalised
 * e-mail address before its credential is checked, or refuses it while the
 * address is locked or its wait has not passed. Counting first, in one
 * atomic statement, means that attempts sent in parallel are counted and
 * throttled one by one: none of them can slip past the check while the
 * others are still being verified. The caller takes the count back with
 * releaseSignInAttempt when the password was right, and resets it with
 * resetSignInFailures when the whole sign-in succeeded.
 *
 * The statement commits on its own, so the count survives a crash during the check.
 */
export async function reserveSignInAttempt(database: DatabaseAccess, emailText: string): Promise<ReservedAttempt | RefusedAttempt> {
  const email = normaliseEmail(emailText);
  try {
    const reserved = await database.pool.query<{ failures: number }>(
      `INSERT INTO sign_in_failures AS f (email, failures, last_attempt_at) VALUES ($1, 1, now())
       ON CONFLICT (email) DO UPDATE SET failures = f.failures + 1, last_attempt_at = now()
       WHERE (f.locked_until IS NULL OR f.locked_until <= now())
         AND (f.failures < $2 OR f.last_attempt_at + make_interval(secs => power(2, least(f.failures, $3) - $2)) <= now())
       RETURNING failures`,
      [email, THROTTLE_FROM_FAILURES, LOCK_AT_FAILURES],
    );
    const row = reserved.rows[0];
    if (row) return { email, failures: row.failures };
    return await describeRefusal(database, email);
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

async function describeRefusal(database: DatabaseAccess, email: string): Promise<RefusedAttempt> {
  const result = await database.pool.query<{ locked: boolean; lock_seconds: number | null; wait_seconds: number }>(
    `SELECT coalesce(locked_until > now(), false) AS locked,
            ceil(extract(epoch FROM locked_until - now()))::int AS lock_seconds,
            ceil(extract(epoch FROM last_attempt_at + make_interval(secs => power(2, least(failures, $3) - $2)) - now()))::int AS wait_seconds
     FROM sign_in_failures WHERE email = $1`,
    [email, THROTTLE_FROM_FAILURES, LOCK_AT_FAILURES],
  );
  const row = result.rows[0];
  if (row?.locked) return { email, reason: 'locked', retryAfterSeconds: Math.max(1, row.lock_seconds ?? 1) };
  // Without a row or with the wait just over, a retry at once would be counted normally.
  return { email, reason: 'throttled', retryAfterSeconds: Math.max(1, row?.wait_seconds ?? 1) };
}

/**
 * Returns the refusal when the address is locked now, else null. For steps
 * that check no credential but must not go on during a lock, such as
 * sending a one-time code or confirming an enrolment.
 */
export async function findActiveLock(database: DatabaseAccess, email: string): Promise<RefusedAttempt | null> {
  try {
    const refusal = await describeRefusal(database, normaliseEmail(email));
    return refusal.reason === 'locked' ? refusal : null;
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

/** Builds the 429 error of a refused attempt and sets its Retry-After header. */
export function refusalError(reply: FastifyReply, refusal: RefusedAttempt): AppError {
  void reply.header('retry-after', String(refusal.retryAfterSeconds));
  if (refusal.reason === 'locked') {
    return new AppError(LIMIT_ERRORS.signInLocked, {
      values: { minutes: Math.ceil(refusal.retryAfterSeconds / 60) },
      detail: `sign-in locked for ${refusal.retryAfterSeconds} s`,
    });
  }
  return new AppError(LIMIT_ERRORS.signInThrottled, {
    values: { seconds: refusal.retryAfterSeconds },
    detail: `sign-in throttled for ${refusal.retryAfterSeconds} s`,
  });
}

/**
 * Takes back the count of an attempt whose credential was right, which was
 * a password: a correct password alone is no successful sign-in, so it
 * does not reset earlier failures. The wait that the attempt started stays.
 */
export async function releaseSignInAttempt(database: DatabaseAccess, email: string): Promise<void> {
  try {
    await database.pool.query('UPDATE sign_in_failures SET failures = greatest(failures - 1, 0) WHERE email = $1', [normaliseEmail(email)]);
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

/**
 * Locks the address for LOCK_MINUTES when a failed attempt was the
 * LOCK_AT_FAILURES-th or a later one, in the caller's transaction. Returns
 * the end of the lock when this failure set it, or null. An attempt that
 * finds the lock already set (a parallel one set it) returns null, so one
 * lock leads to one audit entry and one e-mail.
 */
export async function lockAfterFailure(transaction: Transaction, attempt: ReservedAttempt): Promise<Date | null> {
  if (attempt.failures < LOCK_AT_FAILURES) return null;
  const result = await transaction.query<{ locked_until: Date }>(
    `UPDATE sign_in_failures SET locked_until = now() + make_interval(mins => $2)
     WHERE email = $1 AND (locked_until IS NULL OR locked_until <= now())
     RETURNING locked_until`,
    [attempt.email, LOCK_MINUTES],
  );
  return result.rows[0]?.locked_until ?? null;
}

/**
 * Forgets the failures and any lock of an e-mail address: after a
 * successful sign-in, and when an administrator unlocks a user.
 */
export async function resetSignInFailures(transaction: Transaction, email: string): Promise<void> {
  await transaction.query('DELETE FROM sign_in_failures WHERE email = $1', [normaliseEmail(email)]);
}

/** Returns when the lock of each given address ends, for the addresses that are locked now. */
export async function findSignInLocks(transaction: Transaction, emails: string[]): Promise<Map<string, Date>> {
  const result = await transaction.query<{ email: string; locked_until: Date }>(
    'SELECT email, locked_until FROM sign_in_failures WHERE email = ANY($1::text[]) AND locked_until > now()',
    [emails.map(normaliseEmail)],
  );
  return new Map(result.rows.map((row) => [row.email, row.locked_until]));
}
