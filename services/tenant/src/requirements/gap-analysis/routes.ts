import type { FastifyInstance } from 'fastify';
import { requireAccess } from '../../auth/authenticate.js';
import { withRequestTransaction, type TenantContext } from '../../context.js';
import { idParamsSchema } from '../schemas.js';
import { analyseObject, analyseOrganisationUnit, analyseRequirementSet } from './gap-analysis.js';

type ById = { Params: { id: string } };

/** Registers the gap analysis routes, which need `read`. */
export function registerGapAnalysisRoutes(app: FastifyInstance, context: TenantContext): void {
  const read = requireAccess(context, 'read');
  const optionsFor = (summary: string) => ({ schema: { summary, tags: ['gap analysis'], params: idParamsSchema }, preHandler: read });

  app.get<ById>('/api/gap-analysis/objects/:id', optionsFor('Statuses of the requirements that apply to an object'), async (request) =>
    withRequestTransaction(context, request, (transaction) => analyseObject(transaction, request.params.id)),
  );
  app.get<ById>('/api/gap-analysis/requirement-sets/:id', optionsFor('Applicable objects per status for each requirement of a set'), async (request) =>
    withRequestTransaction(context, request, (transaction) => analyseRequirementSet(transaction, request.params.id)),
  );
  app.get<ById>('/api/gap-analysis/organisation-units/:id', optionsFor('Statuses per requirement set over the objects an organisation unit reaches'), async (request) =>
    withRequestTransaction(context, request, (transaction) => analyseOrganisationUnit(transaction, request.params.id)),
  );
}
