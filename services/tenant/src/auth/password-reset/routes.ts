import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MailMessage } from '@esm/common';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { withTransaction } from '../../db/transaction.js';
import type { TenantContext } from '../../context.js';
import { normaliseEmail } from '../email-address.js';
import { resetSignInFailures } from '../limits/sign-in-failures.js';
import { checkPasswordRules, hashPassword } from '../password.js';
import { invitationParamsSchema, passwordBodySchema } from '../schemas.js';
import { revokeUserSessions } from '../sessions/sessions.js';
import { buildPasswordChangedMail, buildPasswordResetMail } from './reset-mail.js';
import {
  findActiveAccount,
  findResetAccount,
  PASSWORD_RESET_LIFETIME_MINUTES,
  replaceResetToken,
  storeResetPassword,
  type ResetAccount,
} from './reset-tokens.js';

const requestBodySchema = {
  type: 'object',
  required: ['email'],
  additionalProperties: false,
  properties: { email: { type: 'string', maxLength: 254 } },
} as const;

type TokenRequest<Body = unknown> = { Params: { token: string }; Body: Body };

/**
 * Registers password reset by e-mail. The routes share the sign-in rate
 * limit per client address, so registerSignInRateLimit must run first.
 */
export async function registerPasswordResetRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  const { database } = context;
  const write = { readOnly: false };
  const limited = { onRequest: app.signInRateLimit };

  // Returns 202 with no body whether or not the address has an active account, so the response reveals no account.
  // The e-mail is sent after the response, because waiting for the mail server would make a known address slower.
  // NOTE: a known address still costs one insert and one audit entry more than an unknown one, a few milliseconds at most.
  app.post<{ Body: { email: string } }>('/api/auth/password-reset', { ...limited, schema: { body: requestBodySchema } }, async (request, reply) => {
    const email = normaliseEmail(request.body.email);
    // PostgreSQL text cannot contain NUL, and no account can have such an address.
    const requested = email.includes('\0')
      ? null
      : await withTransaction(database, write, async (transaction) => {
          const account = await findActiveAccount(transaction, email);
          if (!account) return null;
          const token = await replaceResetToken(transaction, account.userId);
          await auditAccountAction(transaction, accountSource(request, account), account, 'auth.password-reset-requested');
          return { account, token };
        });

    if (requested) {
      const { account, token } = requested;
      const message = buildPasswordResetMail({
        to: account.email,
        locale: account.locale,
        tenant: context.secret.tenant,
        link: `${context.secret.origin}/reset-password/${token}`,
        validMinutes: PASSWORD_RESET_LIFETIME_MINUTES,
      });
      sendInBackground(context, request, message, 'password reset e-mail');
    }
    return reply.status(202).send();
  });

  app.get<TokenRequest>('/api/auth/password-reset/:token', { ...limited, schema: { params: invitationParamsSchema } }, async (request) => {
    const account = await withTransaction(database, write, (transaction) => findResetAccount(transaction, request.params.token));
    return { email: account.email };
  });

  app.post<TokenRequest<{ password: string }>>(
    '/api/auth/password-reset/:token',
    { ...limited, schema: { params: invitationParamsSchema, body: passwordBodySchema } },
    async (request, reply) => {
      checkPasswordRules(request.body.password);
      // Checked before hashing, so an invalid link cannot make the server spend a bcrypt hash.
      await withTransaction(database, write, (transaction) => findResetAccount(transaction, request.params.token));
      const passwordHash = await hashPassword(request.body.password);

      // The second factors stay, so the new password alone does not sign anybody in.
      const account = await withTransaction(database, write, async (transaction) => {
        const locked = await findResetAccount(transaction, request.params.token, true);
        await storeResetPassword(transaction, locked.userId, passwordHash);
        await resetSignInFailures(transaction, locked.email);
        const source = accountSource(request, locked);
        await revokeUserSessions(transaction, source, locked.userId, 'password-reset');
        await auditAccountAction(transaction, source, locked, 'auth.password-changed');
        return locked;
      });

      request.log.info({ userId: account.userId }, 'password reset');
      const notice = buildPasswordChangedMail({ to: account.email, locale: account.locale, tenant: context.secret.tenant });
      sendInBackground(context, request, notice, 'password changed e-mail');
      return reply.status(204).send();
    },
  );
}

function accountSource(request: FastifyRequest, account: ResetAccount): AuditSource {
  return { actorId: account.userId, actorEmail: account.email, requestId: request.id, clientAddress: request.ip };
}

/** Writes an audit entry about the account, with no token or password in it. */
async function auditAccountAction(
  transaction: Parameters<typeof writeAuditEntry>[0],
  source: AuditSource,
  account: ResetAccount,
  action: 'auth.password-reset-requested' | 'auth.password-changed',
): Promise<void> {
  await writeAuditEntry(transaction, source, {
    action,
    entityType: 'user',
    entityId: account.userId,
    before: null,
    after: action === 'auth.password-changed' ? { reason: 'password-reset' } : null,
    summary: account.email,
  });
}

function sendInBackground(context: TenantContext, request: FastifyRequest, message: MailMessage, description: string): void {
  context.mailer.send(message).then(
    () => request.log.info(`${description} sent`),
    (error: unknown) => request.log.error({ err: error }, `sending the ${description} failed`),
  );
}
