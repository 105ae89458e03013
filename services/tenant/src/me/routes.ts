import type { FastifyInstance } from 'fastify';
import { LOCALES } from '@esm/common';
import { requireAccess } from '../auth/authenticate.js';
import { withTransaction } from '../db/transaction.js';
import { auditSourceOf } from '../audit/audit.js';
import { withRequestTransaction, type TenantContext } from '../context.js';
import { MOBILE_MAX_LENGTH } from '../users/mobile-number.js';
import { PREFERRED_FACTORS } from '../auth/factors/user-factors.js';
import { changeOwnAccount, getOwnAccount, type OwnAccountChanges } from './me.js';

const changeBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mobile: { type: ['string', 'null'], maxLength: MOBILE_MAX_LENGTH },
    locale: { type: 'string', enum: LOCALES },
    preferredFactor: { type: ['string', 'null'], enum: [...PREFERRED_FACTORS, null] },
  },
} as const;

/**
 * Registers `GET /api/me` and `PATCH /api/me`. The factor routes under
 * `/api/me/totp` and `/api/me/recovery-codes` are registered with the factors.
 */
export async function registerMeRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  const read = requireAccess(context, 'read');

  app.get('/api/me', { preHandler: read }, async (request) =>
    withRequestTransaction(context, request, (transaction) => getOwnAccount(transaction, request.user!.id)),
  );

  // Every level may change its own account, so the change runs under the app
  // role. The statement names only the signed-in user's row.
  app.patch<{ Body: OwnAccountChanges }>('/api/me', { schema: { body: changeBodySchema }, preHandler: read }, async (request) =>
    withTransaction(context.database, { readOnly: false }, (transaction) =>
      changeOwnAccount(transaction, auditSourceOf(request), request.user!.id, request.body),
    ),
  );
}
