import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import { deployByOperator } from '../deployment/start-deployment.js';
import { requireTenant, startTenant, stopTenant } from '../lifecycle/tenant-transitions.js';
import { listStateChanges, listTenants } from '../registry/tenant-store.js';
import { toTenantDetail, toTenantSummary } from './tenant-view.js';
import { tenantNameParam, type TenantParams } from './tenant-name-param.js';

/** Registers the operator CLI's routes: list and show tenants, deploy, stop and start them (archive and delete are in lifecycle/routes.ts). */
export function registerOperatorRoutes(app: FastifyInstance, context: AdminContext): void {
  const options = { config: { callers: ['cli'] as const } };

  app.get('/v1/tenants', options, async () => {
    return { tenants: (await listTenants(context.registry)).map(toTenantSummary) };
  });

  app.get<{ Params: TenantParams }>('/v1/tenants/:name', options, async (request) => {
    const tenant = await requireTenant(context, tenantNameParam(request.params));
    return toTenantDetail(tenant, await listStateChanges(context.registry, tenant.name));
  });

  const transitions = { deploy: deployByOperator, stop: stopTenant, start: startTenant };
  for (const [action, change] of Object.entries(transitions)) {
    app.post<{ Params: TenantParams }>(`/v1/tenants/:name/${action}`, options, async (request) => {
      const tenant = await change(context, tenantNameParam(request.params), 'cli');
      request.log.info({ tenant: tenant.name, action, state: tenant.state }, 'tenant changed by operator');
      return toTenantDetail(tenant, await listStateChanges(context.registry, tenant.name));
    });
  }
}
