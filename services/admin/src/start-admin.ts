import { createHttpService, createLogger, startMetricsListener, type Logger, type PlatformConfig } from '@esm/common';
import { adminMetrics } from './metrics.js';
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
import { registerTemplateGrantRoutes } from './templates/routes.js';
import { TenantLocks } from './lifecycle/tenant-locks.js';
import { startIdleScaleDown, type IdleScaleDown } from './lifecycle/idle-scale-down.js';
import { resolveLifecycleSettings } from './lifecycle/lifecycle-settings.js';
import { startReconciliation, type ReconcileReport } from './lifecycle/reconcile.js';
import { registerLifecycleRoutes } from './lifecycle/routes.js';
import type { StepHook } from './lifecycle/step-hook.js';
import { TenantLifecycle } from './lifecycle/tenant-lifecycle.js';
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
import type { MoveHooks } from './relocation/move-step-runner.js';
import { registerMoveRoutes } from './relocation/move-routes.js';
import { MoveService } from './relocation/move-service.js';

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
  /** Callbacks into tenant moves; tests use them to make a step fail. */
  moveHooks?: MoveHooks;
  /** Lifecycle test settings: a hook after each step of a multi-step operation (to simulate crashes) and the idle check interval. */
  lifecycle?: { stepHook?: StepHook; idleCheckIntervalMs?: number };
}

/** A running admin service. */
export interface RunningAdmin {
  port: number;
  orchestrator: Orchestrator;
  /** Settles once the tenants that were active at start have been started again (or failed to). */
  restored: Promise<void>;
  /** Backups, restores and drills, and their schedule. */
  backups: { service: BackupService; schedule: BackupSchedule };
  /** Moves of tenants to other PostgreSQL servers. */
  moves: MoveService;
  /** Archive, restore from archive and delete; the idle check; and what the reconciliation at start did. */
  lifecycle: { service: TenantLifecycle; idle: IdleScaleDown; reconciled: Promise<ReconcileReport> };
  /** Port of the `/metrics` listener, when `config.metricsPorts` names one. */
  metricsPort?: number;
  /** Stops listening, waits for running deployments, stops every tenant process and closes the registry. */
  close(): Promise<void>;
}

/**
 * Starts admin: checks that the bind host is internal, opens and migrates
 * the registry on the first PostgreSQL server, loads the callers'
 * credentials, listens, and starts the tenants that were active again.
 */
export async function startAdmin(config: PlatformConfig, options: StartAdminOptions = {}): Promise<RunningAdmin> {
  assertInternalBindHost(config.bindHost, config.orchestrator?.kind ?? 'local');
  const logger = options.logger ?? createLogger('admin');
  const servers = await readProvisioningServers(config);
  const [registryServer] = servers;
  if (!registryServer) throw new Error('no PostgreSQL server is configured in postgres.servers');
  // The platform owns the embedded server, so tenant roles are shut out of its own databases.
  if (config.postgres.embedded) await restrictServerDatabases(registryServer);

  const registry = await openRegistry(registryServer, options.registryDatabase ?? DEFAULT_REGISTRY_DATABASE, logger);
  const orchestrator = options.orchestrator ?? createOrchestrator(config, logger, options);
  const context: AdminContext = { config, registry, servers, orchestrator, locks: new TenantLocks(), logger, backgroundWork: new Set() };
  context.stepHook = options.lifecycle?.stepHook;
  const lifecycleSettings = resolveLifecycleSettings(config);

  const backupService = new BackupService(context);
  const moveService = new MoveService(context, backupService, options.moveHooks);
  const lifecycle = new TenantLifecycle({ context, backups: backupService, settings: lifecycleSettings });
  let reconciliation: { done: Promise<ReconcileReport> };
  const app = createHttpService({ logger, metrics: adminMetrics, checkReadiness: async () => void (await registry.query('SELECT 1')) });
  try {
    const digests = await loadCallerDigests(config);
    const interrupted = await failInterruptedDeployments(registry);
    if (interrupted.length > 0) logger.warn({ tenants: interrupted }, 'interrupted deployments marked failed');
    const interruptedBackups = await failInterruptedBackupWork(registry);
    if (interruptedBackups > 0) logger.warn({ jobs: interruptedBackups }, 'interrupted backups, restores and drills marked failed');
    reconciliation = await startReconciliation(context, lifecycle, interrupted);

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
      registerMoveRoutes(scope, moveService);
      registerAuditRoutes(scope, context);
      registerKeyRoutes(scope, context);
      registerTemplateGrantRoutes(scope, context);
      registerLifecycleRoutes(scope, context, lifecycle);
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
  const metricsListener = config.metricsPorts
    ? await startMetricsListener({ registry: adminMetrics, host: config.bindHost, port: config.metricsPorts.admin, logger })
    : undefined;

  const backupSchedule = startBackupSchedule(context, backupService);
  const idle = startIdleScaleDown(context, lifecycleSettings.idleTimeoutMinutes, options.lifecycle?.idleCheckIntervalMs);
  const stopAuditAnchors = scheduleAuditAnchors(context, config.auditAnchorIntervalMs ?? DEFAULT_AUDIT_ANCHOR_INTERVAL_MS);
  const close = async () => {
    await app.close();
    await backupSchedule.stop();
    await idle.stop();
    await reconciliation.done.catch(() => undefined);
    await stopAuditAnchors();
    await Promise.allSettled([...context.backgroundWork]);
    await orchestrator.stopAll();
    await registry.end();
    await metricsListener?.close();
    logger.info('admin stopped');
  };
  const backups = { service: backupService, schedule: backupSchedule };
  const reconciled = reconciliation.done;
  const restored = reconciled.catch((error: unknown) => logger.error({ err: error }, 'reconciliation failed')).then(() => restoreActiveTenants(context));
  return { port, orchestrator, restored, lifecycle: { service: lifecycle, idle, reconciled }, backups, moves: moveService, metricsPort: metricsListener?.port, close };
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
