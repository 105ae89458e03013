import { createLogger, readPlatformConfig, stopOnSignals, stopWithSupervisor } from '@esm/common';
import { startAdmin } from './start-admin.js';

/** How long admin may take to stop: requests, running work and every tenant process. */
const ADMIN_SHUTDOWN_MS = 60_000;

/** Entry point: starts admin with the launcher's configuration and stops it on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const logger = createLogger('admin');
  const config = readPlatformConfig();
  const admin = await startAdmin(config, { logger });

  // Admin's close() waits for running deployments and stops every tenant, which takes longer than request draining.
  stopOnSignals(logger, () => admin.close(), ADMIN_SHUTDOWN_MS);
  stopWithSupervisor();
}

main().catch((error: unknown) => {
  createLogger('admin').fatal({ err: error }, 'admin failed to start');
  process.exit(1);
});
