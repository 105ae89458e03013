import { AppError } from '@esm/common';
import type pg from 'pg';
import { findBackup } from '../backups/backup-store.js';
import { restoreTenantDatabase, tenantServer } from '../backups/tenant-restore.js';
import { placeTenantDatabase } from '../deployment/placement.js';
import { ADMIN_ERRORS } from '../errors.js';
import { changeTenantState } from '../registry/tenant-store.js';
import { LIFECYCLE_ERRORS } from './errors.js';
import { requireJobSucceeded, type LifecycleDependencies } from './lifecycle-dependencies.js';
import type { OperationRecord } from './operation-store.js';
import type { OperationPlan } from './run-operation.js';
import { dropAllTenantDatabases, dropTenantScratchDatabases } from './tenant-resources.js';
import { requireTenant } from './tenant-transitions.js';

/**
 * Returns the steps of archiving: `stop`, `backup` (the final backup), and, when the
 * database is not kept, `drill` (a restore drill of that backup) and
 * `drop-database` (database and roles). The database is dropped only after
 * the drill proved the backup restores.
 */
export function archiveSteps(keepDatabase: boolean): string[] {
  return keepDatabase ? ['stop', 'backup'] : ['stop', 'backup', 'drill', 'drop-database'];
}

/** Builds the plan that archives a tenant with the steps of archiveSteps. A failure before the database is dropped restores the earlier state. */
export function archivePlan({ context, backups }: LifecycleDependencies): OperationPlan {
  return {
    failure: LIFECYCLE_ERRORS.archiveFailed,
    steps: {
      stop: (operation) => context.orchestrator.stop(operation.tenant),
      backup: async (operation) => {
        const job = await backups.backUp(await requireTenant(context, operation.tenant), operation.actor);
        requireJobSucceeded(job);
        operation.data.backupId = job.backupId ?? undefined;
      },
      drill: async (operation) => {
        const tenant = await requireTenant(context, operation.tenant);
        const backup = operation.data.backupId ? await findBackup(context.registry, tenant.name, operation.data.backupId) : null;
        if (!backup) throw new Error(`the final backup of ${tenant.name} is not recorded`);
        requireJobSucceeded(await backups.drill(tenant, backup, operation.actor));
      },
      'drop-database': async (operation) => {
        const tenant = await requireTenant(context, operation.tenant);
        if (tenant.databaseServer) await dropAllTenantDatabases(tenantServer(context, tenant), tenant.name);
      },
    },
    complete: async (client, operation) => {
      const keep = operation.data.keepDatabase !== false;
      await requireStateChange(client, operation, ['active', 'inactive'], 'archived');
      await client.query(
        `UPDATE tenants SET archived_at = now(), archive_database_kept = $2, archive_backup_id = $3,
                database_server = CASE WHEN $2 THEN database_server END
          WHERE name = $1`,
        [operation.tenant, keep, operation.data.backupId ?? null],
      );
    },
    rollBack: async (operation, failedStep) => {
      // A half-dropped database cannot come back; the next run drops the rest and finishes.
      if (failedStep === 'drop-database') return 'left-unfinished';
      if (operation.data.fromState === 'active') {
        await context.orchestrator.start(operation.tenant).catch((error: unknown) => {
          // The tenant stays active in the registry, so the next request wakes it.
          context.logger.error({ err: error, tenant: operation.tenant }, 'tenant did not start again after a failed archive');
        });
      }
      return 'rolled-back';
    },
  };
}

/**
 * Builds the plan that restores an archived tenant: `database` restores the final backup unless
 * the database was kept (a database that exists only because a cut-off run
 * provisioned it is restored again), then `start` starts the process.
 */
export function restoreArchivedPlan({ context, backups }: LifecycleDependencies): OperationPlan {
  return {
    failure: LIFECYCLE_ERRORS.unarchiveFailed,
    steps: {
      database: async (operation) => {
        if (operation.data.databaseExisted) return;
        await placeTenantDatabase(context, operation.tenant);
        const tenant = await requireTenant(context, operation.tenant);
        const backup = operation.data.backupId ? await findBackup(context.registry, tenant.name, operation.data.backupId) : null;
        if (!backup) throw new AppError(LIFECYCLE_ERRORS.archiveBackupMissing, { values: { tenant: tenant.name } });
        const server = tenantServer(context, tenant);
        await dropTenantScratchDatabases(server, tenant.name);
        // The tenant is still archived here, so the restore does not start it.
        await restoreTenantDatabase(context, tenant, backups.archivePath(backup), backup.id, () => undefined);
      },
      start: async (operation) => {
        await context.orchestrator.start(operation.tenant);
      },
    },
    complete: async (client, operation) => {
      await requireStateChange(client, operation, ['archived'], 'active');
      await client.query(
        'UPDATE tenants SET archived_at = NULL, archive_database_kept = NULL, archive_backup_id = NULL WHERE name = $1',
        [operation.tenant],
      );
    },
    rollBack: async (operation, failedStep) => {
      const tenant = await requireTenant(context, operation.tenant);
      if (failedStep === 'start') {
        await context.orchestrator.stop(tenant.name);
        // The restored database is complete, so the next try only has to start the tenant.
        await context.registry.query('UPDATE tenants SET archive_database_kept = true WHERE name = $1', [tenant.name]);
        return 'rolled-back';
      }
      if (!operation.data.databaseExisted && tenant.databaseServer) {
        await dropAllTenantDatabases(tenantServer(context, tenant), tenant.name);
        await context.registry.query('UPDATE tenants SET database_server = NULL WHERE name = $1', [tenant.name]);
      }
      return 'rolled-back';
    },
  };
}

/** Moves the tenant's state within the operation's transaction; throws TENANT_STATE_CONFLICT when another change got there first. */
export async function requireStateChange(
  client: pg.PoolClient,
  operation: OperationRecord,
  from: Parameters<typeof changeTenantState>[2],
  to: Parameters<typeof changeTenantState>[3],
): Promise<void> {
  const changed = await changeTenantState(client, operation.tenant, from, to, operation.actor);
  if (!changed) throw new AppError(ADMIN_ERRORS.stateConflict, { values: { tenant: operation.tenant, state: 'changed' } });
}
