import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '@esm/common';

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
    await waitForPort(this.options.host, this.options.port, timeoutMs, () => this.child === null);
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
    const { name, entry, env, logDir, logToConsole, logger } = this.options;
    const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const logFile = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a', mode: 0o600 });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.pipe(logFile, { end: false });
      if (logToConsole) stream?.pipe(process.stdout, { end: false });
    }
    child.once('exit', (code, signal) => {
      this.child = null;
      logFile.end();
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
