import type { FastifyInstance } from 'fastify';
import { AppError, tenantOrigin } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { deployWithToken } from '../deployment/start-deployment.js';
import { ADMIN_ERRORS } from '../errors.js';
import { registerTenant } from '../registration/register-tenant.js';
import { findDeployment } from '../registry/deployment-store.js';
import { findTenant } from '../registry/tenant-store.js';

/** Registers the registration service's routes: sign-up, deployment with a token, and deployment progress. */
export function registerRegistrationRoutes(app: FastifyInstance, context: AdminContext): void {
  const callers = ['registration'] as const;

  app.post('/v1/registrations', { config: { callers } }, async (request, reply) => {
    const registration = await registerTenant(context.registry, request.body, context.config.deploymentTokenTtlMs, 'registration');
    request.log.info({ tenant: registration.tenantName }, 'tenant registered');
    return reply.status(201).send(registration);
  });

  app.post<{ Body: { token?: unknown } | undefined }>('/v1/deployments', { config: { callers } }, async (request, reply) => {
    const started = await deployWithToken(context, request.body?.token, 'registration');
    request.log.info({ tenant: started.tenantName, deploymentId: started.deploymentId }, 'deployment started');
    return reply.status(202).send(started);
  });

  app.get<{ Params: { id: string } }>('/v1/deployments/:id', { config: { callers } }, async (request) => {
    const deployment = await findDeployment(context.registry, request.params.id);
    if (!deployment) throw new AppError(ADMIN_ERRORS.deploymentNotFound);
    const tenant = await findTenant(context.registry, deployment.tenant);
    return {
      deploymentId: deployment.id,
      tenantName: deployment.tenant,
      state: tenant?.state ?? null,
      steps: deployment.steps,
      finished: deployment.finishedAt !== null,
      failed: deployment.failed,
      origin: tenantOrigin(context.config, deployment.tenant),
    };
  });
}
