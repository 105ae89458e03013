import type { FastifyInstance } from 'fastify';
import { AppError } from '@esm/common';
import { withTransaction } from '../db/transaction.js';
import type { TenantContext } from '../context.js';
import { AUTH_ERRORS } from './errors.js';
import { activateInvitedUser, findPendingUser, findUsableInvitation, storePendingCredentials } from './invitations.js';
import { checkPasswordRules, hashPassword } from './password.js';
import { acceptTotpCode, createTotpEnrolment } from './totp.js';
import { checkPasswordStep, checkTotpStep } from './sign-in.js';
import { signAccessToken } from './access-token.js';
import { requireAccess } from './authenticate.js';
import {
  invitationParamsSchema,
  passwordBodySchema,
  signInPasswordBodySchema,
  signInTotpBodySchema,
  totpBodySchema,
} from './schemas.js';

type InvitationRequest<Body = unknown> = { Params: { token: string }; Body: Body };

/** Registers the invitation, sign-in and `GET /api/me` routes. */
export async function registerAuthRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  const { database } = context;
  const write = { readOnly: false };

  app.get<InvitationRequest>('/api/invitations/:token', { schema: { params: invitationParamsSchema } }, async (request) => {
    const invitation = await withTransaction(database, write, (transaction) => findUsableInvitation(transaction, request.params.token));
    return { email: invitation.email };
  });

  app.post<InvitationRequest<{ password: string }>>(
    '/api/invitations/:token/password',
    { schema: { params: invitationParamsSchema, body: passwordBodySchema } },
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
    { schema: { params: invitationParamsSchema, body: totpBodySchema } },
    async (request) => {
      const email = await withTransaction(database, write, async (transaction) => {
        const invitation = await findUsableInvitation(transaction, request.params.token, true);
        const user = await findPendingUser(transaction, invitation.email);
        if (!user) throw new AppError(AUTH_ERRORS.invitationPasswordRequired);
        const step = acceptTotpCode(user.totpSecret, request.body.code.trim(), user.totpLastStep);
        if (step === null) throw new AppError(AUTH_ERRORS.totpCodeInvalid);
        await activateInvitedUser(transaction, invitation, user.id, step);
        return invitation.email;
      });
      request.log.info('invited user activated');
      return { email };
    },
  );

  app.post<{ Body: { email: string; password: string } }>(
    '/api/auth/password',
    { schema: { body: signInPasswordBodySchema } },
    async (request) => ({ challenge: await checkPasswordStep(database, request.body.email, request.body.password) }),
  );

  app.post<{ Body: { challenge: string; code: string } }>(
    '/api/auth/totp',
    { schema: { body: signInTotpBodySchema } },
    async (request) => {
      const user = await checkTotpStep(database, request.body.challenge, request.body.code.trim());
      const { token, expiresAt } = await signAccessToken(context.keys, context.audience, user);
      request.log.info({ userId: user.id }, 'user signed in');
      return { accessToken: token, expiresAt: expiresAt.toISOString(), user };
    },
  );

  app.get('/api/me', { preHandler: requireAccess(context, 'read') }, async (request) => request.user);
}
