import { AppError } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import type { BackupService } from '../backups/backup-service.js';
import { ADMIN_ERRORS } from '../errors.js';
import { requireTenant } from '../lifecycle/tenant-transitions.js';
import type { Actor } from '../registry/tenant-store.js';
import { MOVE_ERRORS } from './errors.js';
import { assertTargetEmpty } from './move-checks.js';
import { MoveJobs, type MoveJobView } from './move-jobs.js';
import type { MoveHooks } from './move-step-runner.js';
import { moveTenant } from './move-tenant.js';

// Longest server id echoed back in an error message.
const MAX_SERVER_ID_LENGTH = 100;

/** Moves of tenants between PostgreSQL servers, each as a job with step progress kept in memory. */
export class MoveService {
  readonly jobs = new MoveJobs();

  constructor(
    private readonly context: AdminContext,
    private readonly backups: BackupService,
    private readonly hooks: MoveHooks = {},
  ) {}

  /**
   * Checks the request and starts the move in the background; returns its
   * job at once. Throws TENANT_NOT_FOUND, TENANT_STATE_CONFLICT (only active
   * and inactive tenants move), MOVE_SERVER_UNKNOWN, MOVE_SAME_SERVER,
   * MOVE_TARGET_NOT_EMPTY or MOVE_ALREADY_RUNNING before anything changes.
   */
  async startMove(name: string, serverId: unknown, actor: Actor): Promise<MoveJobView> {
    const tenant = await requireTenant(this.context, name);
    if ((tenant.state !== 'active' && tenant.state !== 'inactive') || !tenant.databaseServer) {
      throw new AppError(ADMIN_ERRORS.stateConflict, { values: { tenant: tenant.name, state: tenant.state } });
    }
    const id = typeof serverId === 'string' ? serverId : '';
    const target = this.context.servers.find((server) => server.id === id);
    if (!target) {
      const servers = this.context.servers.map((server) => server.id).join(', ');
      throw new AppError(MOVE_ERRORS.serverUnknown, { values: { server: id.slice(0, MAX_SERVER_ID_LENGTH), servers } });
    }
    if (target.id === tenant.databaseServer) throw new AppError(MOVE_ERRORS.sameServer, { values: { tenant: tenant.name, server: target.id } });
    await assertTargetEmpty(target, tenant.name);

    // No await between this check and create, so two requests cannot both pass it.
    const running = this.jobs.findRunning(tenant.name);
    if (running) throw new AppError(MOVE_ERRORS.alreadyMoving, { values: { tenant: tenant.name, job: running.id } });
    const job = this.jobs.create(tenant.name, tenant.databaseServer, target.id);

    const work = moveTenant({ context: this.context, backups: this.backups, tenant, target, job, actor, hooks: this.hooks }).then(
      (result) => this.jobs.finish(job, { result: { ...result } }),
      (error: unknown) => {
        const failure = error instanceof AppError ? error : unexpectedFailure(job, error);
        this.context.logger.error({ err: error, tenant: tenant.name, job: job.id, code: failure.code }, 'tenant move failed');
        this.jobs.finish(job, { error: failure });
      },
    );
    this.context.backgroundWork.add(work);
    void work.finally(() => this.context.backgroundWork.delete(work));
    return job;
  }
}

/** Wraps an error without a code, thrown before the tenant was stopped, as MOVE_FAILED at the step that ran. */
function unexpectedFailure(job: MoveJobView, error: unknown): AppError {
  const step = job.steps.find((candidate) => candidate.status === 'failed' || candidate.status === 'running')?.step ?? 'backup';
  const code = (error as { code?: unknown } | null)?.code;
  return new AppError(MOVE_ERRORS.moveFailed, {
    values: { tenant: job.tenant, step, server: job.fromServer, cause: typeof code === 'string' ? code : 'internal error' },
    cause: error,
    detail: String((error as Error)?.message ?? error),
  });
}
