import type { FastifyInstance } from 'fastify';
import { AppError, COMMON_ERRORS } from '@esm/common';
import { requireAccess } from '../../auth/authenticate.js';
import { auditSourceOf } from '../../audit/audit.js';
import { withRequestTransaction, type TenantContext } from '../../context.js';
import { sendErrorDetails } from '../error-details.js';
import {
  attributesSchema,
  descriptionSchema,
  externalIdSchema,
  idParamsSchema,
  nameSchema,
  NO_NUL_PATTERN,
  typeSchema,
  versionSchema,
} from '../schemas.js';
import { OBJECT_TYPE_ROLES, type ObjectTypeRole } from '../../meta-model/meta-model.js';
import { ATTRIBUTE_FILTER_PREFIX, listObjects, OBJECT_SORTS, type ObjectSort } from './object-list.js';
import { deleteObject, previewObjectDeletion } from './object-deletion.js';
import { createObject, getObjectWithRelations, updateObject, type NewObject, type ObjectChanges } from './objects.js';

/** Most attribute filters one list request may carry. */
const MAX_ATTRIBUTE_FILTERS = 20;

/** A comma-separated list of object type roles, such as `requirement_set,requirement`. */
const ROLE_LIST_PATTERN = `^(${OBJECT_TYPE_ROLES.join('|')})(,(${OBJECT_TYPE_ROLES.join('|')}))*$`;

const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  // The named parameters plus the attribute filters, whose number the handler checks exactly.
  maxProperties: 6 + MAX_ATTRIBUTE_FILTERS,
  properties: {
    type: typeSchema,
    q: { type: 'string', maxLength: 500, pattern: NO_NUL_PATTERN },
    sort: { type: 'string', enum: OBJECT_SORTS, default: 'name' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    after: { type: 'string', maxLength: 2000 },
    excludeRoles: { type: 'string', maxLength: 200, pattern: ROLE_LIST_PATTERN },
  },
  // `attribute.<key>`, `attribute.<key>.min` and `attribute.<key>.max`, for keys of up to 200 characters.
  patternProperties: {
    '^attribute\\.[^\\u0000]{1,204}$': { type: 'string', maxLength: 2000, pattern: NO_NUL_PATTERN },
  },
} as const;

const createBodySchema = {
  type: 'object',
  required: ['type', 'name'],
  additionalProperties: false,
  properties: { type: typeSchema, name: nameSchema, description: descriptionSchema, attributes: attributesSchema, externalId: externalIdSchema },
} as const;

const updateBodySchema = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: {
    version: versionSchema,
    type: typeSchema,
    name: nameSchema,
    description: descriptionSchema,
    attributes: attributesSchema,
    externalId: { anyOf: [externalIdSchema, { type: 'null' }] },
  },
} as const;

const deleteQuerySchema = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: { version: versionSchema },
} as const;

type ById = { Params: { id: string } };
type ListQuery = { type?: string; q?: string; sort: ObjectSort; limit: number; after?: string; excludeRoles?: string } & Record<
  string,
  string | number | undefined
>;

/**
 * Registers the object routes: list, create, read, change, deletion preview
 * and delete. They sit in a scope of their own, whose error handler sends
 * the details of a version conflict and of a type change that relations
 * forbid.
 */
export async function registerObjectRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  await app.register(async (scope) => {
    sendErrorDetails(scope);
    registerRoutes(scope, context);
  });
}

function registerRoutes(app: FastifyInstance, context: TenantContext): void {
  const read = requireAccess(context, 'read');
  const write = requireAccess(context, 'write');

  app.get<{ Querystring: ListQuery }>('/api/objects', { schema: { querystring: listQuerySchema }, preHandler: read }, async (request) => {
    const { type, q, sort, limit, after } = request.query;
    const excludeRoles = request.query.excludeRoles === undefined ? [] : (request.query.excludeRoles.split(',') as ObjectTypeRole[]);
    const attributeFilters = Object.entries(request.query)
      .filter(([name]) => name.startsWith(ATTRIBUTE_FILTER_PREFIX))
      .map(([name, value]) => ({ name: name.slice(ATTRIBUTE_FILTER_PREFIX.length), value: String(value) }));
    if (attributeFilters.length > MAX_ATTRIBUTE_FILTERS) {
      throw new AppError(COMMON_ERRORS.invalidRequest, { values: { reason: `at most ${MAX_ATTRIBUTE_FILTERS} attribute filters are allowed` } });
    }
    return withRequestTransaction(context, request, (transaction) => listObjects(transaction, { type, q, sort, limit, after, attributeFilters, excludeRoles }));
  });

  app.post<{ Body: NewObject }>('/api/objects', { schema: { body: createBodySchema }, preHandler: write }, async (request, reply) => {
    const object = await withRequestTransaction(context, request, (transaction) => createObject(transaction, auditSourceOf(request), request.body));
    return reply.status(201).send(object);
  });

  app.get<ById>('/api/objects/:id', { schema: { params: idParamsSchema }, preHandler: read }, async (request) =>
    withRequestTransaction(context, request, (transaction) => getObjectWithRelations(transaction, request.params.id)),
  );

  app.get<ById>('/api/objects/:id/deletion-preview', { schema: { params: idParamsSchema }, preHandler: read }, async (request) =>
    withRequestTransaction(context, request, (transaction) => previewObjectDeletion(transaction, request.params.id)),
  );

  app.patch<ById & { Body: ObjectChanges }>(
    '/api/objects/:id',
    { schema: { params: idParamsSchema, body: updateBodySchema }, preHandler: write },
    async (request) =>
      withRequestTransaction(context, request, (transaction) => updateObject(transaction, auditSourceOf(request), request.params.id, request.body)),
  );

  app.delete<ById & { Querystring: { version: number } }>(
    '/api/objects/:id',
    { schema: { params: idParamsSchema, querystring: deleteQuerySchema }, preHandler: write },
    async (request, reply) => {
      await withRequestTransaction(context, request, (transaction) =>
        deleteObject(transaction, auditSourceOf(request), request.params.id, request.query.version),
      );
      return reply.status(204).send();
    },
  );
}
