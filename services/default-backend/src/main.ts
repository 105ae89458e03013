import { createLogger, readPlatformConfig, stopWithSupervisor } from '@esm/common';
import { startDefaultBackend } from './default-backend.js';

const logger = createLogger('default-backend');

try {
  const backend = await startDefaultBackend(readPlatformConfig(), { logger });
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping default backend');
    backend.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'default backend did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  stopWithSupervisor();
} catch (error) {
  logger.fatal({ err: error }, 'default backend failed to start');
  process.exitCode = 1;
}
