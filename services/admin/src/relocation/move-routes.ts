import type { FastifyInstance } from 'fastify';
import { AppError } from '@esm/common';
import { tenantNameParam, type TenantParams } from '../routes/tenant-name-param.js';
import { MOVE_ERRORS } from './errors.js';
import type { MoveService } from './move-service.js';

/**
 * Registers the operator CLI's move routes. `POST /v1/tenants/:name/move`
 * with `{ server }` returns 202 with the job at once; `GET
 * /v1/move-jobs/:id` returns its steps and progress until it has finished.
 */
export function registerMoveRoutes(app: FastifyInstance, service: MoveService): void {
  const options = { config: { callers: ['cli'] as const } };

  app.post<{ Params: TenantParams; Body: { server?: unknown } | undefined }>('/v1/tenants/:name/move', options, async (request, reply) => {
    const job = await service.startMove(tenantNameParam(request.params), request.body?.server, 'cli');
    request.log.warn({ tenant: job.tenant, job: job.id, toServer: job.toServer }, 'tenant move started by operator');
    return reply.status(202).send(job);
  });

  app.get<{ Params: { id: string } }>('/v1/move-jobs/:id', options, async (request) => {
    const job = service.jobs.find(request.params.id);
    if (!job) throw new AppError(MOVE_ERRORS.jobNotFound, { values: { job: request.params.id.slice(0, 40) } });
    return job;
  });
}
