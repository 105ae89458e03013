import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import { tenantNameParam, type TenantParams } from '../routes/tenant-name-param.js';
import { DEFAULT_GRANT_DAYS, MAX_GRANT_DAYS, grantTemplate, listTemplateGrants, revokeTemplateGrant } from './template-grants.js';

const grantBodySchema = {
  type: 'object',
  required: ['importer'],
  additionalProperties: false,
  properties: {
    importer: { type: 'string', minLength: 1, maxLength: 100 },
    days: { type: 'integer', minimum: 1, maximum: MAX_GRANT_DAYS },
  },
} as const;

/**
 * Registers the operator CLI's template grant routes: list a template's
 * grants, grant it to an importing tenant, and revoke a grant. A reply never
 * contains a credential.
 */
export function registerTemplateGrantRoutes(app: FastifyInstance, context: AdminContext): void {
  const options = { config: { callers: ['cli'] as const } };

  app.get<{ Params: TenantParams }>('/v1/templates/:name/grants', options, async (request) => {
    const template = tenantNameParam(request.params);
    return { template, grants: await listTemplateGrants(context, template) };
  });

  app.post<{ Params: TenantParams; Body: { importer: string; days?: number } }>(
    '/v1/templates/:name/grants',
    { ...options, schema: { body: grantBodySchema } },
    async (request, reply) => {
      const template = tenantNameParam(request.params);
      const importer = tenantNameParam({ name: request.body.importer });
      const grant = await grantTemplate(context, template, importer, request.body.days ?? DEFAULT_GRANT_DAYS, 'cli');
      return reply.status(201).send(grant);
    },
  );

  app.delete<{ Params: TenantParams & { importer: string } }>('/v1/templates/:name/grants/:importer', options, async (request) => {
    const template = tenantNameParam(request.params);
    const importer = tenantNameParam({ name: request.params.importer });
    return { template, importer, ...(await revokeTemplateGrant(context, template, importer, 'cli')) };
  });
}
