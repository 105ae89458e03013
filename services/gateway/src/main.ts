import { createLogger, readPlatformConfig, stopOnSignals, stopWithSupervisor } from '@esm/common';
import { startGateway } from './gateway.js';

const logger = createLogger('gateway');

try {
  const gateway = await startGateway(readPlatformConfig(), { logger });
  stopOnSignals(logger, () => gateway.close());
  stopWithSupervisor();
} catch (error) {
  logger.fatal({ err: error }, 'gateway failed to start');
  process.exitCode = 1;
}
