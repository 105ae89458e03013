import type { FastifyInstance } from 'fastify';
import { requireAccess } from '../../auth/authenticate.js';
import { auditSourceOf } from '../../audit/audit.js';
import { withRequestTransaction, type TenantContext } from '../../context.js';
import { attributesSchema, idParamsSchema, nameSchema, typeSchema } from '../schemas.js';
import { createRelation, deleteRelation, getRelation, type NewRelation } from './relations.js';

const createBodySchema = {
  type: 'object',
  required: ['type', 'sourceId', 'targetId'],
  additionalProperties: false,
  properties: {
    type: typeSchema,
    sourceId: { type: 'string', format: 'uuid' },
    targetId: { type: 'string', format: 'uuid' },
    name: { ...nameSchema, minLength: 0 },
    attributes: attributesSchema,
  },
} as const;

/** Registers the relation routes: create, read and delete. */
export async function registerRelationRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  app.post<{ Body: NewRelation }>(
    '/api/relations',
    { schema: { body: createBodySchema }, preHandler: requireAccess(context, 'write') },
    async (request, reply) => {
      const relation = await withRequestTransaction(context, request, (transaction) =>
        createRelation(transaction, auditSourceOf(request), request.body),
      );
      return reply.status(201).send(relation);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/relations/:id',
    { schema: { params: idParamsSchema }, preHandler: requireAccess(context, 'read') },
    async (request) => withRequestTransaction(context, request, (transaction) => getRelation(transaction, request.params.id)),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/relations/:id',
    { schema: { params: idParamsSchema }, preHandler: requireAccess(context, 'write') },
    async (request, reply) => {
      await withRequestTransaction(context, request, (transaction) =>
        deleteRelation(transaction, auditSourceOf(request), request.params.id),
      );
      return reply.status(204).send();
    },
  );
}
