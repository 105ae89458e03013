import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type Locale } from '@esm/common';
import { withTransaction } from '../../db/transaction.js';
import type { TenantContext } from '../../context.js';
import { AUTH_ERRORS } from '../errors.js';
import { lockAfterFailure, LOCK_MINUTES, refusalError, type RefusedAttempt, type ReservedAttempt } from '../limits/sign-in-failures.js';
import { buildLockMail } from '../limits/lock-mail.js';
import type { SecondFactor } from '../factors/user-factors.js';
import { closeExhaustedChallenge } from './challenges.js';
import { auditLock, auditSignInFailure, signInAuditSource, type FailedStep } from './sign-in-audit.js';

/** A failed password or code attempt, for recordSignInFailure. */
export interface SignInFailure {
  reason: 'password' | 'code';
  /** The account of the e-mail address, or null for an address without one. */
  userId: string | null;
  factor?: SecondFactor;
  /** The challenge the code was tried with, which is closed once it has no attempts left. */
  challengeHash?: Buffer;
  /** 'reauthentication' audits `auth.reauthentication-failed` and returns REAUTHENTICATION_FAILED; the default is a sign-in step. */
  step?: FailedStep;
}

/**
 * Records a failed attempt whose count reserveSignInAttempt already took:
 * audits it, locks the address when this was the tenth failure or a later
 * one, and closes a challenge that has no attempts left, all in one
 * transaction. Returns SIGN_IN_FAILED, or REAUTHENTICATION_FAILED for a
 * re-authentication, for the caller to throw.
 *
 * The lock e-mail goes out after the commit without being awaited, so the
 * response takes as long whether or not the address has an account.
 */
export async function recordSignInFailure(
  context: TenantContext,
  request: FastifyRequest,
  attempt: ReservedAttempt,
  failure: SignInFailure,
): Promise<AppError> {
  const source = signInAuditSource(context, request, { userId: failure.userId, email: attempt.email });
  const lock = await withTransaction(context.database, { readOnly: false }, async (transaction) => {
    await auditSignInFailure(transaction, source, { reason: failure.reason, factor: failure.factor, step: failure.step });
    if (failure.challengeHash) await closeExhaustedChallenge(transaction, failure.challengeHash);
    const lockedUntil = await lockAfterFailure(transaction, attempt);
    if (!lockedUntil) return null;
    await auditLock(transaction, source, lockedUntil, attempt.failures);
    const owner = await transaction.query<{ email: string; locale: Locale }>(
      "SELECT email, locale FROM users WHERE email = $1 AND status = 'active'",
      [attempt.email],
    );
    return { lockedUntil, owner: owner.rows[0] ?? null };
  });

  if (lock) {
    request.log.warn({ userId: failure.userId, failures: attempt.failures }, 'sign-in locked');
    if (lock.owner) sendLockMail(context, request, { ...lock.owner, lockedUntil: lock.lockedUntil });
  }
  const error = failure.step === 'reauthentication' ? AUTH_ERRORS.reauthenticationFailed : AUTH_ERRORS.signInFailed;
  return new AppError(error, { detail: `${failure.reason} did not match (failure ${attempt.failures} in a row)` });
}

function sendLockMail(context: TenantContext, request: FastifyRequest, owner: { email: string; locale: Locale; lockedUntil: Date }): void {
  const message = buildLockMail({ to: owner.email, locale: owner.locale, tenant: context.secret.tenant, lockedUntil: owner.lockedUntil, minutes: LOCK_MINUTES });
  context.mailer.send(message).then(
    () => request.log.info('lock e-mail sent'),
    (error: unknown) => request.log.error({ err: error }, 'sending the lock e-mail failed'),
  );
}

/**
 * Audits an attempt that the limits refused before any check, and returns
 * the 429 error (with Retry-After set on `reply`) for the caller to throw.
 */
export async function recordRefusedAttempt(
  context: TenantContext,
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: RefusedAttempt,
  account: { userId: string | null; factor?: SecondFactor; step?: FailedStep },
): Promise<AppError> {
  const source = signInAuditSource(context, request, { userId: account.userId, email: refusal.email });
  await withTransaction(context.database, { readOnly: false }, (transaction) =>
    auditSignInFailure(transaction, source, { reason: refusal.reason, factor: account.factor, step: account.step }),
  );
  return refusalError(reply, refusal);
}
