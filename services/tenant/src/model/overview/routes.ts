import type { FastifyInstance } from 'fastify';
import { requireAccess } from '../../auth/authenticate.js';
import { withRequestTransaction, type TenantContext } from '../../context.js';

/** Registers `GET /api/object-types` (each type with its object count) and `GET /api/stats` (totals). */
export async function registerOverviewRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  const read = requireAccess(context, 'read');

  app.get('/api/object-types', { preHandler: read }, async (request) =>
    withRequestTransaction(context, request, async (transaction) => {
      const result = await transaction.query<{ type: string; count: number }>(
        'SELECT type, count(*)::int AS count FROM objects GROUP BY type ORDER BY type',
      );
      return { types: result.rows };
    }),
  );

  app.get('/api/stats', { preHandler: read }, async (request) =>
    withRequestTransaction(context, request, async (transaction) => {
      const result = await transaction.query<{ objects: number; relations: number }>(
        'SELECT (SELECT count(*)::int FROM objects) AS objects, (SELECT count(*)::int FROM relations) AS relations',
      );
      return result.rows[0];
    }),
  );
}
