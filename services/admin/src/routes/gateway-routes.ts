import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import { requireTenant } from '../lifecycle/tenant-transitions.js';
import { tenantNameParam, type TenantParams } from './tenant-name-param.js';

/** Registers the gateway's route lookup, which returns a tenant's state and, when it is running, its address. */
export function registerGatewayRoutes(app: FastifyInstance, context: AdminContext): void {
  app.get<{ Params: TenantParams }>('/v1/routes/:name', { config: { callers: ['gateway'] } }, async (request) => {
    const tenant = await requireTenant(context, tenantNameParam(request.params));
    const upstream = tenant.state === 'active' ? context.orchestrator.upstream(tenant.name) : null;
    return { state: tenant.state, upstream };
  });
}
