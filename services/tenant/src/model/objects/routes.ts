import type { FastifyInstance } from 'fastify';
import { requireAccess } from '../../auth/authenticate.js';
import { auditSourceOf } from '../../audit/audit.js';
import { withRequestTransaction, type TenantContext } from '../../context.js';
import { decodeNameCursor } from '../page-cursor.js';
import { attributesSchema, descriptionSchema, idParamsSchema, nameSchema, typeSchema } from '../schemas.js';
import { createObject, deleteObject, getObjectWithRelations, listObjects, updateObject, type NewObject, type ObjectChanges } from './objects.js';

const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: typeSchema,
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    after: { type: 'string', maxLength: 2000 },
  },
} as const;

const createBodySchema = {
  type: 'object',
  required: ['type', 'name'],
  additionalProperties: false,
  properties: { type: typeSchema, name: nameSchema, description: descriptionSchema, attributes: attributesSchema },
} as const;

const updateBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { name: nameSchema, description: descriptionSchema, attributes: attributesSchema },
} as const;

type ById = { Params: { id: string } };

/** Registers the object routes: list, create, read, change and delete. */
export async function registerObjectRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  const read = requireAccess(context, 'read');
  const write = requireAccess(context, 'write');

  app.get<{ Querystring: { type?: string; limit: number; after?: string } }>(
    '/api/objects',
    { schema: { querystring: listQuerySchema }, preHandler: read },
    async (request) => {
      const { type, limit, after } = request.query;
      const cursor = after === undefined ? undefined : decodeNameCursor(after);
      return withRequestTransaction(context, request, (transaction) => listObjects(transaction, { type, limit, after: cursor }));
    },
  );

  app.post<{ Body: NewObject }>('/api/objects', { schema: { body: createBodySchema }, preHandler: write }, async (request, reply) => {
    const object = await withRequestTransaction(context, request, (transaction) =>
      createObject(transaction, auditSourceOf(request), request.body),
    );
    context.live.publish({ entity: 'object', id: object.id });
    return reply.status(201).send(object);
  });

  app.get<ById>('/api/objects/:id', { schema: { params: idParamsSchema }, preHandler: read }, async (request) =>
    withRequestTransaction(context, request, (transaction) => getObjectWithRelations(transaction, request.params.id)),
  );

  app.patch<ById & { Body: ObjectChanges }>(
    '/api/objects/:id',
    { schema: { params: idParamsSchema, body: updateBodySchema }, preHandler: write },
    async (request) => {
      const object = await withRequestTransaction(context, request, (transaction) =>
        updateObject(transaction, auditSourceOf(request), request.params.id, request.body),
      );
      context.live.publish({ entity: 'object', id: object.id });
      return object;
    },
  );

  app.delete<ById>('/api/objects/:id', { schema: { params: idParamsSchema }, preHandler: write }, async (request, reply) => {
    const relationIds = await withRequestTransaction(context, request, (transaction) =>
      deleteObject(transaction, auditSourceOf(request), request.params.id),
    );
    context.live.publish({ entity: 'object', id: request.params.id });
    for (const id of relationIds) context.live.publish({ entity: 'relation', id });
    return reply.status(204).send();
  });
}
