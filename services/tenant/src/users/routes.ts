import type { FastifyInstance } from 'fastify';
import { AppError, LOCALES } from '@esm/common';
import { requireAccess } from '../auth/authenticate.js';
import { ACCESS_LEVELS } from '../auth/access-level.js';
import { INVITATION_LIFETIME_DAYS } from '../auth/invitations.js';
import { buildInvitationMail } from '../auth/invitation-mail.js';
import { withTransaction } from '../db/transaction.js';
import { auditSourceOf } from '../audit/audit.js';
import { withRequestTransaction, type TenantContext } from '../context.js';
import { idParamsSchema } from '../model/schemas.js';
import { resetUserFactor, revokeSessionsOfUser, unlockUser } from './account-actions.js';
import { changeUser, type UserChanges } from './change-user.js';
import { USER_ERRORS } from './errors.js';
import { inviteUser, markInvitationSent, type NewInvitation } from './invite-user.js';
import { MOBILE_MAX_LENGTH } from './mobile-number.js';
import { listUsers } from './users.js';

const invitationBodySchema = {
  type: 'object',
  required: ['email', 'accessLevel'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', maxLength: 254 },
    accessLevel: { type: 'string', enum: ACCESS_LEVELS },
    mobile: { type: 'string', maxLength: MOBILE_MAX_LENGTH },
    locale: { type: 'string', enum: LOCALES },
  },
} as const;

const changeBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    accessLevel: { type: 'string', enum: ACCESS_LEVELS },
    status: { type: 'string', enum: ['active', 'deactivated'] },
    mobile: { type: ['string', 'null'], maxLength: MOBILE_MAX_LENGTH },
  },
} as const;

type ById = { Params: { id: string } };

/**
 * Registers the user administration routes under `/api/users`, all for the
 * admin level. Each change and its audit entries commit in one transaction.
 */
export async function registerUserRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  const admin = requireAccess(context, 'admin');

  app.get('/api/users', { preHandler: admin }, async (request) => ({
    users: await withRequestTransaction(context, request, (transaction) => listUsers(transaction)),
  }));

  app.post<{ Body: NewInvitation }>(
    '/api/users/invitations',
    { schema: { body: invitationBodySchema }, preHandler: admin },
    async (request, reply) => {
      const { user, invitation, locale } = await withRequestTransaction(context, request, (transaction) =>
        inviteUser(transaction, auditSourceOf(request), request.body),
      );
      const message = buildInvitationMail({
        to: user.email,
        locale,
        accessLevel: user.accessLevel,
        tenant: context.secret.tenant,
        link: `${context.secret.origin}/invite/${invitation.token}`,
        validDays: INVITATION_LIFETIME_DAYS,
      });
      try {
        await context.mailer.send(message);
      } catch (error) {
        // The invitation stays stored but unsent, and inviting again replaces it.
        throw new AppError(USER_ERRORS.invitationMailFailed, { cause: error, detail: 'invitation e-mail not sent' });
      }
      await withTransaction(context.database, { readOnly: false }, (transaction) => markInvitationSent(transaction, invitation.id));
      request.log.info({ invitedUserId: user.id, invitationId: invitation.id }, 'user invited');
      return reply.status(201).send(user);
    },
  );

  app.patch<ById & { Body: UserChanges }>(
    '/api/users/:id',
    { schema: { params: idParamsSchema, body: changeBodySchema }, preHandler: admin },
    async (request) =>
      withRequestTransaction(context, request, (transaction) =>
        changeUser(transaction, auditSourceOf(request), request.user!.id, request.params.id, request.body),
      ),
  );

  app.post<ById>('/api/users/:id/reset-factor', { schema: { params: idParamsSchema }, preHandler: admin }, async (request, reply) => {
    await withRequestTransaction(context, request, (transaction) => resetUserFactor(transaction, auditSourceOf(request), request.params.id));
    return reply.status(204).send();
  });

  app.post<ById>('/api/users/:id/revoke-sessions', { schema: { params: idParamsSchema }, preHandler: admin }, async (request, reply) => {
    await withRequestTransaction(context, request, (transaction) =>
      revokeSessionsOfUser(transaction, auditSourceOf(request), request.params.id),
    );
    return reply.status(204).send();
  });

  app.post<ById>('/api/users/:id/unlock', { schema: { params: idParamsSchema }, preHandler: admin }, async (request, reply) => {
    await withRequestTransaction(context, request, (transaction) => unlockUser(transaction, auditSourceOf(request), request.params.id));
    return reply.status(204).send();
  });
}
