import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createLogger, readSecretFile, stopOnSignals, stopWithSupervisor, type Logger, type TenantSecret } from '@esm/common';
import { buildTenantApp, type TenantAppOptions } from './app.js';
import { prepareTenantDatabase } from './prepare.js';

export { buildTenantApp, type TenantAppOptions } from './app.js';
export { prepareTenantDatabase } from './prepare.js';

/** How long shutdown waits for open requests before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Prepares the database, builds the app and listens. It listens only after
 * migrations and the first administrator's invitation are done, so a
 * successful /healthz response means the tenant is ready.
 */
export async function startTenant(
  secret: TenantSecret,
  listen: { port: number; host: string },
  options: TenantAppOptions = {},
): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger('tenant').child({ tenant: secret.tenant });
  await prepareTenantDatabase(secret, logger, options.mailer);
  const app = await buildTenantApp(secret, { ...options, logger });
  await app.listen(listen);
  return app;
}

/**
 * Reads the environment, starts the tenant and stops it on SIGTERM or SIGINT:
 * live clients are told to reconnect, requests in flight finish, new ones get 503.
 */
async function runFromEnvironment(logger: Logger): Promise<void> {
  const secretFile = process.env.ESM_TENANT_SECRET_FILE;
  const port = Number(process.env.ESM_TENANT_PORT);
  if (!secretFile || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error('ESM_TENANT_SECRET_FILE and ESM_TENANT_PORT (1-65535) must be set');
  }
  const secret = await readSecretFile<TenantSecret>(secretFile);
  const tenantLogger = logger.child({ tenant: secret.tenant });
  const app = await startTenant(secret, { port, host: process.env.ESM_TENANT_HOST ?? '127.0.0.1' }, { logger: tenantLogger });

  stopOnSignals(tenantLogger, () => app.close(), SHUTDOWN_TIMEOUT_MS);
  stopWithSupervisor();
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href;
}

if (isEntryPoint()) {
  const logger = createLogger('tenant');
  runFromEnvironment(logger).catch((error: unknown) => {
    logger.fatal({ err: error }, 'tenant failed to start');
    process.exit(1);
  });
}
