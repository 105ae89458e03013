import { createLogger, readPlatformConfig, stopWithSupervisor } from '@esm/common';
import { startGateway } from './gateway.js';

const logger = createLogger('gateway');

try {
  const gateway = await startGateway(readPlatformConfig(), { logger });
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping gateway');
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'gateway did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  stopWithSupervisor();
} catch (error) {
  logger.fatal({ err: error }, 'gateway failed to start');
  process.exitCode = 1;
}
