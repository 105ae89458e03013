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
    // A plain UUID: ajv-formats' uuid format also accepts a "urn:uuid:" prefix, which no stored id has.
    objectId: { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' },
  },
} as const;

/**
 * Registers `GET /api/audit`: entries newest first, paged by `before` (the
 * last id seen), and with `objectId` only the entries about that object.
 */
export async function registerAuditRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  app.get<{ Querystring: { limit: number; before?: string; objectId?: string } }>(
    '/api/audit',
    { schema: { querystring: listQuerySchema }, preHandler: requireAccess(context, 'read') },
    async (request) => {
      const { limit, before } = request.query;
      // Stored ids are PostgreSQL's uuid text output, which is lower case.
      const objectId = request.query.objectId?.toLowerCase();
      // The pattern allows 19 digits, which covers every bigint but also values above its maximum.
      if (before !== undefined && BigInt(before) > BIGINT_MAX) {
        throw new AppError(COMMON_ERRORS.invalidRequest, { values: { reason: `querystring/before must be at most ${BIGINT_MAX}` } });
      }
      return withRequestTransaction(context, request, (transaction) => listAuditEntries(transaction, { limit, before, objectId }));
    },
  );
}
