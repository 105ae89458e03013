import { createHmac, randomInt } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@esm/common';
import { withTransaction, type Transaction } from '../../db/transaction.js';
import type { TenantContext } from '../../context.js';
import { AUTH_ERRORS } from '../errors.js';
import { FACTOR_ERRORS } from '../factors/errors.js';
import type { SmsSender } from '../factors/sms-sender.js';
import { readUserFactors } from '../factors/user-factors.js';
import { findActiveLock } from '../limits/sign-in-failures.js';
import { CHALLENGE_MAX_ATTEMPTS, findOpenChallenge, type OpenChallenge } from './challenges.js';
import { recordRefusedAttempt } from './failures.js';
import { buildCodeMail, buildCodeSms } from './code-messages.js';
import { SIGN_IN_ERRORS } from './errors.js';

/** How long a one-time code works after it is sent (the challenge may end sooner). */
export const ONE_TIME_CODE_LIFETIME_MINUTES = 5;
/** Codes one challenge may send, by SMS and e-mail together, so a stolen password cannot send messages without end. */
export const CHALLENGE_MAX_CODES_SENT = 5;

/** The factors that send a code. */
export type OneTimeCodeFactor = 'sms' | 'email';

/**
 * Hashes a code with HMAC-SHA-256 keyed by the challenge token. Six digits
 * are only 20 bits, which a plain hash would not hide, but the database holds
 * only the SHA-256 of the challenge token, so a stolen copy of it cannot
 * reveal a code. The factor is part of the input, so an SMS code does not
 * work as an e-mail code.
 */
function hashOneTimeCode(challengeToken: string, factor: OneTimeCodeFactor, code: string): Buffer {
  return createHmac('sha256', challengeToken).update(`${factor}:${code}`, 'utf8').digest();
}

/**
 * Sends a one-time code for sign-in step 2. The challenge must be open
 * (else SIGN_IN_FAILED), the user must be able to use the factor (else
 * SECOND_FACTOR_UNAVAILABLE) and the address must not be locked (else
 * SIGN_IN_LOCKED). Sending tries no credential, but a locked address gets
 * no messages either.
 */
export async function requestOneTimeCode(
  context: TenantContext,
  request: FastifyRequest,
  reply: FastifyReply,
  sms: SmsSender,
  body: { challenge: string; factor: OneTimeCodeFactor },
): Promise<void> {
  const challenge = await findOpenChallenge(context.database, body.challenge);
  const { user } = challenge;
  const factors = await withTransaction(context.database, { readOnly: false }, (transaction) => readUserFactors(transaction, user.id));
  if (!factors?.factors.includes(body.factor)) {
    throw new AppError(FACTOR_ERRORS.factorUnavailable, { detail: `factor ${body.factor} is not usable for the user` });
  }
  const lock = await findActiveLock(context.database, user.email);
  if (lock) throw await recordRefusedAttempt(context, request, reply, lock, { userId: user.id, factor: body.factor });

  await sendOneTimeCode(context, sms, body.challenge, challenge, body.factor);
  request.log.info({ userId: user.id, factor: body.factor }, 'one-time code sent');
}

/**
 * Creates a six-digit code for the challenge and factor, stores its hash in
 * place of the previous one, and sends it by SMS or e-mail in the user's
 * language. The code, the send count and the message commit together: when
 * sending fails (SMS_SEND_FAILED, EMAIL_SEND_FAILED) nothing changes and the
 * previous code still works. Throws ONE_TIME_CODE_LIMIT after
 * CHALLENGE_MAX_CODES_SENT codes and SIGN_IN_FAILED when the challenge ended meanwhile.
 */
async function sendOneTimeCode(
  context: TenantContext,
  sms: SmsSender,
  challengeToken: string,
  challenge: OpenChallenge,
  factor: OneTimeCodeFactor,
): Promise<void> {
  const { user } = challenge;
  const code = String(randomInt(1_000_000)).padStart(6, '0');
  await withTransaction(context.database, { readOnly: false }, async (transaction) => {
    await countCodeSent(transaction, challenge.hash);
    await transaction.query(
      `INSERT INTO sign_in_codes (challenge_hash, factor, code_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(mins => $4))
       ON CONFLICT (challenge_hash, factor) DO UPDATE
         SET code_hash = EXCLUDED.code_hash, expires_at = EXCLUDED.expires_at, used_at = NULL`,
      [challenge.hash, factor, hashOneTimeCode(challengeToken, factor, code), ONE_TIME_CODE_LIFETIME_MINUTES],
    );

    const message = { locale: user.locale, tenant: context.secret.tenant, code, validMinutes: ONE_TIME_CODE_LIFETIME_MINUTES };
    if (factor === 'sms') {
      await sms.send(user.mobile ?? '', buildCodeSms(message));
      return;
    }
    try {
      await context.mailer.send(buildCodeMail({ ...message, to: user.email }));
    } catch (error) {
      throw new AppError(FACTOR_ERRORS.emailSendFailed, { detail: 'sending the sign-in code e-mail failed', cause: error });
    }
  });
}

/** Counts a sent code on the challenge, locking its row until the transaction ends so parallel sends queue. */
async function countCodeSent(transaction: Transaction, hash: Buffer): Promise<void> {
  const result = await transaction.query<{ open: boolean; codes_sent: number }>(
    `SELECT (used_at IS NULL AND expires_at > now() AND attempts < $2) AS open, codes_sent
     FROM sign_in_challenges WHERE hash = $1 FOR UPDATE`,
    [hash, CHALLENGE_MAX_ATTEMPTS],
  );
  const row = result.rows[0];
  if (!row?.open) throw new AppError(AUTH_ERRORS.signInFailed, { detail: 'challenge ended before the code was sent' });
  if (row.codes_sent >= CHALLENGE_MAX_CODES_SENT) {
    throw new AppError(SIGN_IN_ERRORS.codeLimitReached, { detail: `${row.codes_sent} codes sent for the challenge` });
  }
  await transaction.query('UPDATE sign_in_challenges SET codes_sent = codes_sent + 1 WHERE hash = $1', [hash]);
}

/**
 * Uses up the live code of the challenge and factor when `code` matches it
 * and it has not expired, in the caller's transaction. Returns whether it did.
 */
export async function useOneTimeCode(
  transaction: Transaction,
  challengeToken: string,
  challengeHash: Buffer,
  factor: OneTimeCodeFactor,
  code: string,
): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const result = await transaction.query(
    `UPDATE sign_in_codes SET used_at = now()
     WHERE challenge_hash = $1 AND factor = $2 AND code_hash = $3 AND used_at IS NULL AND expires_at > now()`,
    [challengeHash, factor, hashOneTimeCode(challengeToken, factor, code)],
  );
  return result.rowCount === 1;
}
