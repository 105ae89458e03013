import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SUPERVISED_VARIABLE, type Logger } from '@esm/common';

export interface ServiceProcessOptions {
  name: string;
  entry: string;
  env: Record<string, string>;
  /** Port to wait for before the service counts as started. */
  port: number;
  host: string;
  logDir: string;
  /** Also copy the service's log lines to the launcher's stdout. */
  logToConsole: boolean;
  logger: Logger;
}

const RESTART_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000];

/**
 * One platform service run as its own process: started, restarted with
 * growing delays when it exits unexpectedly, and stopped on request.
 * Its log lines go to `<logDir>/<name>.log`.
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts = 0;

  constructor(private readonly options: ServiceProcessOptions) {}

  /** Starts the process and resolves once its port accepts connections. */
  async start(timeoutMs = 30_000): Promise<void> {
    this.stopping = false;
    this.spawnChild();
    try {
      await waitForPort(this.options.host, this.options.port, timeoutMs, () => this.child === null);
    } catch (error) {
      await this.stop();
      const log = path.join(this.options.logDir, `${this.options.name}.log`);
      throw new Error(`${this.options.name} did not start: ${(error as Error).message}. Its log is ${log}.`, { cause: error });
    }
  }

  /** Stops the process with SIGTERM, and SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private spawnChild(): void {
    const { name, entry, env, logDir, logToConsole } = this.options;
    // The service writes its log straight to its file (or the terminal), not
    // through a pipe to the launcher: if the launcher dies, a write to that
    // pipe would fail with EPIPE while the service shuts down.
    const logFile = logToConsole ? null : openSync(path.join(logDir, `${name}.log`), 'a', 0o600);
    const output = logFile ?? 'inherit';
    let child: ChildProcess;
    try {
      // Its own process group keeps a Ctrl+C at the terminal from reaching the
      // service directly, so the launcher can stop services in order. The stdin
      // pipe stops the service if the launcher dies (see stopWithSupervisor).
      child = spawn(process.execPath, [entry], {
        env: { ...env, [SUPERVISED_VARIABLE]: '1' },
        stdio: ['pipe', output, output],
        detached: true,
      });
    } finally {
      if (logFile !== null) closeSync(logFile);
    }
    const { logger } = this.options;
    child.once('exit', (code, signal) => {
      this.child = null;
      if (this.stopping) return;
      const delay = RESTART_DELAYS_MS[Math.min(this.restarts, RESTART_DELAYS_MS.length - 1)] ?? 30_000;
      this.restarts += 1;
      logger.error({ service: name, code, signal, restartInMs: delay }, 'service exited unexpectedly');
      setTimeout(() => {
        if (!this.stopping) this.spawnChild();
      }, delay).unref();
    });
    this.child = child;
  }
}

/** Resolves when host:port accepts a TCP connection; rejects on time-out or when `gaveUp` returns true. */
export async function waitForPort(host: string, port: number, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(host, port)) return;
    if (gaveUp()) throw new Error(`process exited before it listened on ${host}:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listened on ${host}:${port} within ${timeoutMs} ms`);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
