import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@esm/common';
import { withTransaction } from '../../db/transaction.js';
import type { TenantContext } from '../../context.js';
import { AUTH_ERRORS } from '../errors.js';
import { acceptTotpCode, createTotpEnrolment, type TotpEnrolment } from '../factors/totp.js';
import { replaceRecoveryCodes } from '../factors/recovery-codes.js';
import { FACTOR_ERRORS } from '../factors/errors.js';
import { auditFactorChanged, auditRecoveryCodesGenerated } from '../factors/factor-audit.js';
import { findActiveLock, resetSignInFailures } from '../limits/sign-in-failures.js';
import { startSession, type SessionResponse } from '../sessions/start-session.js';
import { countChallengeAttempt, findOpenChallenge, useChallenge, type OpenChallenge } from './challenges.js';
import { recordRefusedAttempt } from './failures.js';
import { SIGN_IN_ERRORS } from './errors.js';
import { auditSignIn, signInAuditSource } from './sign-in-audit.js';

/**
 * Starts TOTP enrolment with the challenge of a user whose factor an
 * administrator reset: creates a secret, keeps it on the challenge and
 * returns it with its otpauth URL and QR code. Asking again replaces the
 * secret. Throws TOTP_ENROLMENT_NOT_REQUIRED when the user has TOTP.
 */
export async function startEnrolment(context: TenantContext, challengeToken: string): Promise<TotpEnrolment> {
  const challenge = await findEnrollingChallenge(context, challengeToken);
  const enrolment = await createTotpEnrolment(context.secret.tenant, challenge.user.email);
  const stored = await withTransaction(context.database, { readOnly: false }, (transaction) =>
    transaction.query('UPDATE sign_in_challenges SET enrolment_secret = $2 WHERE hash = $1 AND used_at IS NULL', [
      challenge.hash,
      enrolment.totpSecret,
    ]),
  );
  if (stored.rowCount !== 1) throw new AppError(AUTH_ERRORS.signInFailed, { detail: 'challenge used during enrolment' });
  return enrolment;
}

/**
 * Confirms the enrolment with a code from the new secret. Stores the secret
 * as the user's TOTP factor, creates recovery codes, resets the address's
 * failures and starts the session. Returns the session with the recovery
 * codes, which the user sees only here.
 *
 * A wrong code is TOTP_CODE_INVALID (422) and uses one of the challenge's
 * attempts, but it does not count towards the address's limits: the secret
 * was just given to the caller, so the code guards nothing an attacker could
 * guess. Sign-in is refused while the address is locked.
 */
export async function confirmEnrolment(
  context: TenantContext,
  request: FastifyRequest,
  reply: FastifyReply,
  body: { challenge: string; code: string },
): Promise<SessionResponse & { recoveryCodes: string[] }> {
  const challenge = await findEnrollingChallenge(context, body.challenge);
  const { user } = challenge;
  const lock = await findActiveLock(context.database, user.email);
  if (lock) throw await recordRefusedAttempt(context, request, reply, lock, { userId: user.id, factor: 'totp' });
  if (!(await countChallengeAttempt(context.database, challenge.hash))) {
    throw new AppError(AUTH_ERRORS.signInFailed, { detail: 'challenge has no attempts left' });
  }

  const source = signInAuditSource(context, request, { userId: user.id, email: user.email });
  const recoveryCodes = await withTransaction(context.database, { readOnly: false }, async (transaction) => {
    const secret = await transaction.query<{ enrolment_secret: string | null }>(
      'SELECT enrolment_secret FROM sign_in_challenges WHERE hash = $1 FOR UPDATE',
      [challenge.hash],
    );
    const totpSecret = secret.rows[0]?.enrolment_secret;
    if (!totpSecret) throw new AppError(FACTOR_ERRORS.totpEnrolmentNotStarted);
    const step = acceptTotpCode(totpSecret, body.code.trim(), null);
    if (step === null) return null;

    // The condition keeps a parallel confirmation, or a second reset, from being overwritten.
    const enrolled = await transaction.query(
      "UPDATE users SET totp_secret = $2, totp_enabled = true, totp_last_step = $3 WHERE id = $1 AND status = 'active' AND NOT totp_enabled",
      [user.id, totpSecret, step],
    );
    if (enrolled.rowCount !== 1 || !(await useChallenge(transaction, challenge.hash))) {
      throw new AppError(AUTH_ERRORS.signInFailed, { detail: 'enrolment finished by another request' });
    }
    const codes = await replaceRecoveryCodes(transaction, user.id);
    await resetSignInFailures(transaction, user.email);
    await auditFactorChanged(transaction, source, user, { factor: 'totp', reason: 'enrolment' });
    await auditRecoveryCodesGenerated(transaction, source, user, codes.length);
    await auditSignIn(transaction, source, user, 'totp');
    return codes;
  });
  if (!recoveryCodes) throw new AppError(AUTH_ERRORS.totpCodeInvalid, { detail: 'enrolment code did not match the new secret' });

  request.log.info({ userId: user.id }, 'user enrolled TOTP and signed in');
  const session = await startSession(context, request, reply, { id: user.id, email: user.email, accessLevel: user.accessLevel, locale: user.locale });
  return { ...session, recoveryCodes };
}

async function findEnrollingChallenge(context: TenantContext, token: string): Promise<OpenChallenge> {
  const challenge = await findOpenChallenge(context.database, token);
  if (challenge.user.totpEnabled) throw new AppError(SIGN_IN_ERRORS.enrolmentNotRequired);
  return challenge;
}
