import type { FastifyReply, FastifyRequest } from 'fastify';
import { translateDatabaseError } from '../../db/database-errors.js';
import type { TenantContext } from '../../context.js';
import { PASSWORD_MAX_BYTES, verifyPassword } from '../password.js';
import { releaseSignInAttempt, reserveSignInAttempt } from '../limits/sign-in-failures.js';
import { recordRefusedAttempt, recordSignInFailure } from '../sign-in/failures.js';

/** The body of a route that asks for the current password: `POST /api/me/totp` and `POST /api/me/recovery-codes`. */
export const reauthenticationBodySchema = {
  type: 'object',
  required: ['password'],
  additionalProperties: false,
  // The same bound as the sign-in password step: it keeps hashing work bounded.
  properties: { password: { type: 'string', maxLength: 1024 } },
} as const;

/**
 * Checks the signed-in user's current password before a change to their own
 * second factors, so that a stolen access token alone cannot replace the
 * authenticator or take new recovery codes.
 *
 * A wrong password, one over PASSWORD_MAX_BYTES or one with NUL counts as a
 * failure towards the limits of the user's e-mail address, as at sign-in:
 * it is audited as `auth.reauthentication-failed`, may throttle or lock the
 * address, and throws REAUTHENTICATION_FAILED (401). While the address is
 * throttled or locked it throws SIGN_IN_THROTTLED or SIGN_IN_LOCKED (429).
 * The bcrypt comparison runs in every case, so the time taken does not tell
 * these outcomes apart.
 */
export async function checkCurrentPassword(
  context: TenantContext,
  request: FastifyRequest,
  reply: FastifyReply,
  password: string,
): Promise<void> {
  const user = request.user!;
  const attempt = await reserveSignInAttempt(context.database, user.email);
  const matches = await verifyPassword(password, await queryPasswordHash(context, user.id));
  const account = { userId: user.id, step: 'reauthentication' } as const;
  if ('reason' in attempt) throw await recordRefusedAttempt(context, request, reply, attempt, account);

  const tooLong = Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES;
  const hasNul = password.includes('\0');
  if (!matches || tooLong || hasNul) {
    throw await recordSignInFailure(context, request, attempt, { ...account, reason: 'password' });
  }
  // As at sign-in, a right password takes its count back but does not forget earlier failures.
  await releaseSignInAttempt(context.database, user.email);
}

async function queryPasswordHash(context: TenantContext, userId: string): Promise<string | null> {
  try {
    const result = await context.database.pool.query<{ password_hash: string | null }>('SELECT password_hash FROM users WHERE id = $1', [userId]);
    return result.rows[0]?.password_hash ?? null;
  } catch (error) {
    throw translateDatabaseError(error);
  }
}
