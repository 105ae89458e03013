import type { FastifyInstance } from 'fastify';
import { requireAccess } from '../../auth/authenticate.js';
import { auditSourceOf } from '../../audit/audit.js';
import { withRequestTransaction, type TenantContext } from '../../context.js';
import {
  deleteSetQuerySchema,
  newRequirementBodySchema,
  newSetBodySchema,
  requirementChangesBodySchema,
  setChangesBodySchema,
  idParamsSchema,
} from '../schemas.js';
import {
  createRequirementSet,
  getRequirementSetTree,
  listRequirementSets,
  updateRequirementSet,
  type NewRequirementSet,
  type RequirementSetChanges,
} from './requirement-sets.js';
import { deleteRequirementSet, previewSetDeletion } from './set-deletion.js';
import { addRequirement, getRequirement, updateRequirement, type NewRequirement, type RequirementChanges } from './requirements.js';

type ById = { Params: { id: string } };

const tags = ['requirements'];

/**
 * Registers the routes of requirement sets and their groups and
 * requirements. Reading needs `read`; every change needs `admin`, because a
 * set decides what every object is assessed against.
 */
export function registerRequirementSetRoutes(app: FastifyInstance, context: TenantContext): void {
  const read = requireAccess(context, 'read');
  const admin = requireAccess(context, 'admin');

  app.get('/api/requirement-sets', { schema: { summary: 'The requirement sets with their counts', tags }, preHandler: read }, async (request) => ({
    requirementSets: await withRequestTransaction(context, request, (transaction) => listRequirementSets(transaction)),
  }));

  app.post<{ Body: NewRequirementSet }>(
    '/api/requirement-sets',
    { schema: { summary: 'Create a requirement set maintained by hand', tags, body: newSetBodySchema }, preHandler: admin },
    async (request, reply) => {
      const set = await withRequestTransaction(context, request, (transaction) =>
        createRequirementSet(transaction, auditSourceOf(request), request.body),
      );
      return reply.status(201).send(set);
    },
  );

  app.get<ById>(
    '/api/requirement-sets/:id',
    { schema: { summary: 'A requirement set with the tree of its groups and requirements', tags, params: idParamsSchema }, preHandler: read },
    async (request) => withRequestTransaction(context, request, (transaction) => getRequirementSetTree(transaction, request.params.id)),
  );

  app.patch<ById & { Body: RequirementSetChanges }>(
    '/api/requirement-sets/:id',
    { schema: { summary: 'Rename a requirement set maintained by hand', tags, params: idParamsSchema, body: setChangesBodySchema }, preHandler: admin },
    async (request) =>
      withRequestTransaction(context, request, (transaction) =>
        updateRequirementSet(transaction, auditSourceOf(request), request.params.id, request.body),
      ),
  );

  app.get<ById>(
    '/api/requirement-sets/:id/delete-preview',
    { schema: { summary: 'What deleting a requirement set removes', tags, params: idParamsSchema }, preHandler: admin },
    async (request) => withRequestTransaction(context, request, (transaction) => previewSetDeletion(transaction, request.params.id)),
  );

  app.delete<ById & { Querystring: { requirements: number; statements: number } }>(
    '/api/requirement-sets/:id',
    {
      schema: { summary: 'Delete a requirement set, confirmed by the counts of its preview', tags, params: idParamsSchema, querystring: deleteSetQuerySchema },
      preHandler: admin,
    },
    async (request, reply) => {
      await withRequestTransaction(context, request, (transaction) =>
        deleteRequirementSet(transaction, auditSourceOf(request), request.params.id, request.query),
      );
      return reply.status(204).send();
    },
  );

  app.post<ById & { Body: NewRequirement }>(
    '/api/requirement-sets/:id/requirements',
    { schema: { summary: 'Add a group or requirement to a set maintained by hand', tags, params: idParamsSchema, body: newRequirementBodySchema }, preHandler: admin },
    async (request, reply) => {
      const requirement = await withRequestTransaction(context, request, (transaction) =>
        addRequirement(transaction, auditSourceOf(request), request.params.id, request.body),
      );
      return reply.status(201).send(requirement);
    },
  );

  app.get<ById>(
    '/api/requirements/:id',
    { schema: { summary: 'A group or requirement with its ancestors and applicability rules', tags, params: idParamsSchema }, preHandler: read },
    async (request) => withRequestTransaction(context, request, (transaction) => getRequirement(transaction, request.params.id)),
  );

  app.patch<ById & { Body: RequirementChanges }>(
    '/api/requirements/:id',
    { schema: { summary: 'Change or withdraw a group or requirement of a set maintained by hand', tags, params: idParamsSchema, body: requirementChangesBodySchema }, preHandler: admin },
    async (request) =>
      withRequestTransaction(context, request, (transaction) =>
        updateRequirement(transaction, auditSourceOf(request), request.params.id, request.body),
      ),
  );
}
