import type { FastifyInstance } from 'fastify';
import type { TenantContext } from '../context.js';
import { registerApplicabilityRoutes } from './applicability/routes.js';
import { registerGapAnalysisRoutes } from './gap-analysis/routes.js';
import { registerOscalImportRoutes } from './oscal/routes.js';
import { registerStatementRoutes } from './statements/routes.js';
import { registerRequirementSetRoutes } from './sets/routes.js';
import { sendErrorDetails } from '../model/error-details.js';

/** Registers every route of requirements and compliance: sets, OSCAL import, applicability rules, statements and gap analysis. */
export async function registerRequirementRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  await registerOscalImportRoutes(app, context);
  // A child context, so the error handler that adds details such as the current row of a 409 applies to these routes only.
  await app.register(async (scope) => {
    sendErrorDetails(scope);
    registerRequirementSetRoutes(scope, context);
    registerApplicabilityRoutes(scope, context);
    registerStatementRoutes(scope, context);
    registerGapAnalysisRoutes(scope, context);
  });
}
