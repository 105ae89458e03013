import type { FastifyInstance } from 'fastify';
import { requireAccess } from '../../auth/authenticate.js';
import { auditSourceOf } from '../../audit/audit.js';
import { withRequestTransaction, type TenantContext } from '../../context.js';
import {
  bulkStatementBodySchema,
  objectIdParamsSchema,
  removeStatementQuerySchema,
  statementBodySchema,
  statementParamsSchema,
} from '../schemas.js';
import { listObjectStatements, removeStatement, setStatements, type StatementInput, type StatementTarget } from './statements.js';

type ByPair = { Params: { objectId: string; requirementId: string } };

const tags = ['compliance statements'];

/** Registers the compliance statement routes: reading needs `read`, changes `write`. */
export function registerStatementRoutes(app: FastifyInstance, context: TenantContext): void {
  const read = requireAccess(context, 'read');
  const write = requireAccess(context, 'write');

  app.get<{ Params: { objectId: string } }>(
    '/api/objects/:objectId/statements',
    { schema: { summary: 'The statements of an object and the applicable requirements without one', tags, params: objectIdParamsSchema }, preHandler: read },
    async (request) => withRequestTransaction(context, request, (transaction) => listObjectStatements(transaction, request.params.objectId)),
  );

  app.put<ByPair & { Body: StatementInput & { version?: number } }>(
    '/api/objects/:objectId/statements/:requirementId',
    { schema: { summary: 'Set the statement of an object on a requirement', tags, params: statementParamsSchema, body: statementBodySchema }, preHandler: write },
    async (request) => {
      const { version, ...input } = request.body;
      const [statement] = await withRequestTransaction(context, request, (transaction) =>
        setStatements(transaction, auditSourceOf(request), input, [{ ...request.params, version }], { itemIndex: false }),
      );
      return statement;
    },
  );

  app.delete<ByPair & { Querystring: { version?: number } }>(
    '/api/objects/:objectId/statements/:requirementId',
    { schema: { summary: 'Remove a statement', tags, params: statementParamsSchema, querystring: removeStatementQuerySchema }, preHandler: write },
    async (request, reply) => {
      await withRequestTransaction(context, request, (transaction) =>
        removeStatement(transaction, auditSourceOf(request), { ...request.params, version: request.query.version }),
      );
      return reply.status(204).send();
    },
  );

  app.post<{ Body: StatementInput & { items: StatementTarget[] } }>(
    '/api/statements/bulk',
    { schema: { summary: 'Set one status on many object and requirement pairs, all or nothing', tags, body: bulkStatementBodySchema }, preHandler: write },
    async (request) => {
      const { items, ...input } = request.body;
      const statements = await withRequestTransaction(context, request, (transaction) =>
        setStatements(transaction, auditSourceOf(request), input, items, { itemIndex: true }),
      );
      return { statements };
    },
  );
}
