import type { FastifyInstance } from 'fastify';
import { requireAccess } from '../../auth/authenticate.js';
import { auditSourceOf } from '../../audit/audit.js';
import { withRequestTransaction, type TenantContext } from '../../context.js';
import { idParamsSchema, newRuleBodySchema } from '../schemas.js';
import { createRule, deleteRule, listRules, type NewRule, type RuleSubjectKind } from './rules.js';

type ById = { Params: { id: string } };

const tags = ['requirements'];

/** Registers the applicability rule routes: reading needs `read`, adding and removing rules `admin`. */
export function registerApplicabilityRoutes(app: FastifyInstance, context: TenantContext): void {
  const read = requireAccess(context, 'read');
  const admin = requireAccess(context, 'admin');

  const subjects: [string, RuleSubjectKind][] = [
    ['/api/requirement-sets/:id/applicability-rules', 'set'],
    ['/api/requirements/:id/applicability-rules', 'requirement'],
  ];
  for (const [path, kind] of subjects) {
    app.get<ById>(path, { schema: { summary: 'The applicability rules on the subject', tags, params: idParamsSchema }, preHandler: read }, async (request) => ({
      rules: await withRequestTransaction(context, request, (transaction) => listRules(transaction, kind, request.params.id)),
    }));

    app.post<ById & { Body: NewRule }>(
      path,
      { schema: { summary: 'Add an applicability rule to the subject', tags, params: idParamsSchema, body: newRuleBodySchema }, preHandler: admin },
      async (request, reply) => {
        const rule = await withRequestTransaction(context, request, (transaction) =>
          createRule(transaction, auditSourceOf(request), kind, request.params.id, request.body),
        );
        return reply.status(201).send(rule);
      },
    );
  }

  app.delete<ById>(
    '/api/applicability-rules/:id',
    { schema: { summary: 'Remove an applicability rule', tags, params: idParamsSchema }, preHandler: admin },
    async (request, reply) => {
      await withRequestTransaction(context, request, (transaction) => deleteRule(transaction, auditSourceOf(request), request.params.id));
      return reply.status(204).send();
    },
  );
}
