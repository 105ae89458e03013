import { createHttpService, createLogger, type Logger, type PlatformConfig } from '@esm/common';
import type { AdminContext } from './admin-context.js';
import { DEFAULT_AUDIT_ANCHOR_INTERVAL_MS, scheduleAuditAnchors } from './audit/anchor-schedule.js';
import { registerAuditRoutes } from './audit/routes.js';
import { loadCallerDigests, registerCallerAuthentication } from './auth/caller-auth.js';
import { startBackupSchedule, type BackupSchedule } from './backups/backup-scheduler.js';
import { BackupService } from './backups/backup-service.js';
import { failInterruptedBackupWork } from './backups/backup-store.js';
import { registerBackupRoutes } from './backups/backup-routes.js';
import { assertInternalBindHost } from './bind-host.js';
import { registerKeyRoutes } from './keys/routes.js';
import { TenantLocks } from './lifecycle/tenant-locks.js';
import { LocalOrchestrator, type LocalOrchestratorOptions } from './orchestrator/local-orchestrator.js';
import type { Orchestrator } from './orchestrator/orchestrator.js';
import { KubernetesOrchestrator } from './orchestrator/kubernetes/kubernetes-orchestrator.js';
import { readProvisioningServers } from './provisioning/provisioning-servers.js';
import { restrictServerDatabases } from './provisioning/tenant-database.js';
import { failInterruptedDeployments } from './registry/deployment-store.js';
import { DEFAULT_REGISTRY_DATABASE, openRegistry } from './registry/registry-database.js';
import { listTenantNamesInState } from './registry/tenant-store.js';
import { registerDefaultBackendRoutes } from './routes/default-backend-routes.js';
import { registerAdminErrorHandler } from './routes/error-handler.js';
import { registerGatewayRoutes } from './routes/gateway-routes.js';
import { registerOperatorRoutes } from './routes/operator-routes.js';
import { registerRegistrationRoutes } from './routes/registration-routes.js';

export interface StartAdminOptions {
  logger?: Logger;
  /** Name of the registry database on the first server (default `esm_platform`); tests use their own. */
  registryDatabase?: string;
  /** Port to listen on instead of `config.ports.admin`; 0 picks a free one. */
  port?: number;
  /** An orchestrator to use instead of the local one. */
  orchestrator?: Orchestrator;
  /** Options of the local orchestrator, e.g. a test's tenant script or shorter restart delays. */
  localOrchestrator?: Omit<LocalOrchestratorOptions, 'config' | 'logger'>;
}

/** A running admin service. */
export interface RunningAdmin {
  port: number;
  orchestrator: Orchestrator;
  /** Settles once the tenants that were active at start have been started again (or failed to). */
  restored: Promise<void>;
  /** Backups, restores and drills, and their schedule. */
  backups: { service: BackupService; schedule: BackupSchedule };
  /** Stops listening, waits for running deployments, stops every tenant process and closes the registry. */
  close(): Promise<void>;
}

/**
 * Starts admin: checks that the bind host is internal, opens and migrates
 * the registry on the first PostgreSQL server, loads the callers'
 * credentials, listens, and starts the tenants that were active again.
 */
export async function startAdmin(config: PlatformConfig, options: StartAdminOptions = {}): Promise<RunningAdmin> {
  assertInternalBindHost(config.bindHost);
  const logger = options.logger ?? createLogger('admin');
  const servers = await readProvisioningServers(config);
  const [registryServer] = servers;
  if (!registryServer) throw new Error('no PostgreSQL server is configured in postgres.servers');
  // The platform owns the embedded server, so tenant roles are shut out of its own databases.
  if (config.postgres.embedded) await restrictServerDatabases(registryServer);

  const registry = await openRegistry(registryServer, options.registryDatabase ?? DEFAULT_REGISTRY_DATABASE, logger);
  const orchestrator = options.orchestrator ?? createOrchestrator(config, logger, options);
  const context: AdminContext = { config, registry, servers, orchestrator, locks: new TenantLocks(), logger, backgroundWork: new Set() };

  const backupService = new BackupService(context);
  const app = createHttpService({ logger });
  try {
    const digests = await loadCallerDigests(config);
    const interrupted = await failInterruptedDeployments(registry);
    if (interrupted.length > 0) logger.warn({ tenants: interrupted }, 'interrupted deployments marked failed');
    const interruptedBackups = await failInterruptedBackupWork(registry);
    if (interruptedBackups > 0) logger.warn({ jobs: interruptedBackups }, 'interrupted backups, restores and drills marked failed');

    registerCallerAuthentication(app, digests);
    // An encapsulated scope may replace the shared error handler without
    // Fastify's override warning; the root keeps it for health checks and 404s.
    await app.register(async (scope) => {
      registerAdminErrorHandler(scope);
      registerGatewayRoutes(scope, context);
      registerDefaultBackendRoutes(scope, context);
      registerRegistrationRoutes(scope, context);
      registerOperatorRoutes(scope, context);
      registerBackupRoutes(scope, context, backupService);
      registerAuditRoutes(scope, context);
      registerKeyRoutes(scope, context);
    });
    await app.listen({ host: config.bindHost, port: options.port ?? config.ports.admin });
  } catch (error) {
    await app.close();
    await registry.end();
    throw error;
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.ports.admin;
  logger.info({ host: config.bindHost, port }, 'admin listening');

  const backupSchedule = startBackupSchedule(context, backupService);
  const stopAuditAnchors = scheduleAuditAnchors(context, config.auditAnchorIntervalMs ?? DEFAULT_AUDIT_ANCHOR_INTERVAL_MS);
  const close = async () => {
    await app.close();
    await backupSchedule.stop();
    await stopAuditAnchors();
    await Promise.allSettled([...context.backgroundWork]);
    await orchestrator.stopAll();
    await registry.end();
    logger.info('admin stopped');
  };
  const backups = { service: backupService, schedule: backupSchedule };
  return { port, orchestrator, restored: restoreActiveTenants(context), backups, close };
}

/** Starts the processes of the tenants that are active in the registry, e.g. after a restart of admin. */
async function restoreActiveTenants(context: AdminContext): Promise<void> {
  const names = await listTenantNamesInState(context.registry, 'active');
  await Promise.all(
    names.map((name) =>
      context.locks.run(name, () => context.orchestrator.start(name)).catch((error: unknown) => {
        // NOTE: there is no retry here; the tenant stays down until the default
        // backend wakes it on the next request or the operator runs `esmctl start`.
        context.logger.error({ tenant: name, err: error }, 'active tenant could not be started');
      }),
    ),
  );
}

/** Creates the orchestrator that the configuration names; the local one unless it names Kubernetes. */
function createOrchestrator(config: PlatformConfig, logger: Logger, options: StartAdminOptions): Orchestrator {
  if (config.orchestrator?.kind === 'kubernetes') {
    logger.info({ namespace: config.orchestrator.namespace }, 'tenants run in Kubernetes');
    return new KubernetesOrchestrator({ config, kubernetes: config.orchestrator, logger });
  }
  return new LocalOrchestrator({ config, logger, ...options.localOrchestrator });
}
