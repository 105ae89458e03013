import type { AdminContext } from '../admin-context.js';
import { findTenant, listTenantNamesInState } from '../registry/tenant-store.js';
import type { BackupService } from './backup-service.js';
import { findLatestBackup, lastStartedByTenant } from './backup-store.js';

const HOUR_MS = 60 * 60 * 1000;
// How often the scheduler looks for due work. Due times come from the
// registry, so a restart of admin neither skips nor repeats a backup.
const DEFAULT_CHECK_INTERVAL_MS = 5 * 60 * 1000;

/** A running schedule; `stop` ends it and waits for the round in progress. */
export interface BackupSchedule {
  /** Runs every backup and drill that is due now, one after another, and resolves when they are done. */
  runDueWork(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the backup schedule. Every check interval, each active or inactive
 * tenant whose last backup started more than the backup interval ago is
 * backed up. Each one whose last drill is older than the drill interval
 * then gets a restore drill of its newest backup. Work runs one tenant
 * at a time to keep the load on the database servers low. Failures are
 * logged and recorded in the registry; the next round tries again.
 *
 * Written with a timer rather than a cron package because the due test
 * reads the registry, and a cron expression would add nothing to it.
 */
export function startBackupSchedule(context: AdminContext, service: BackupService, checkIntervalMs = DEFAULT_CHECK_INTERVAL_MS): BackupSchedule {
  let round: Promise<void> | null = null;
  let stopped = false;

  const runDueWork = (): Promise<void> => {
    round ??= runRound(context, service)
      .catch((error: unknown) => context.logger.error({ err: error }, 'backup schedule round failed'))
      .finally(() => (round = null));
    return round;
  };
  const timer = setInterval(() => {
    if (!stopped) void runDueWork();
  }, checkIntervalMs);
  timer.unref();
  const first = setTimeout(() => void runDueWork(), 0);
  first.unref();

  return {
    runDueWork,
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(first);
      await round;
    },
  };
}

async function runRound(context: AdminContext, service: BackupService): Promise<void> {
  const { intervalHours, drillIntervalHours } = service.settings;
  const names = [...(await listTenantNamesInState(context.registry, 'active')), ...(await listTenantNamesInState(context.registry, 'inactive'))];
  if (intervalHours > 0) {
    const lastBackups = await lastStartedByTenant(context.registry, 'backup');
    for (const name of names.filter((tenant) => isDue(lastBackups.get(tenant), intervalHours))) {
      const tenant = await findTenant(context.registry, name);
      if (tenant?.databaseServer) await service.backUp(tenant, 'system');
    }
  }
  if (drillIntervalHours > 0) {
    const lastDrills = await lastStartedByTenant(context.registry, 'drill');
    for (const name of names.filter((tenant) => isDue(lastDrills.get(tenant), drillIntervalHours))) {
      const tenant = await findTenant(context.registry, name);
      const backup = await findLatestBackup(context.registry, name);
      if (tenant?.databaseServer && backup) await service.drill(tenant, backup, 'system');
    }
  }
}

function isDue(last: Date | undefined, intervalHours: number): boolean {
  return !last || Date.now() - last.getTime() >= intervalHours * HOUR_MS;
}
