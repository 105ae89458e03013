import { createRequire } from 'node:module';
import net from 'node:net';
import { dataPaths, type Logger, type PlatformConfig } from '@esm/common';
import { prepareDataFolder, readSecretText } from './bootstrap.js';
import { startEmbeddedPostgres, stopLeftoverServer, SYSTEM_USER_VARIABLE } from './embedded-postgres.js';
import { ServiceProcess } from './service-process.js';

export interface StartPlatformOptions {
  logger: Logger;
  /** Copy every service's log lines to stdout as well as to its log file. */
  logToConsole?: boolean;
  /** Called before and after each start-up step, for progress output. */
  onStep?: (step: string, index: number, total: number) => void;
}

export interface RunningPlatform {
  config: PlatformConfig;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** The platform services in start order; admin first, because the others call it. */
const SERVICES = [
  { name: 'admin', module: '@esm/admin', port: (c: PlatformConfig) => c.ports.admin },
  { name: 'registration', module: '@esm/registration', port: (c: PlatformConfig) => c.ports.registration },
  { name: 'default-backend', module: '@esm/default-backend', port: (c: PlatformConfig) => c.ports.defaultBackend },
  { name: 'gateway', module: '@esm/gateway', port: (c: PlatformConfig) => c.ports.https },
] as const;

/**
 * Starts the whole platform on one machine: the data folder and its secrets,
 * the embedded PostgreSQL server (unless external servers are configured),
 * then admin, registration, the default backend and the gateway, each as its
 * own process. Tenant processes are started by admin.
 */
export async function startPlatform(config: PlatformConfig, options: StartPlatformOptions): Promise<RunningPlatform> {
  const { logger } = options;
  const total = SERVICES.length + 2;
  const step = (text: string, index: number) => options.onStep?.(text, index, total);
  const started: ServiceProcess[] = [];
  let postgres: { stop: () => Promise<void> } | null = null;

  const stop = async () => {
    for (const service of started.reverse()) await service.stop();
    await postgres?.stop();
  };

  try {
    step('Preparing the data folder', 1);
    if (config.postgres.embedded) await stopLeftoverServer(dataPaths(config).postgresDir, logger);
    await assertPortsFree(config);
    await prepareDataFolder(config);
    const paths = dataPaths(config);

    if (config.postgres.embedded) {
      step('Starting the embedded PostgreSQL server', 2);
      postgres = await startEmbeddedPostgres({
        dataDir: paths.postgresDir,
        port: config.ports.embeddedPostgres,
        password: await readSecretText(paths.embeddedPostgresPasswordFile),
        logger: logger.child({ component: 'postgres' }),
        allowSystemUser: process.env[SYSTEM_USER_VARIABLE] === '1',
      });
    }

    const env = serviceEnvironment(paths.resolvedConfigFile);
    for (const [index, service] of SERVICES.entries()) {
      step(`Starting ${service.name}`, index + 3);
      const process = new ServiceProcess({
        name: service.name,
        entry: require.resolve(service.module),
        env,
        host: config.bindHost,
        port: service.port(config),
        logDir: paths.logDir,
        logToConsole: options.logToConsole ?? false,
        logger,
      });
      started.push(process);
      await process.start(service.name === 'admin' ? 120_000 : 30_000);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { config, stop };
}

/**
 * Checks that every port the platform listens on is free, so that a second
 * instance, or another program, gets a clear message instead of services
 * that cannot bind and restart forever.
 */
async function assertPortsFree(config: PlatformConfig): Promise<void> {
  const ports: [number, string][] = [
    [config.ports.https, 'ESM_HTTPS_PORT'],
    [config.ports.http, 'ESM_HTTP_PORT'],
    [config.ports.admin, 'ESM_ADMIN_PORT'],
    [config.ports.registration, 'ESM_REGISTRATION_PORT'],
    [config.ports.defaultBackend, 'ESM_DEFAULT_BACKEND_PORT'],
  ];
  if (config.postgres.embedded) ports.push([config.ports.embeddedPostgres, 'ESM_POSTGRES_PORT']);
  if (config.metricsPorts) {
    ports.push(
      [config.metricsPorts.admin, 'ESM_ADMIN_METRICS_PORT'],
      [config.metricsPorts.registration, 'ESM_REGISTRATION_METRICS_PORT'],
      [config.metricsPorts.defaultBackend, 'ESM_DEFAULT_BACKEND_METRICS_PORT'],
      [config.metricsPorts.gateway, 'ESM_GATEWAY_METRICS_PORT'],
    );
  }
  for (const [port, variable] of ports) {
    if (!(await isPortFree(config.bindHost, port))) {
      throw new Error(
        `port ${port} on ${config.bindHost} (${variable}) is already in use. Is ESM already running? ` +
          `Stop the other program or set ${variable} to a free port.`,
      );
    }
  }
}

function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * The environment of a platform service: its configuration file and the
 * few variables Node needs. Nothing else from the launcher's environment is
 * passed on, so a secret in the operator's shell never reaches a service.
 */
function serviceEnvironment(configFile: string): Record<string, string> {
  const env: Record<string, string> = { ESM_PLATFORM_CONFIG: configFile, PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const name of ['ESM_LOG_LEVEL', 'NODE_ENV', 'TZ', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
