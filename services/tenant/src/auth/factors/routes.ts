import type { FastifyInstance } from 'fastify';
import { AppError } from '@esm/common';
import { withTransaction } from '../../db/transaction.js';
import { auditSourceOf } from '../../audit/audit.js';
import type { TenantContext } from '../../context.js';
import { requireAccess } from '../authenticate.js';
import { AUTH_ERRORS } from '../errors.js';
import { FACTOR_ERRORS } from './errors.js';
import { auditFactorChanged, auditRecoveryCodesGenerated } from './factor-audit.js';
import { checkCurrentPassword, reauthenticationBodySchema } from './reauthentication.js';
import { replaceRecoveryCodes } from './recovery-codes.js';
import { acceptTotpCode, createTotpEnrolment } from './totp.js';

const confirmBodySchema = {
  type: 'object',
  required: ['code'],
  additionalProperties: false,
  properties: { code: { type: 'string', maxLength: 16 } },
} as const;

/**
 * Registers the own-account factor routes: `POST /api/me/totp` and
 * `/api/me/totp/confirm` to replace the authenticator, and
 * `POST /api/me/recovery-codes` to replace the recovery codes. Every access
 * level may change its own factors, so these routes write with the app
 * role, not the read-only role of read-level users, and touch only the
 * signed-in user's row.
 *
 * Starting a TOTP change and replacing the recovery codes require the
 * current password (checkCurrentPassword). The confirmation needs none,
 * because it only completes a change whose start passed that check. Both
 * checked routes share the per-address sign-in rate limit, so
 * registerSignInRateLimit must run first.
 */
export async function registerFactorRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  const write = { readOnly: false };
  const signedIn = { preHandler: requireAccess(context, 'read') };
  // Access is checked before the body is validated, so a request without a token gets 401, not 400.
  const reauthenticated = {
    onRequest: app.signInRateLimit,
    preValidation: requireAccess(context, 'read'),
    schema: { body: reauthenticationBodySchema },
  };

  app.post<{ Body: { password: string } }>('/api/me/totp', reauthenticated, async (request, reply) => {
    const user = request.user!;
    await checkCurrentPassword(context, request, reply, request.body.password);
    const enrolment = await createTotpEnrolment(context.secret.tenant, user.email);
    await withTransaction(context.database, write, (transaction) =>
      transaction.query('UPDATE users SET totp_pending_secret = $2 WHERE id = $1', [user.id, enrolment.totpSecret]),
    );
    return enrolment;
  });

  app.post<{ Body: { code: string } }>('/api/me/totp/confirm', { ...signedIn, schema: { body: confirmBodySchema } }, async (request, reply) => {
    const user = request.user!;
    await withTransaction(context.database, write, async (transaction) => {
      const found = await transaction.query<{ totp_pending_secret: string | null }>(
        'SELECT totp_pending_secret FROM users WHERE id = $1 FOR UPDATE',
        [user.id],
      );
      const pendingSecret = found.rows[0]?.totp_pending_secret;
      if (!pendingSecret) throw new AppError(FACTOR_ERRORS.totpEnrolmentNotStarted);
      // The new secret has no used step yet; the confirming step becomes its first.
      const step = acceptTotpCode(pendingSecret, request.body.code.trim(), null);
      if (step === null) throw new AppError(AUTH_ERRORS.totpCodeInvalid);
      await transaction.query(
        'UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_enabled = true, totp_last_step = $2 WHERE id = $1',
        [user.id, step],
      );
      await auditFactorChanged(transaction, auditSourceOf(request), user, { factor: 'totp', reason: 'replaced' });
    });
    request.log.info('authenticator replaced');
    return reply.status(204).send();
  });

  app.post<{ Body: { password: string } }>('/api/me/recovery-codes', reauthenticated, async (request, reply) => {
    const user = request.user!;
    await checkCurrentPassword(context, request, reply, request.body.password);
    const recoveryCodes = await withTransaction(context.database, write, async (transaction) => {
      const codes = await replaceRecoveryCodes(transaction, user.id);
      await auditRecoveryCodesGenerated(transaction, auditSourceOf(request), user, codes.length);
      return codes;
    });
    request.log.info('recovery codes replaced');
    return { recoveryCodes };
  });
}
