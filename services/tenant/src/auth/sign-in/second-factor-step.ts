import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@esm/common';
import { withTransaction, type Transaction } from '../../db/transaction.js';
import type { TenantContext } from '../../context.js';
import { acceptTotpCode } from '../factors/totp.js';
import { useRecoveryCode } from '../factors/recovery-codes.js';
import { FACTOR_ERRORS } from '../factors/errors.js';
import { readUserFactors, type SecondFactor } from '../factors/user-factors.js';
import { reserveSignInAttempt, resetSignInFailures } from '../limits/sign-in-failures.js';
import { startSession, type SessionResponse } from '../sessions/start-session.js';
import { countChallengeAttempt, findOpenChallenge, useChallenge, type OpenChallenge } from './challenges.js';
import { recordRefusedAttempt, recordSignInFailure } from './failures.js';
import { useOneTimeCode } from './one-time-codes.js';
import { auditSignIn, signInAuditSource } from './sign-in-audit.js';

/** The body of sign-in step 3. */
export interface SecondFactorAttempt {
  challenge: string;
  factor: SecondFactor;
  code: string;
}

/**
 * Completes a sign-in with a second factor and starts the session. A wrong
 * code, and an unknown, used or expired challenge, is SIGN_IN_FAILED. The
 * attempt counts against the challenge (CHALLENGE_MAX_ATTEMPTS) and against
 * the e-mail address's limits before the code is checked. Parallel guesses
 * across many challenges are therefore throttled one by one, and while the
 * address is throttled or locked even the right code gets 429. A factor the
 * user cannot use now is SECOND_FACTOR_UNAVAILABLE and counts as nothing.
 */
export async function checkSecondFactorStep(
  context: TenantContext,
  request: FastifyRequest,
  reply: FastifyReply,
  attempt: SecondFactorAttempt,
): Promise<SessionResponse> {
  const challenge = await findOpenChallenge(context.database, attempt.challenge);
  const { user } = challenge;
  const factors = await withTransaction(context.database, { readOnly: false }, (transaction) => readUserFactors(transaction, user.id));
  if (!factors?.factors.includes(attempt.factor)) {
    throw new AppError(FACTOR_ERRORS.factorUnavailable, { detail: `factor ${attempt.factor} is not usable for the user` });
  }

  const reserved = await reserveSignInAttempt(context.database, user.email);
  if ('reason' in reserved) {
    throw await recordRefusedAttempt(context, request, reply, reserved, { userId: user.id, factor: attempt.factor });
  }
  const failure = { reason: 'code', userId: user.id, factor: attempt.factor, challengeHash: challenge.hash } as const;
  if (!(await countChallengeAttempt(context.database, challenge.hash))) {
    throw await recordSignInFailure(context, request, reserved, failure);
  }

  const code = attempt.code.trim();
  const signedIn = await withTransaction(context.database, { readOnly: false }, async (transaction) => {
    if (!(await verifySecondFactor(transaction, attempt.challenge, challenge, attempt.factor, code))) return false;
    if (!(await useChallenge(transaction, challenge.hash))) return false;
    await resetSignInFailures(transaction, user.email);
    await auditSignIn(transaction, signInAuditSource(context, request, { userId: user.id, email: user.email }), user, attempt.factor);
    return true;
  });
  if (!signedIn) throw await recordSignInFailure(context, request, reserved, failure);

  request.log.info({ userId: user.id, factor: attempt.factor }, 'user signed in');
  return startSession(context, request, reply, { id: user.id, email: user.email, accessLevel: user.accessLevel, locale: user.locale });
}

/**
 * Checks a code of the given factor for the challenge's user and uses it up
 * when it matches. The user's row stays locked until the transaction ends, so
 * parallel requests check TOTP steps and recovery codes one after another.
 */
async function verifySecondFactor(
  transaction: Transaction,
  challengeToken: string,
  challenge: OpenChallenge,
  factor: SecondFactor,
  code: string,
): Promise<boolean> {
  const found = await transaction.query<{ totp_secret: string | null; totp_last_step: string | null }>(
    "SELECT totp_secret, totp_last_step FROM users WHERE id = $1 AND status = 'active' AND totp_enabled FOR UPDATE",
    [challenge.user.id],
  );
  const row = found.rows[0];
  if (!row) return false;

  switch (factor) {
    case 'totp': {
      if (!row.totp_secret) return false;
      const step = acceptTotpCode(row.totp_secret, code, row.totp_last_step === null ? null : Number(row.totp_last_step));
      if (step === null) return false;
      await transaction.query('UPDATE users SET totp_last_step = $2 WHERE id = $1', [challenge.user.id, step]);
      return true;
    }
    case 'sms':
    case 'email':
      return useOneTimeCode(transaction, challengeToken, challenge.hash, factor, code);
    case 'recovery':
      return useRecoveryCode(transaction, challenge.user.id, code);
  }
}
