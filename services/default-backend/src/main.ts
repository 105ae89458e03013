import { createLogger, readPlatformConfig, stopOnSignals, stopWithSupervisor } from '@esm/common';
import { startDefaultBackend } from './default-backend.js';

const logger = createLogger('default-backend');

try {
  const backend = await startDefaultBackend(readPlatformConfig(), { logger });
  stopOnSignals(logger, () => backend.close());
  stopWithSupervisor();
} catch (error) {
  logger.fatal({ err: error }, 'default backend failed to start');
  process.exitCode = 1;
}
