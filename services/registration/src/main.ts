import { createLogger, readPlatformConfig, stopWithSupervisor } from '@esm/common';
import { startRegistration } from './server.js';

const logger = createLogger('registration');
const config = readPlatformConfig();
const server = await startRegistration(config, { logger }).catch((error: unknown) => {
  logger.fatal({ err: error }, 'registration failed to start');
  process.exit(1);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'registration stopping');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'registration failed to stop cleanly');
        process.exit(1);
      },
    );
  });
}
stopWithSupervisor();
