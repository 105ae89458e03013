import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import { listStateChanges } from '../registry/tenant-store.js';
import { toTenantDetail } from '../routes/tenant-view.js';
import { tenantNameParam, type TenantParams } from '../routes/tenant-name-param.js';
import type { OperationRecord } from './operation-store.js';
import type { LifecycleResult, TenantLifecycle } from './tenant-lifecycle.js';

/**
 * Registers the operator CLI's lifecycle routes: archive, restore from
 * archive, delete and the template flag. Each returns the tenant with its
 * history and, for the multi-step ones, the operation's steps.
 */
export function registerLifecycleRoutes(app: FastifyInstance, context: AdminContext, lifecycle: TenantLifecycle): void {
  const options = { config: { callers: ['cli'] as const } };
  const reply = async (result: LifecycleResult) => ({
    ...toTenantDetail(result.tenant, await listStateChanges(context.registry, result.tenant.name)),
    operation: result.operation ? toOperationView(result.operation) : null,
  });

  app.post<{ Params: TenantParams }>('/v1/tenants/:name/archive', options, async (request) => {
    return reply(await lifecycle.archive(tenantNameParam(request.params), 'cli'));
  });

  app.post<{ Params: TenantParams }>('/v1/tenants/:name/restore-archived', options, async (request) => {
    return reply(await lifecycle.restoreArchived(tenantNameParam(request.params), 'cli'));
  });

  app.post<{ Params: TenantParams; Body: { confirm?: unknown } | undefined }>('/v1/tenants/:name/delete', options, async (request) => {
    return reply(await lifecycle.delete(tenantNameParam(request.params), request.body?.confirm, 'cli'));
  });

  app.post<{ Params: TenantParams; Body: { template?: unknown } | undefined }>('/v1/tenants/:name/template', options, async (request) => {
    const tenant = await lifecycle.setTemplate(tenantNameParam(request.params), request.body?.template, 'cli');
    return reply({ tenant, operation: null });
  });
}

function toOperationView(operation: OperationRecord) {
  return { id: operation.id, kind: operation.kind, outcome: operation.outcome, steps: operation.steps };
}
