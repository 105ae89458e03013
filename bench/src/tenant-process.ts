import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tenant-server.js');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** A tenant app running in its own process on a loopback port. */
export interface TenantProcess {
  pid: number;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  port: number;
  /** Switches the process's verified-token cache and waits until the process confirms. */
  setTokenCache(enabled: boolean): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the tenant server of bench/src/tenant-server.ts for a migrated
 * tenant and waits until it listens. Its log lines go to `logFile`.
 */
export async function startTenantProcess(secretFile: string, logFile: string): Promise<TenantProcess> {
  const log = openSync(logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = fork(SERVER_ENTRY, [], {
      env: { ...process.env, ESM_BENCH_SECRET_FILE: secretFile },
      stdio: ['ignore', log, log, 'ipc'],
    });
  } finally {
    closeSync(log);
  }

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the tenant server did not listen within ${START_TIMEOUT_MS / 1000} s; see ${logFile}`)), START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the tenant server exited with code ${code} during start; see ${logFile}`));
    });
    child.on('message', (message: { type: string; port?: number }) => {
      if (message.type !== 'listening' || message.port === undefined) return;
      clearTimeout(timer);
      resolve(message.port);
    });
  });

  return {
    pid: child.pid!,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    setTokenCache: (enabled) =>
      new Promise<void>((resolve) => {
        const confirm = (message: { type: string; enabled?: boolean }) => {
          if (message.type !== 'token-cache' || message.enabled !== enabled) return;
          child.off('message', confirm);
          resolve();
        };
        child.on('message', confirm);
        child.send({ type: 'token-cache', enabled });
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
