import type { FastifyInstance } from 'fastify';
import { AppError } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { requireTenant } from '../lifecycle/tenant-transitions.js';
import { tenantNameParam, type TenantParams } from '../routes/tenant-name-param.js';
import type { BackupService } from './backup-service.js';
import { findRestore, listBackups, type BackupRecord } from './backup-store.js';
import { BACKUP_ERRORS } from './errors.js';

/**
 * Registers the operator CLI's backup routes. Starting a backup, restore or
 * drill returns 202 with its job at once; `GET /v1/backup-jobs/:id` returns
 * the job's progress until it has finished.
 */
export function registerBackupRoutes(app: FastifyInstance, context: AdminContext, service: BackupService): void {
  const options = { config: { callers: ['cli'] as const } };

  app.post<{ Params: TenantParams }>('/v1/tenants/:name/backups', options, async (request, reply) => {
    const job = await service.startBackup(tenantNameParam(request.params), 'cli');
    request.log.info({ tenant: job.tenant, job: job.id }, 'backup started by operator');
    return reply.status(202).send(job);
  });

  app.get<{ Params: TenantParams }>('/v1/tenants/:name/backups', options, async (request) => {
    const tenant = await requireTenant(context, tenantNameParam(request.params));
    return { backups: (await listBackups(context.registry, tenant.name)).map(toBackupView) };
  });

  app.post<{ Params: TenantParams; Body: { backup?: unknown; confirm?: unknown } | undefined }>(
    '/v1/tenants/:name/restore',
    options,
    async (request, reply) => {
      const body = request.body ?? {};
      const job = await service.startRestore(tenantNameParam(request.params), body.backup, body.confirm, 'cli');
      request.log.warn({ tenant: job.tenant, job: job.id, backupId: job.backupId }, 'restore started by operator');
      return reply.status(202).send(job);
    },
  );

  app.post<{ Params: TenantParams }>('/v1/tenants/:name/restore-drill', options, async (request, reply) => {
    const job = await service.startDrill(tenantNameParam(request.params), 'cli');
    request.log.info({ tenant: job.tenant, job: job.id, backupId: job.backupId }, 'restore drill started by operator');
    return reply.status(202).send(job);
  });

  app.get<{ Params: { id: string } }>('/v1/backup-jobs/:id', options, async (request) => {
    const job = service.jobs.find(request.params.id);
    if (job) return job;
    // A job of an earlier admin process: the registry still has its outcome.
    const restore = await findRestore(context.registry, request.params.id);
    if (!restore) throw new AppError(BACKUP_ERRORS.jobNotFound, { values: { job: request.params.id.slice(0, 40) } });
    return {
      id: restore.id,
      kind: restore.kind,
      tenant: restore.tenant,
      backupId: restore.backupId,
      status: restore.outcome,
      startedAt: restore.startedAt.toISOString(),
      finishedAt: restore.finishedAt?.toISOString() ?? null,
      result: restore.outcome === 'succeeded' ? { durationMs: restore.durationMs, checks: restore.checks } : null,
      error: restore.errorCode ? { code: restore.errorCode, message: restore.errorCode } : null,
    };
  });
}

/** Converts a backup record to the JSON the list route returns. */
export function toBackupView(backup: BackupRecord) {
  return {
    id: backup.id,
    file: backup.file,
    actor: backup.actor,
    outcome: backup.outcome,
    startedAt: backup.startedAt.toISOString(),
    finishedAt: backup.finishedAt?.toISOString() ?? null,
    sizeBytes: backup.sizeBytes,
    rows: backup.rows,
    migrationVersion: backup.migrationVersion,
    errorCode: backup.errorCode,
  };
}
