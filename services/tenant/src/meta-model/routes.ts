import type { FastifyInstance } from 'fastify';
import { requireAccess } from '../auth/authenticate.js';
import { auditSourceOf } from '../audit/audit.js';
import { withRequestTransaction, type TenantContext } from '../context.js';
import { sendErrorDetails } from '../model/error-details.js';
import { changeAttribute, createAttribute, previewAttributeRemoval, removeAttribute, type AttributeChanges, type NewAttribute } from './attributes.js';
import { describeMetaModel } from './meta-model.js';
import { changeObjectType, createObjectType, removeObjectType, type NewObjectType, type ObjectTypeChanges } from './object-types.js';
import { changeRelationType, createRelationType, removeRelationType, type NewRelationType, type RelationTypeChanges } from './relation-types.js';
import {
  attributeChangesSchema,
  attributeParamsSchema,
  attributeRemovalQuerySchema,
  newAttributeSchema,
  newObjectTypeSchema,
  newRelationTypeSchema,
  objectTypeChangesSchema,
  objectTypeParamsSchema,
  relationTypeChangesSchema,
  relationTypeParamsSchema,
  versionQuerySchema,
} from './schemas.js';

type ByKey = { Params: { key: string } };
type ByAttribute = { Params: { key: string; attribute: string } };
type WithVersion = { Querystring: { version: number } };

const tags = ['meta-model'];

/**
 * Registers the meta-model routes: reading it needs read access, every
 * change needs admin. Registered in their own scope, so 409 conflicts can
 * carry the current row next to the error code.
 */
export async function registerMetaModelRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  await app.register(async (scope) => {
    sendErrorDetails(scope);
    registerReadRoutes(scope, context);
    registerObjectTypeRoutes(scope, context);
    registerAttributeRoutes(scope, context);
    registerRelationTypeRoutes(scope, context);
  });
}

function registerReadRoutes(scope: FastifyInstance, context: TenantContext): void {
  scope.get(
    '/api/meta-model',
    { schema: { summary: 'The object types with their attributes and object counts, and the relation types', tags }, preHandler: requireAccess(context, 'read') },
    async (request) => withRequestTransaction(context, request, (transaction) => describeMetaModel(transaction)),
  );

  scope.get<ByAttribute>(
    '/api/meta-model/object-types/:key/attributes/:attribute/removal-preview',
    {
      schema: { summary: 'How many objects hold a value of the attribute', tags, params: attributeParamsSchema },
      preHandler: requireAccess(context, 'read'),
    },
    async (request) =>
      withRequestTransaction(context, request, (transaction) => previewAttributeRemoval(transaction, request.params.key, request.params.attribute)),
  );
}

function registerObjectTypeRoutes(scope: FastifyInstance, context: TenantContext): void {
  const admin = requireAccess(context, 'admin');

  scope.post<{ Body: NewObjectType }>(
    '/api/meta-model/object-types',
    { schema: { summary: 'Create an object type', tags, body: newObjectTypeSchema }, preHandler: admin },
    async (request, reply) => {
      const created = await withRequestTransaction(context, request, (transaction) =>
        createObjectType(transaction, auditSourceOf(request), request.body),
      );
      return reply.status(201).send(created);
    },
  );

  scope.patch<ByKey & { Body: ObjectTypeChanges }>(
    '/api/meta-model/object-types/:key',
    { schema: { summary: 'Change an object type', tags, params: objectTypeParamsSchema, body: objectTypeChangesSchema }, preHandler: admin },
    async (request) =>
      withRequestTransaction(context, request, (transaction) =>
        changeObjectType(transaction, auditSourceOf(request), request.params.key, request.body),
      ),
  );

  scope.delete<ByKey & WithVersion>(
    '/api/meta-model/object-types/:key',
    {
      schema: { summary: 'Remove an object type that nothing uses', tags, params: objectTypeParamsSchema, querystring: versionQuerySchema },
      preHandler: admin,
    },
    async (request, reply) => {
      await withRequestTransaction(context, request, (transaction) =>
        removeObjectType(transaction, auditSourceOf(request), request.params.key, request.query.version),
      );
      return reply.status(204).send();
    },
  );
}

function registerAttributeRoutes(scope: FastifyInstance, context: TenantContext): void {
  const admin = requireAccess(context, 'admin');

  scope.post<ByKey & { Body: NewAttribute }>(
    '/api/meta-model/object-types/:key/attributes',
    { schema: { summary: 'Add an attribute to an object type', tags, params: objectTypeParamsSchema, body: newAttributeSchema }, preHandler: admin },
    async (request, reply) => {
      const created = await withRequestTransaction(context, request, (transaction) =>
        createAttribute(transaction, auditSourceOf(request), request.params.key, request.body),
      );
      return reply.status(201).send(created);
    },
  );

  scope.patch<ByAttribute & { Body: AttributeChanges }>(
    '/api/meta-model/object-types/:key/attributes/:attribute',
    {
      schema: { summary: 'Change an attribute, converting stored values only where nothing is lost', tags, params: attributeParamsSchema, body: attributeChangesSchema },
      preHandler: admin,
    },
    async (request) =>
      withRequestTransaction(context, request, (transaction) =>
        changeAttribute(transaction, auditSourceOf(request), request.params.key, request.params.attribute, request.body),
      ),
  );

  scope.delete<ByAttribute & { Querystring: { values: number } }>(
    '/api/meta-model/object-types/:key/attributes/:attribute',
    {
      schema: {
        summary: 'Remove an attribute and its values, confirmed by the number of values dropped',
        tags,
        params: attributeParamsSchema,
        querystring: attributeRemovalQuerySchema,
      },
      preHandler: admin,
    },
    async (request) =>
      withRequestTransaction(context, request, (transaction) =>
        removeAttribute(transaction, auditSourceOf(request), request.params.key, request.params.attribute, request.query.values),
      ),
  );
}

function registerRelationTypeRoutes(scope: FastifyInstance, context: TenantContext): void {
  const admin = requireAccess(context, 'admin');

  scope.post<{ Body: NewRelationType }>(
    '/api/meta-model/relation-types',
    { schema: { summary: 'Create a relation type', tags, body: newRelationTypeSchema }, preHandler: admin },
    async (request, reply) => {
      const created = await withRequestTransaction(context, request, (transaction) =>
        createRelationType(transaction, auditSourceOf(request), request.body),
      );
      return reply.status(201).send(created);
    },
  );

  scope.patch<ByKey & { Body: RelationTypeChanges }>(
    '/api/meta-model/relation-types/:key',
    {
      schema: { summary: 'Change a relation type', tags, params: relationTypeParamsSchema, body: relationTypeChangesSchema },
      preHandler: admin,
    },
    async (request) =>
      withRequestTransaction(context, request, (transaction) =>
        changeRelationType(transaction, auditSourceOf(request), request.params.key, request.body),
      ),
  );

  scope.delete<ByKey & WithVersion>(
    '/api/meta-model/relation-types/:key',
    {
      schema: { summary: 'Remove a relation type that no relation has', tags, params: relationTypeParamsSchema, querystring: versionQuerySchema },
      preHandler: admin,
    },
    async (request, reply) => {
      await withRequestTransaction(context, request, (transaction) =>
        removeRelationType(transaction, auditSourceOf(request), request.params.key, request.query.version),
      );
      return reply.status(204).send();
    },
  );
}
