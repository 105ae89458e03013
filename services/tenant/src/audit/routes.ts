import type { FastifyInstance } from 'fastify';
import { AppError, COMMON_ERRORS } from '@esm/common';
import { requireAccess } from '../auth/authenticate.js';
import { withRequestTransaction, type TenantContext } from '../context.js';
import { listAuditEntries } from './audit.js';

/** Largest value of PostgreSQL's bigint, the type of audit entry ids. */
const BIGINT_MAX = 9223372036854775807n;

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
    async (request) => {
      const { limit, before } = request.query;
      // The pattern allows 19 digits, which covers every bigint but also values above its maximum.
      if (before !== undefined && BigInt(before) > BIGINT_MAX) {
        throw new AppError(COMMON_ERRORS.invalidRequest, { values: { reason: `querystring/before must be at most ${BIGINT_MAX}` } });
      }
      return withRequestTransaction(context, request, (transaction) => listAuditEntries(transaction, { limit, before }));
    },
  );
}
