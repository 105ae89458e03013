import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import { requireTenant, wakeTenant } from '../lifecycle/tenant-transitions.js';
import { measureWake } from '../metrics.js';
import { tenantNameParam, type TenantParams } from './tenant-name-param.js';

/** Registers the default backend's routes: a tenant's state, and waking an inactive tenant. */
export function registerDefaultBackendRoutes(app: FastifyInstance, context: AdminContext): void {
  const callers = ['default-backend'] as const;

  app.get<{ Params: TenantParams }>('/v1/tenants/:name/state', { config: { callers } }, async (request) => {
    const tenant = await requireTenant(context, tenantNameParam(request.params));
    return { state: tenant.state };
  });

  app.post<{ Params: TenantParams }>('/v1/tenants/:name/wake', { config: { callers } }, async (request) => {
    const name = tenantNameParam(request.params);
    return measureWake(name, () => wakeTenant(context, name, 'default-backend'));
  });
}
