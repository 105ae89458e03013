import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { ADMIN_ERRORS } from '../errors.js';
import { TenantLocks } from '../lifecycle/tenant-locks.js';
import { requireTenant } from '../lifecycle/tenant-transitions.js';
import { tenantDatabaseNames } from '../provisioning/tenant-database.js';
import type { Actor, TenantRecord, TenantState } from '../registry/tenant-store.js';
import { BackupJobs, type JobKind, type JobView } from './backup-jobs.js';
import { resolveBackupSettings, type BackupSettings } from './backup-settings.js';
import {
  deleteBackup,
  findBackup,
  findLatestBackup,
  finishBackup,
  finishRestore,
  insertBackup,
  insertRestore,
  listExpiredBackups,
  type BackupRecord,
} from './backup-store.js';
import { dumpTenantDatabase, ensureBackupFolder } from './dump-database.js';
import { BACKUP_ERRORS } from './errors.js';
import { runRestoreDrill } from './restore-drill.js';
import { restoreTenantDatabase, tenantServer } from './tenant-restore.js';

// A tenant in these states has a database to back up, restore or drill.
const STATES_WITH_DATABASE: readonly TenantState[] = ['active', 'inactive', 'archived'];
const RESTORABLE_STATES: readonly TenantState[] = ['active', 'inactive'];

/**
 * Backups, restores and restore drills of tenants: each runs as a job with
 * progress in memory and a record in the registry. Backups of one tenant run
 * one at a time. A restore also holds the tenant's lifecycle lock, so no
 * wake-up or state change runs while its database is replaced.
 */
export class BackupService {
  readonly jobs = new BackupJobs();
  readonly settings: BackupSettings;
  private readonly backupLocks = new TenantLocks();

  constructor(private readonly context: AdminContext) {
    this.settings = resolveBackupSettings(context.config);
  }

  /** `<dataDir>/backups`, the folder with one subfolder of archives per tenant. */
  get backupsRoot(): string {
    return path.join(this.context.config.dataDir, 'backups');
  }

  /** Starts a backup in the background and returns its job; throws TENANT_NOT_FOUND or TENANT_STATE_CONFLICT first. */
  async startBackup(name: string, actor: Actor): Promise<JobView> {
    const tenant = await this.requireTenantIn(name, STATES_WITH_DATABASE);
    const job = this.jobs.create('backup', tenant.name, null);
    this.runInBackground(this.backUp(tenant, actor, job));
    return job;
  }

  /** Backs up one tenant, records it, removes backups past retention and returns the finished job. */
  async backUp(tenant: TenantRecord, actor: Actor, job = this.jobs.create('backup', tenant.name, null)): Promise<JobView> {
    return this.backupLocks.run(tenant.name, () => this.backUpHoldingLock(tenant, actor, job));
  }

  /**
   * Runs `work` while no backup or restore of the tenant runs. A move takes
   * this lock before the tenant's lifecycle lock, in the order a restore
   * takes them, so the two cannot wait for each other.
   */
  runExclusive<T>(tenant: string, work: () => Promise<T>): Promise<T> {
    return this.backupLocks.run(tenant, work);
  }

  /** Does what backUp does, for a caller inside runExclusive. */
  async backUpHoldingLock(tenant: TenantRecord, actor: Actor, job = this.jobs.create('backup', tenant.name, null)): Promise<JobView> {
    const folder = await ensureBackupFolder(this.backupsRoot, tenant.name);
    const fileName = `${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`;
    // Hex, because operators type backup ids on the command line, where a
    // base64url id starting with '-' would be read as an option.
    const backupId = randomBytes(12).toString('hex');
    job.backupId = backupId;
    await insertBackup(this.context.registry, { id: backupId, tenant: tenant.name, file: `${tenant.name}/${fileName}`, actor });
    const logger = this.context.logger.child({ tenant: tenant.name, backupId });
    let result: Record<string, unknown>;
    try {
      const { manifest, sizeBytes } = await dumpTenantDatabase({
        server: tenantServer(this.context, tenant),
        database: tenantDatabaseNames(tenant.name).database,
        tenant: tenant.name,
        archiveFile: path.join(folder, fileName),
        onProgress: (progress) => (job.progress = progress),
      });
      const rows = manifest.tables.reduce((total, table) => total + table.rows, 0);
      await finishBackup(this.context.registry, backupId, { outcome: 'succeeded', sizeBytes, rows, migrationVersion: manifest.migrationVersion });
      logger.info({ sizeBytes, rows, file: fileName }, 'tenant backed up');
      result = { backupId, file: fileName, sizeBytes, rows, migrationVersion: manifest.migrationVersion };
    } catch (error) {
      const failure = asAppError(error, BACKUP_ERRORS.backupFailed, tenant.name);
      logger.error({ err: error, code: failure.code }, 'tenant backup failed');
      await finishBackup(this.context.registry, backupId, { outcome: 'failed', errorCode: failure.code });
      this.jobs.finish(job, { error: failure });
      return job;
    }
    // Retention runs before the job is marked finished, so a client that
    // polls the finished job no longer finds the backups retention removed.
    try {
      await this.removeExpiredBackups(tenant.name);
    } finally {
      this.jobs.finish(job, { result });
    }
    return job;
  }

  /**
   * Starts a restore of the tenant's own database from one of its backups.
   * Throws RESTORE_CONFIRMATION_REQUIRED unless `confirm` is true, and
   * BACKUP_NOT_FOUND for a backup that is unknown, failed or removed.
   */
  async startRestore(name: string, backupId: unknown, confirm: unknown, actor: Actor): Promise<JobView> {
    const tenant = await this.requireTenantIn(name, RESTORABLE_STATES);
    const backup = await this.requireBackup(tenant.name, backupId);
    if (confirm !== true) throw new AppError(BACKUP_ERRORS.confirmationRequired, { values: { tenant: tenant.name } });
    const job = this.jobs.create('restore', tenant.name, backup.id);
    const work = this.backupLocks.run(tenant.name, () =>
      this.context.locks.run(tenant.name, async () => {
        // The state may have changed while the job waited for the locks.
        const current = await this.requireTenantIn(tenant.name, RESTORABLE_STATES);
        return this.recordRestore('restore', current, backup, actor, job, (onProgress) =>
          restoreTenantDatabase(this.context, current, this.archivePath(backup), backup.id, onProgress),
        );
      }),
    );
    this.runInBackground(work);
    return job;
  }

  /** Starts a restore drill of the tenant's newest successful backup; throws BACKUP_NONE when there is none. */
  async startDrill(name: string, actor: Actor): Promise<JobView> {
    const tenant = await this.requireTenantIn(name, STATES_WITH_DATABASE);
    const backup = await findLatestBackup(this.context.registry, tenant.name);
    if (!backup) throw new AppError(BACKUP_ERRORS.noBackup, { values: { tenant: tenant.name } });
    const job = this.jobs.create('drill', tenant.name, backup.id);
    this.runInBackground(this.drill(tenant, backup, actor, job));
    return job;
  }

  /** Runs a restore drill of one backup and records its outcome and duration. */
  async drill(tenant: TenantRecord, backup: BackupRecord, actor: Actor, job = this.jobs.create('drill', tenant.name, backup.id)): Promise<JobView> {
    return this.recordRestore('drill', tenant, backup, actor, job, (onProgress) =>
      runRestoreDrill(this.context, tenant, this.archivePath(backup), backup.id, onProgress),
    );
  }

  /** Returns the backup of a tenant with this id when it succeeded; else throws BACKUP_NOT_FOUND. */
  async requireBackup(tenant: string, backupId: unknown): Promise<BackupRecord> {
    const id = typeof backupId === 'string' ? backupId : '';
    const backup = id.length > 0 && id.length <= 100 ? await findBackup(this.context.registry, tenant, id) : null;
    if (!backup || backup.outcome !== 'succeeded') {
      throw new AppError(BACKUP_ERRORS.backupNotFound, { values: { tenant, backup: id.slice(0, 40) } });
    }
    return backup;
  }

  /** Deletes the files and records of the tenant's backups past retention; logs files it cannot delete. */
  async removeExpiredBackups(tenant: string): Promise<number> {
    const expired = await listExpiredBackups(this.context.registry, tenant, this.settings.keep);
    for (const backup of expired) {
      try {
        await rm(this.archivePath(backup), { force: true });
        await deleteBackup(this.context.registry, backup.id);
      } catch (error) {
        this.context.logger.error({ err: error, tenant, backupId: backup.id }, 'expired backup could not be removed');
      }
    }
    if (expired.length > 0) this.context.logger.info({ tenant, removed: expired.length }, 'expired backups removed');
    return expired.length;
  }

  /** Returns the absolute path of a backup's archive. */
  archivePath(backup: Pick<BackupRecord, 'file'>): string {
    return path.join(this.backupsRoot, backup.file);
  }

  private async recordRestore<T extends object>(
    kind: Exclude<JobKind, 'backup'>,
    tenant: TenantRecord,
    backup: BackupRecord,
    actor: Actor,
    job: JobView,
    work: (onProgress: (progress: JobView['progress']) => void) => Promise<T>,
  ): Promise<JobView> {
    const started = performance.now();
    const logger = this.context.logger.child({ tenant: tenant.name, backupId: backup.id, job: job.id, kind });
    await insertRestore(this.context.registry, { id: job.id, tenant: tenant.name, backupId: backup.id, kind, actor });
    try {
      await stat(this.archivePath(backup));
      const checks = await work((progress) => (job.progress = progress));
      const durationMs = performance.now() - started;
      await finishRestore(this.context.registry, job.id, { outcome: 'succeeded', durationMs, checks });
      logger.info({ durationMs: Math.round(durationMs) }, kind === 'drill' ? 'restore drill passed' : 'tenant restored');
      this.jobs.finish(job, { result: { ...checks, durationMs: Math.round(durationMs) } });
    } catch (error) {
      const durationMs = performance.now() - started;
      const failure = asAppError(error, BACKUP_ERRORS.restoreFailed, tenant.name);
      logger.error({ err: error, code: failure.code, durationMs: Math.round(durationMs) }, kind === 'drill' ? 'restore drill failed' : 'tenant restore failed');
      await finishRestore(this.context.registry, job.id, { outcome: 'failed', durationMs, errorCode: failure.code }).catch((recordError: unknown) =>
        logger.error({ err: recordError }, 'restore outcome could not be recorded'),
      );
      this.jobs.finish(job, { error: failure });
    }
    return job;
  }

  private async requireTenantIn(name: string, states: readonly TenantState[]): Promise<TenantRecord> {
    const tenant = await requireTenant(this.context, name);
    if (!states.includes(tenant.state) || !tenant.databaseServer) {
      throw new AppError(ADMIN_ERRORS.stateConflict, { values: { tenant: tenant.name, state: tenant.state } });
    }
    return tenant;
  }

  private runInBackground(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.context.logger.error({ err: error }, 'background backup work failed'));
    this.context.backgroundWork.add(tracked);
    void tracked.finally(() => this.context.backgroundWork.delete(tracked));
  }
}

function asAppError(error: unknown, fallback: typeof BACKUP_ERRORS.backupFailed, tenant: string): AppError {
  if (error instanceof AppError) return error;
  return new AppError(fallback, { values: { tenant }, cause: error, detail: String((error as Error)?.message ?? error) });
}
