import { AppError, COMMON_ERRORS } from '@esm/common';
import { findBackup, findLatestBackup } from '../backups/backup-store.js';
import { tenantServer } from '../backups/tenant-restore.js';
import { ADMIN_ERRORS } from '../errors.js';
import { tenantDatabaseExists } from '../provisioning/tenant-database.js';
import type { Actor, TenantRecord } from '../registry/tenant-store.js';
import { applyTemplateFlag } from '../templates/template-flag.js';
import { archivePlan, archiveSteps, restoreArchivedPlan } from './archive-plans.js';
import { DELETE_STEPS, deletePlan } from './delete-plan.js';
import { LIFECYCLE_ERRORS } from './errors.js';
import type { LifecycleDependencies } from './lifecycle-dependencies.js';
import { findUnfinishedOperation, insertOperation, type OperationData, type OperationKind, type OperationRecord } from './operation-store.js';
import { runOperation, type OperationPlan } from './run-operation.js';
import { requireTenant } from './tenant-transitions.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A tenant after a lifecycle change, with the operation that ran (null when the tenant was already in the target state). */
export interface LifecycleResult {
  tenant: TenantRecord;
  operation: OperationRecord | null;
}

/** What a new operation needs, or null when the tenant is already where the operation would take it. */
type Preparation = { steps: string[]; data: OperationData } | null;

/**
 * Archive, restore from archive and delete: the multi-step transitions.
 * Each one is recorded in the journal before its first step and holds the
 * tenant's lock throughout. Calling one again while its earlier run is
 * unfinished goes on from where that run stopped.
 */
export class TenantLifecycle {
  constructor(readonly dependencies: LifecycleDependencies) {}

  /**
   * Stops an active or inactive tenant, takes a final backup and, unless
   * the configuration keeps databases, drops the database once a restore
   * drill of that backup passed; then marks the tenant archived. An
   * archived tenant is returned unchanged. Throws TENANT_STATE_CONFLICT or TENANT_ARCHIVE_FAILED.
   */
  archive(name: string, actor: Actor): Promise<LifecycleResult> {
    return this.startOrResume('archive', name, actor, async (tenant) => {
      if (tenant.state === 'archived') return null;
      if (tenant.state !== 'active' && tenant.state !== 'inactive') throw stateConflict(tenant);
      const keepDatabase = this.dependencies.settings.archiveKeepDatabase;
      return { steps: archiveSteps(keepDatabase), data: { fromState: tenant.state, keepDatabase } };
    });
  }

  /**
   * Makes an archived tenant active again: starts it on its kept database,
   * or first provisions a database and restores the final backup into it.
   * An active tenant is returned unchanged. Throws TENANT_STATE_CONFLICT,
   * TENANT_ARCHIVE_BACKUP_MISSING or TENANT_UNARCHIVE_FAILED.
   */
  restoreArchived(name: string, actor: Actor): Promise<LifecycleResult> {
    return this.startOrResume('restore-archived', name, actor, async (tenant) => {
      if (tenant.state === 'active') return null;
      if (tenant.state !== 'archived') throw stateConflict(tenant);
      const { context } = this.dependencies;
      const databaseExisted = tenant.databaseServer !== null && (await tenantDatabaseExists(tenantServer(context, tenant), tenant.name));
      const recorded = tenant.archiveBackupId ? await findBackup(context.registry, tenant.name, tenant.archiveBackupId) : null;
      const backup = recorded?.outcome === 'succeeded' ? recorded : await findLatestBackup(context.registry, tenant.name);
      if (!databaseExisted && !backup) throw new AppError(LIFECYCLE_ERRORS.archiveBackupMissing, { values: { tenant: tenant.name } });
      return { steps: ['database', 'start'], data: { databaseExisted, backupId: backup?.id } };
    });
  }

  /**
   * Deletes an archived tenant whose retention period has passed: its
   * database and roles, secret file and backups. The registry row stays,
   * in state `deleted`, so the name cannot be registered again. A deleted
   * tenant is returned unchanged. Throws TENANT_DELETE_CONFIRMATION_REQUIRED
   * unless `confirm` is the tenant's name, TENANT_RETENTION_NOT_PASSED,
   * TENANT_STATE_CONFLICT or TENANT_DELETE_FAILED.
   */
  delete(name: string, confirm: unknown, actor: Actor): Promise<LifecycleResult> {
    if (confirm !== name) throw new AppError(LIFECYCLE_ERRORS.deleteConfirmationRequired, { values: { tenant: name } });
    return this.startOrResume('delete', name, actor, async (tenant) => {
      if (tenant.state === 'deleted') return null;
      if (tenant.state !== 'archived') throw stateConflict(tenant);
      const until = new Date((tenant.archivedAt ?? tenant.updatedAt).getTime() + this.dependencies.settings.deleteRetentionDays * DAY_MS);
      if (until.getTime() > Date.now()) {
        throw new AppError(LIFECYCLE_ERRORS.retentionNotPassed, { values: { tenant: tenant.name, until: until.toISOString() } });
      }
      return { steps: DELETE_STEPS, data: {} };
    });
  }

  /**
   * Sets or clears the tenant's template flag. Templates are never stopped
   * for being idle, and serve their model to importers that hold a
   * credential. The flag is also written to the tenant's secret, and a
   * running tenant restarts to read it. Throws REQUEST_INVALID for a
   * non-boolean and TENANT_START_FAILED when the restart fails.
   */
  setTemplate(name: string, template: unknown, actor: Actor): Promise<TenantRecord> {
    if (typeof template !== 'boolean') throw new AppError(COMMON_ERRORS.invalidRequest, { detail: 'template must be true or false' });
    const { context } = this.dependencies;
    return context.locks.run(name, async () => {
      const tenant = await requireTenant(context, name);
      if (tenant.state === 'deleted') throw stateConflict(tenant);
      if (tenant.template !== template) {
        await context.registry.query('UPDATE tenants SET template = $2, updated_at = now() WHERE name = $1', [name, template]);
        context.logger.info({ tenant: name, template, actor }, 'tenant template flag changed');
      }
      // Also when the registry already has the flag, so that running the command again repairs a secret a failed run left behind.
      await applyTemplateFlag(context, name, template);
      return requireTenant(context, name);
    });
  }

  /** Goes on with an operation that an earlier admin process left unfinished, under the tenant's lock. */
  resume(operation: OperationRecord): Promise<void> {
    return this.dependencies.context.locks.run(operation.tenant, () => runOperation(this.dependencies.context, operation, this.plan(operation.kind)));
  }

  private startOrResume(kind: OperationKind, name: string, actor: Actor, prepare: (tenant: TenantRecord) => Promise<Preparation>): Promise<LifecycleResult> {
    const { context } = this.dependencies;
    return context.locks.run(name, async () => {
      const tenant = await requireTenant(context, name);
      let operation = await findUnfinishedOperation(context.registry, tenant.name);
      if (operation && operation.kind !== kind) {
        throw new AppError(LIFECYCLE_ERRORS.operationPending, { values: { tenant: tenant.name, kind: operation.kind } });
      }
      if (!operation) {
        const preparation = await prepare(tenant);
        if (!preparation) return { tenant, operation: null };
        operation = await insertOperation(context.registry, { tenant: tenant.name, kind, actor, ...preparation });
      }
      await runOperation(context, operation, this.plan(kind));
      return { tenant: await requireTenant(context, name), operation };
    });
  }

  private plan(kind: OperationKind): OperationPlan {
    if (kind === 'archive') return archivePlan(this.dependencies);
    if (kind === 'restore-archived') return restoreArchivedPlan(this.dependencies);
    return deletePlan(this.dependencies);
  }
}

function stateConflict(tenant: TenantRecord): AppError {
  return new AppError(ADMIN_ERRORS.stateConflict, { values: { tenant: tenant.name, state: tenant.state } });
}
