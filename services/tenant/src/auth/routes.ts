import type { FastifyInstance } from 'fastify';
import { AppError } from '@esm/common';
import { withTransaction } from '../db/transaction.js';
import type { TenantContext } from '../context.js';
import { AUTH_ERRORS } from './errors.js';
import { activateInvitedUser, findPendingUser, findUsableInvitation, storePendingCredentials } from './invitations.js';
import { checkPasswordRules, hashPassword } from './password.js';
import { acceptTotpCode, createTotpEnrolment } from './factors/totp.js';
import { replaceRecoveryCodes } from './factors/recovery-codes.js';
import { auditFactorChanged, auditRecoveryCodesGenerated } from './factors/factor-audit.js';
import { invitationParamsSchema, passwordBodySchema, totpBodySchema } from './schemas.js';

type InvitationRequest<Body = unknown> = { Params: { token: string }; Body: Body };

/**
 * Registers the invitation routes. They share the sign-in rate limit per
 * client address, so registerSignInRateLimit must run first.
 */
export async function registerAuthRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  const { database } = context;
  const write = { readOnly: false };
  const limited = { onRequest: app.signInRateLimit };

  app.get<InvitationRequest>('/api/invitations/:token', { ...limited, schema: { params: invitationParamsSchema } }, async (request) => {
    const invitation = await withTransaction(database, write, (transaction) => findUsableInvitation(transaction, request.params.token));
    return { email: invitation.email };
  });

  app.post<InvitationRequest<{ password: string }>>(
    '/api/invitations/:token/password',
    { ...limited, schema: { params: invitationParamsSchema, body: passwordBodySchema } },
    async (request) => {
      checkPasswordRules(request.body.password);
      // Checked before hashing, so an invalid link cannot make the server spend a bcrypt hash.
      const invitation = await withTransaction(database, write, (transaction) => findUsableInvitation(transaction, request.params.token));
      const passwordHash = await hashPassword(request.body.password);
      const enrolment = await createTotpEnrolment(context.secret.tenant, invitation.email);
      await withTransaction(database, write, async (transaction) => {
        const locked = await findUsableInvitation(transaction, request.params.token, true);
        await storePendingCredentials(transaction, locked, { passwordHash, totpSecret: enrolment.totpSecret });
      });
      return enrolment;
    },
  );

  app.post<InvitationRequest<{ code: string }>>(
    '/api/invitations/:token/totp',
    { ...limited, schema: { params: invitationParamsSchema, body: totpBodySchema } },
    async (request) => {
      // The recovery codes are returned only here; the database keeps their hashes.
      const accepted = await withTransaction(database, write, async (transaction) => {
        const invitation = await findUsableInvitation(transaction, request.params.token, true);
        const user = await findPendingUser(transaction, invitation.email);
        if (!user) throw new AppError(AUTH_ERRORS.invitationPasswordRequired);
        const step = acceptTotpCode(user.totpSecret, request.body.code.trim(), user.totpLastStep);
        if (step === null) throw new AppError(AUTH_ERRORS.totpCodeInvalid);
        await activateInvitedUser(transaction, invitation, user.id, step);
        const recoveryCodes = await replaceRecoveryCodes(transaction, user.id);
        const account = { id: user.id, email: invitation.email };
        const source = { actorId: user.id, actorEmail: invitation.email, requestId: request.id, clientAddress: request.ip };
        await auditFactorChanged(transaction, source, account, { factor: 'totp', reason: 'invitation' });
        await auditRecoveryCodesGenerated(transaction, source, account, recoveryCodes.length);
        return { email: invitation.email, recoveryCodes };
      });
      request.log.info('invited user activated');
      return accepted;
    },
  );
}
