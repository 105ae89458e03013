import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import { tenantNameParam, type TenantParams } from '../routes/tenant-name-param.js';
import { verifyTenantAudit } from './verify-tenant-audit.js';

/** Registers `POST /v1/tenants/:name/audit/verify` for the operator CLI. */
export function registerAuditRoutes(app: FastifyInstance, context: AdminContext): void {
  app.post<{ Params: TenantParams }>('/v1/tenants/:name/audit/verify', { config: { callers: ['cli'] as const } }, async (request) => {
    return verifyTenantAudit(context, tenantNameParam(request.params));
  });
}
