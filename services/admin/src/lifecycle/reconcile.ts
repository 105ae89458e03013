import type { AdminContext } from '../admin-context.js';
import { runDeployment } from '../deployment/run-deployment.js';
import { tenantServer } from '../backups/tenant-restore.js';
import { insertDeployment } from '../registry/deployment-store.js';
import { findTenant, listTenants, type TenantRecord } from '../registry/tenant-store.js';
import { randomSecret } from '@esm/common';
import { listUnfinishedOperations, type OperationRecord } from './operation-store.js';
import type { TenantLifecycle } from './tenant-lifecycle.js';
import {
  dropAllTenantDatabases,
  listTenantSecretNames,
  readServerInventory,
  removeTenantSecret,
  tenantResourceNames,
} from './tenant-resources.js';
import { tenantDatabaseNames } from '../provisioning/tenant-database.js';

/** What the reconciliation at start did and found. */
export interface ReconcileReport {
  /** Deployments cut off by a crash that ran again to the end. */
  deploymentsFinished: string[];
  /** Deployments cut off by a crash whose second run failed too, so their database, roles and secret were removed. */
  deploymentsRolledBack: string[];
  /** Archive, restore-from-archive and delete operations that were finished or rolled back, as `tenant:kind:outcome`. */
  operations: string[];
  /** Databases, roles and secret files that no registry row accounts for; logged, never removed. */
  unaccounted: string[];
  /** Databases the registry expects but the server does not have; logged. */
  missing: string[];
}

/**
 * Finishes or rolls back what a crash of an earlier admin process cut off,
 * then compares every server's tenant databases and roles and the secret
 * files with the registry. Interrupted deployments run again (each step
 * can run again); when that fails too, their database, roles and secret
 * are removed and the tenant stays deploying. Journal operations go on from
 * the step that was cut off. Resources that no registry row accounts for
 * are only logged: several platforms may share a server, and only what
 * this registry recorded is this admin's to remove.
 * Call it before admin listens: it reads the journal and queues each
 * tenant's work on its lock at once, so no request gets in between, and
 * returns the work's end as `done`. Start the active tenants after that.
 * `interrupted` lists the tenants whose deployment
 * failInterruptedDeployments marked failed.
 */
export async function startReconciliation(
  context: AdminContext,
  lifecycle: TenantLifecycle,
  interrupted: string[],
): Promise<{ done: Promise<ReconcileReport> }> {
  const operations = await listUnfinishedOperations(context.registry);
  return { done: reconcile(context, lifecycle, interrupted, operations) };
}

async function reconcile(
  context: AdminContext,
  lifecycle: TenantLifecycle,
  interrupted: string[],
  operations: OperationRecord[],
): Promise<ReconcileReport> {
  const report: ReconcileReport = { deploymentsFinished: [], deploymentsRolledBack: [], operations: [], unaccounted: [], missing: [] };
  const logger = context.logger.child({ component: 'reconcile' });
  const work: Promise<void>[] = [];

  // The locks are queued at once, before admin serves requests, so no request gets between.
  for (const name of new Set(interrupted)) {
    work.push(context.locks.run(name, () => resumeDeployment(context, name, report, logger)));
  }
  for (const operation of operations) {
    work.push(
      lifecycle.resume(operation).then(
        () => void report.operations.push(`${operation.tenant}:${operation.kind}:${operation.outcome}`),
        (error: unknown) => {
          report.operations.push(`${operation.tenant}:${operation.kind}:${operation.outcome}`);
          logger.error({ err: error, tenant: operation.tenant, operation: operation.kind }, 'interrupted operation could not be finished');
        },
      ),
    );
  }
  await Promise.all(work);
  for (const entry of report.operations) logger.warn({ operation: entry }, 'interrupted operation reconciled');

  await compareInventory(context, report);
  if (report.unaccounted.length > 0) logger.warn({ resources: report.unaccounted }, 'tenant resources without a registry row found; left in place');
  if (report.missing.length > 0) logger.error({ databases: report.missing }, 'tenant databases missing that the registry expects');
  return report;
}

async function resumeDeployment(context: AdminContext, name: string, report: ReconcileReport, logger: AdminContext['logger']): Promise<void> {
  const tenant = await findTenant(context.registry, name);
  if (tenant?.state !== 'deploying') return;
  const deployment = await insertDeployment(context.registry, randomSecret(16), name, 'system');
  const outcome = await runDeployment(context, deployment);
  if (!outcome.failedStep) {
    report.deploymentsFinished.push(name);
    logger.warn({ tenant: name }, 'interrupted deployment finished');
    return;
  }
  const current = await findTenant(context.registry, name);
  if (current?.databaseServer) {
    await dropAllTenantDatabases(tenantServer(context, current), name);
    await context.registry.query('UPDATE tenants SET database_server = NULL WHERE name = $1', [name]);
  }
  await removeTenantSecret(context, name);
  report.deploymentsRolledBack.push(name);
  logger.warn({ tenant: name, step: outcome.failedStep }, 'interrupted deployment rolled back; run esmctl deploy to try again');
}

/** States in which a tenant has its database on the server the registry names. */
function expectsDatabase(tenant: TenantRecord): boolean {
  if (tenant.state === 'active' || tenant.state === 'inactive') return true;
  return tenant.state === 'archived' && tenant.archiveDatabaseKept !== false;
}

async function compareInventory(context: AdminContext, report: ReconcileReport): Promise<void> {
  const tenants = await listTenants(context.registry);
  for (const server of context.servers) {
    const inventory = await readServerInventory(server);
    // A deploying tenant may hold resources on its server while its deployment is retried.
    const owned = new Set(
      tenants.filter((tenant) => tenant.databaseServer === server.id && tenant.state !== 'deleted').flatMap((tenant) => tenantResourceNames(tenant.name)),
    );
    for (const name of [...inventory.databases, ...inventory.roles]) {
      if (!owned.has(name)) report.unaccounted.push(`${server.id}:${name}`);
    }
    for (const tenant of tenants.filter((candidate) => candidate.databaseServer === server.id && expectsDatabase(candidate))) {
      const { database } = tenantDatabaseNames(tenant.name);
      if (!inventory.databases.includes(database)) report.missing.push(`${server.id}:${database}`);
    }
  }
  const withSecret = new Set(tenants.filter((tenant) => tenant.state !== 'deleted' && tenant.state !== 'registered').map((tenant) => tenant.name));
  for (const name of await listTenantSecretNames(context)) {
    if (!withSecret.has(name)) report.unaccounted.push(`secret:${name}`);
  }
}
