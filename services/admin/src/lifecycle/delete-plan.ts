import { rm } from 'node:fs/promises';
import path from 'node:path';
import { tenantServer } from '../backups/tenant-restore.js';
import { LIFECYCLE_ERRORS } from './errors.js';
import { requireStateChange } from './archive-plans.js';
import type { LifecycleDependencies } from './lifecycle-dependencies.js';
import type { OperationPlan } from './run-operation.js';
import { dropAllTenantDatabases, removeTenantSecret } from './tenant-resources.js';
import { requireTenant } from './tenant-transitions.js';

/** The steps of deleting an archived tenant, in order. */
export const DELETE_STEPS = ['stop', 'database', 'secret', 'backups'];

/**
 * Builds the plan that deletes an archived tenant's database and roles, the
 * orchestrator's objects for it, its secret file and backups, then marks it deleted. There is no way back once the database
 * is dropped, so a failed step leaves the operation for the next run
 * (the same command, or the next admin start) to finish.
 */
export function deletePlan({ context, backups }: LifecycleDependencies): OperationPlan {
  return {
    failure: LIFECYCLE_ERRORS.deleteFailed,
    steps: {
      stop: (operation) => context.orchestrator.stop(operation.tenant),
      database: async (operation) => {
        const tenant = await requireTenant(context, operation.tenant);
        if (tenant.databaseServer) await dropAllTenantDatabases(tenantServer(context, tenant), tenant.name);
      },
      secret: async (operation) => {
        await context.orchestrator.remove(operation.tenant);
        await removeTenantSecret(context, operation.tenant);
      },
      backups: async (operation) => {
        await rm(path.join(backups.backupsRoot, operation.tenant), { recursive: true, force: true });
        await context.registry.query('DELETE FROM backups WHERE tenant = $1', [operation.tenant]);
      },
    },
    complete: async (client, operation) => {
      await requireStateChange(client, operation, ['archived'], 'deleted');
      await client.query(
        `UPDATE tenants SET deleted_at = now(), deleted_by = $2, database_server = NULL, archive_database_kept = NULL, archive_backup_id = NULL
          WHERE name = $1`,
        [operation.tenant, operation.actor],
      );
    },
    rollBack: async () => 'left-unfinished',
  };
}
