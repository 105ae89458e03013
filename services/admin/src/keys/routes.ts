import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import { tenantNameParam, type TenantParams } from '../routes/tenant-name-param.js';
import { listTenantKeys, rotateSigningKey } from './rotate-signing-key.js';

/** Registers the operator CLI's signing key routes: list a tenant's keys and rotate them. */
export function registerKeyRoutes(app: FastifyInstance, context: AdminContext): void {
  const options = { config: { callers: ['cli'] as const } };

  app.get<{ Params: TenantParams }>('/v1/tenants/:name/keys', options, async (request) => {
    return listTenantKeys(context, tenantNameParam(request.params));
  });

  app.post<{ Params: TenantParams }>('/v1/tenants/:name/keys/rotate', options, async (request) => {
    return rotateSigningKey(context, tenantNameParam(request.params), 'cli');
  });
}
