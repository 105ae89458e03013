import type { FastifyInstance } from 'fastify';
import { requireAccess } from '../../auth/authenticate.js';
import { withRequestTransaction, type TenantContext } from '../../context.js';

/** An object type that objects have, as `GET /api/object-types` lists it. */
export interface ObjectTypeCount {
  type: string;
  nameSv: string;
  nameEn: string;
  count: number;
}

/**
 * Registers `GET /api/object-types` (each type that objects have, with its
 * names and object count, in the meta-model's sort order) and
 * `GET /api/stats` (totals). `GET /api/meta-model` lists every type,
 * including those without objects.
 */
export async function registerOverviewRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  const read = requireAccess(context, 'read');

  app.get(
    '/api/object-types',
    { schema: { summary: 'The object types that objects have, with their object counts', tags: ['overview'] }, preHandler: read },
    async (request) =>
      withRequestTransaction(context, request, async (transaction) => {
        const result = await transaction.query<ObjectTypeCount>(
          `SELECT t.key AS type, t.name_sv AS "nameSv", t.name_en AS "nameEn", count(*)::int AS count
           FROM objects o JOIN object_types t ON t.key = o.type
           GROUP BY t.key ORDER BY t.sort_order, t.key`,
        );
        return { types: result.rows };
      }),
  );

  app.get('/api/stats', { schema: { summary: 'The numbers of objects and relations', tags: ['overview'] }, preHandler: read }, async (request) =>
    withRequestTransaction(context, request, async (transaction) => {
      const result = await transaction.query<{ objects: number; relations: number }>(
        'SELECT (SELECT count(*)::int FROM objects) AS objects, (SELECT count(*)::int FROM relations) AS relations',
      );
      return result.rows[0];
    }),
  );
}
