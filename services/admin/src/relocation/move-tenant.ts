import { AppError, writeSecretFile, type TenantSecret } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { listAuditAnchors } from '../audit/anchor-store.js';
import type { BackupService } from '../backups/backup-service.js';
import { countRows, loadIntoDatabase } from '../backups/load-database.js';
import { loadTarget, readTenantLogins, tenantServer, withUnpackedArchive } from '../backups/tenant-restore.js';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import { ADMIN_ERRORS } from '../errors.js';
import { requireTenant } from '../lifecycle/tenant-transitions.js';
import { dropTenantDatabase, provisionTenantDatabase, tenantDatabaseNames, type ProvisioningServer, type TenantDatabaseLogins } from '../provisioning/tenant-database.js';
import { setDatabaseServer, type Actor, type TenantRecord } from '../registry/tenant-store.js';
import { MOVE_ERRORS } from './errors.js';
import { assertTargetEmpty, readChainState, verifyMovedAudit } from './move-checks.js';
import type { MoveJobView } from './move-jobs.js';
import { MoveStepRunner, type MoveHooks } from './move-step-runner.js';

/** What a move needs: admin's context, the backup service, the tenant, the target and the job to report on. */
export interface MoveRequest {
  context: AdminContext;
  backups: BackupService;
  tenant: TenantRecord;
  target: ProvisioningServer;
  job: MoveJobView;
  /** Recorded as the author of the move's two backups. */
  actor: Actor;
  hooks?: MoveHooks;
}

/** The result of a finished move. */
export interface MoveResult {
  fromServer: string;
  toServer: string;
  backupId: string;
  rows: number;
  tables: number;
  auditEntries: number;
  downtimeMs: number;
  /** False when the old database or roles could not be dropped; the log has the cause. */
  oldDatabaseDropped: boolean;
}

/**
 * Moves a tenant's database to another server. A first backup runs while
 * the tenant still serves. Then, holding the tenant's backup and lifecycle
 * locks (in the order a restore takes them), the move stops the tenant,
 * takes a final backup, loads it into a new database with new logins on the
 * target, verifies rows, checksums and the audit chain, rewrites the secret
 * file and switches the registry. Only after the tenant runs on the target
 * is the old database dropped.
 *
 * The registry switch is the point of no return. A failure before it puts
 * the secret file back, drops everything the move created on the target and
 * starts the tenant again on the old server (MOVE_FAILED). A failure to
 * start after it leaves the tenant on the target with the old database kept
 * (MOVE_START_FAILED), because the new database may already have changed.
 */
export async function moveTenant(request: MoveRequest): Promise<MoveResult> {
  const { context, backups, tenant, job } = request;
  const steps = new MoveStepRunner(job, request.hooks ?? {});
  await steps.run('backup', async () => {
    const online = await backups.backUp(tenant, request.actor);
    throwJobError(online);
  });
  return backups.runExclusive(tenant.name, () => context.locks.run(tenant.name, () => moveWhileLocked(request, steps)));
}

async function moveWhileLocked(request: MoveRequest, steps: MoveStepRunner): Promise<MoveResult> {
  const { context, target, job } = request;
  const logger = context.logger.child({ tenant: job.tenant, job: job.id, fromServer: job.fromServer, toServer: job.toServer });
  // The state and server may have changed while the first backup ran.
  const tenant = await requireTenant(context, job.tenant);
  if ((tenant.state !== 'active' && tenant.state !== 'inactive') || tenant.databaseServer !== job.fromServer) {
    throw new AppError(ADMIN_ERRORS.stateConflict, { values: { tenant: tenant.name, state: tenant.state } });
  }
  await assertTargetEmpty(target, tenant.name);
  const source = tenantServer(context, tenant);
  const originalSecret = await readTenantLogins(context, tenant.name);
  const anchors = await listAuditAnchors(context.registry, tenant.name);
  const wasActive = tenant.state === 'active';

  const downtimeStarted = performance.now();
  const measureDowntime = () => (job.downtimeMs = Math.round(performance.now() - downtimeStarted));
  const created = { target: false, secret: false };
  let copy: { backupId: string; rows: number; tables: number; auditEntries: number };
  try {
    await steps.run('stop', () => context.orchestrator.stop(tenant.name));
    copy = await copyToTarget(request, steps, tenant, originalSecret, anchors, created, logger);
    await steps.run('registry', () => setDatabaseServer(context.registry, tenant.name, target.id));
  } catch (error) {
    const failedStep = steps.current ?? 'backup';
    logger.error({ err: error, step: failedStep }, 'tenant move failed before the switch, putting the tenant back');
    await putBack(context, tenant, target, originalSecret, created, wasActive, logger);
    measureDowntime();
    throw new AppError(MOVE_ERRORS.moveFailed, {
      values: { tenant: tenant.name, step: failedStep, server: source.id, cause: errorCode(error) },
      cause: error,
      detail: String((error as Error)?.message ?? error),
    });
  }
  logger.info({ toServer: target.id }, 'tenant switched to the new server');

  try {
    await steps.run('start', async () => {
      // An inactive tenant stays stopped on the new server; the next request wakes it.
      if (wasActive) await context.orchestrator.start(tenant.name);
      else steps.skip('start');
    });
  } catch (error) {
    measureDowntime();
    logger.error({ err: error }, 'tenant did not start on the new server; the old database is kept');
    await context.orchestrator.stop(tenant.name).catch(() => undefined);
    throw new AppError(MOVE_ERRORS.startFailed, { values: { tenant: tenant.name, server: target.id }, cause: error });
  }
  const downtimeMs = measureDowntime();

  let oldDatabaseDropped = true;
  try {
    await steps.run('drop-old', () => dropTenantDatabase(source, tenant.name));
  } catch (error) {
    oldDatabaseDropped = false;
    logger.error({ err: error, server: source.id }, 'old tenant database could not be dropped after the move; drop it by hand');
  }
  logger.info({ downtimeMs, rows: copy.rows }, 'tenant moved');
  return { fromServer: source.id, toServer: target.id, ...copy, downtimeMs, oldDatabaseDropped };
}

/** Takes the final backup, provisions the target, loads and verifies the copy and rewrites the secret file. */
async function copyToTarget(
  request: MoveRequest,
  steps: MoveStepRunner,
  tenant: TenantRecord,
  originalSecret: TenantSecret,
  anchors: Awaited<ReturnType<typeof listAuditAnchors>>,
  created: { target: boolean; secret: boolean },
  logger: AdminContext['logger'],
): Promise<{ backupId: string; rows: number; tables: number; auditEntries: number }> {
  const { context, backups, target, job } = request;
  const { backupId, archive, sourceChain } = await steps.run('final-backup', async () => {
    // Nothing writes to the stopped tenant, so the chain read here is the one the backup contains.
    const chain = await readChainState(originalSecret.database.readOnly, tenant.name, anchors);
    const final = await backups.backUpHoldingLock(tenant, request.actor);
    throwJobError(final);
    const record = await backups.requireBackup(tenant.name, final.backupId);
    return { backupId: record.id, archive: backups.archivePath(record), sourceChain: chain };
  });

  const logins = await steps.run('provision', async (): Promise<TenantDatabaseLogins> => {
    created.target = true;
    return provisionTenantDatabase(target, tenant.name);
  });
  const database = tenantDatabaseNames(tenant.name).database;
  const checked = await withUnpackedArchive(context, archive, backupId, async (unpacked) => {
    const tables = await steps.run('restore', () =>
      loadIntoDatabase(unpacked, loadTarget(target, database, logins), backupId, logger, (progress) => (job.progress = progress)),
    );
    const audit = await steps.run('verify', () =>
      verifyMovedAudit({ server: target, login: logins.readOnly, manifest: unpacked.manifest, tenant: tenant.name, label: backupId, anchors, source: sourceChain }),
    );
    return { rows: countRows(tables), tables: tables.length, auditEntries: audit.entries };
  });

  await steps.run('secret', async () => {
    created.secret = true;
    await writeSecretFile(tenantSecretFile(context, tenant.name), { ...originalSecret, database: logins });
  });
  return { backupId, ...checked };
}

/** Undoes a move that failed before the switch; logs each part that fails, so the rest still runs. */
async function putBack(
  context: AdminContext,
  tenant: TenantRecord,
  target: ProvisioningServer,
  originalSecret: TenantSecret,
  created: { target: boolean; secret: boolean },
  wasActive: boolean,
  logger: AdminContext['logger'],
): Promise<void> {
  if (created.secret) {
    await writeSecretFile(tenantSecretFile(context, tenant.name), originalSecret).catch((error: unknown) =>
      logger.error({ err: error }, 'tenant secret file could not be put back after the failed move'),
    );
  }
  // assertTargetEmpty found no database and no role of the tenant on the
  // target, so everything of the tenant's there was created by this move.
  if (created.target) {
    await dropTenantDatabase(target, tenant.name).catch((error: unknown) =>
      logger.error({ err: error, server: target.id }, 'copy on the target could not be dropped after the failed move'),
    );
  }
  if (!wasActive) return;
  await context.orchestrator.start(tenant.name).catch(async (error: unknown) => {
    logger.error({ err: error }, 'tenant did not start again on its old server after the failed move');
    await context.orchestrator.stop(tenant.name).catch(() => undefined);
  });
}

/** Throws the error of a finished backup job, keeping its code. */
function throwJobError(job: { error: { code: string; message: string } | null }): void {
  if (job.error) throw Object.assign(new Error(job.error.message), { code: job.error.code });
}

/** Returns the code of an AppError, a failed job or a PostgreSQL error (its SQLSTATE), for the operator's message. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'internal error';
}
