import { createLogger, readPlatformConfig, stopOnSignals, stopWithSupervisor } from '@esm/common';
import { startRegistration } from './server.js';

const logger = createLogger('registration');
const config = readPlatformConfig();
const server = await startRegistration(config, { logger }).catch((error: unknown) => {
  logger.fatal({ err: error }, 'registration failed to start');
  process.exit(1);
});

stopOnSignals(logger, () => server.close());
stopWithSupervisor();
