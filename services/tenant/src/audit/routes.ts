import type { FastifyInstance } from 'fastify';
import { requireAccess } from '../auth/authenticate.js';
import { withRequestTransaction, type TenantContext } from '../context.js';
import { listAuditEntries } from './audit.js';

const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    before: { type: 'string', pattern: '^[1-9][0-9]{0,18}$' },
  },
} as const;

/** Registers `GET /api/audit`: entries newest first, paged by `before` (the last id seen). */
export async function registerAuditRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  app.get<{ Querystring: { limit: number; before?: string } }>(
    '/api/audit',
    { schema: { querystring: listQuerySchema }, preHandler: requireAccess(context, 'read') },
    async (request) =>
      withRequestTransaction(context, request, (transaction) =>
        listAuditEntries(transaction, { limit: request.query.limit, before: request.query.before }),
      ),
  );
}
