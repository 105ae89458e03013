import { createLogger, readPlatformConfig, stopWithSupervisor } from '@esm/common';
import { startAdmin } from './start-admin.js';

/** Entry point: starts admin with the launcher's configuration and stops it on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const logger = createLogger('admin');
  const config = readPlatformConfig();
  const admin = await startAdmin(config, { logger });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'admin stopping');
    admin.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'admin did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  stopWithSupervisor();
}

main().catch((error: unknown) => {
  createLogger('admin').fatal({ err: error }, 'admin failed to start');
  process.exit(1);
});
