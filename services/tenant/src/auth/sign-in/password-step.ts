import type { FastifyReply, FastifyRequest } from 'fastify';
import { translateDatabaseError } from '../../db/database-errors.js';
import { withTransaction, type DatabaseAccess } from '../../db/transaction.js';
import type { TenantContext } from '../../context.js';
import { PASSWORD_MAX_BYTES, verifyPassword } from '../password.js';
import { normaliseEmail } from '../email-address.js';
import { releaseSignInAttempt, reserveSignInAttempt } from '../limits/sign-in-failures.js';
import { readUserFactors, type SecondFactor } from '../factors/user-factors.js';
import { createChallenge } from './challenges.js';
import { recordRefusedAttempt, recordSignInFailure } from './failures.js';

/** The result of sign-in step 1. */
export interface PasswordStepResult {
  challenge: string;
  factors: SecondFactor[];
  enrolmentRequired: boolean;
}

/**
 * Checks e-mail and password and returns a challenge for the next step with
 * the user's second factors. Every failure is SIGN_IN_FAILED: an unknown
 * e-mail address, a wrong password, a password over PASSWORD_MAX_BYTES
 * (bcrypt compares only the first 72 bytes, so any tail after a correct
 * prefix would pass) and one with NUL (bcrypt stops reading there). Each of
 * these runs the same queries and one bcrypt comparison, so neither the
 * response nor its timing reveals which addresses have accounts.
 *
 * The attempt counts towards the address's limits before the check and is
 * taken back when the password is right; a refused attempt gets 429.
 */
export async function checkPasswordStep(
  context: TenantContext,
  request: FastifyRequest,
  reply: FastifyReply,
  credentials: { email: string; password: string },
): Promise<PasswordStepResult> {
  const { database } = context;
  const email = normaliseEmail(credentials.email);
  const attempt = await reserveSignInAttempt(database, email);
  // The account is looked up before a refusal is audited, so that its entry names a known account and
  // describes an address without one only by fingerprint (signInAuditSource).
  const user = await queryActiveUserByEmail(database, email);
  if ('reason' in attempt) throw await recordRefusedAttempt(context, request, reply, attempt, { userId: user?.id ?? null });

  const matches = await verifyPassword(credentials.password, user?.password_hash ?? null);
  const tooLong = Buffer.byteLength(credentials.password, 'utf8') > PASSWORD_MAX_BYTES;
  const hasNul = credentials.password.includes('\0');
  if (!user || !matches || tooLong || hasNul) {
    throw await recordSignInFailure(context, request, attempt, { reason: 'password', userId: user?.id ?? null });
  }

  await releaseSignInAttempt(database, email);
  return withTransaction(database, { readOnly: false }, async (transaction) => {
    const challenge = await createChallenge(transaction, user.id);
    const factors = await readUserFactors(transaction, user.id);
    return { challenge, factors: factors?.factors ?? [], enrolmentRequired: factors?.enrolmentRequired ?? true };
  });
}

async function queryActiveUserByEmail(database: DatabaseAccess, email: string) {
  try {
    const result = await database.pool.query<{ id: string; password_hash: string | null }>(
      "SELECT id, password_hash FROM users WHERE email = $1 AND status = 'active'",
      [email],
    );
    return result.rows[0];
  } catch (error) {
    throw translateDatabaseError(error);
  }
}
