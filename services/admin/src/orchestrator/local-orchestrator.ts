import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { dataPaths, SUPERVISED_VARIABLE, type Logger, type PlatformConfig } from '@esm/common';
import { isHealthy, waitUntilHealthy } from './health-check.js';
import type { Orchestrator, Upstream } from './orchestrator.js';
import { allocatePort } from './port-allocation.js';

export interface LocalOrchestratorOptions {
  config: PlatformConfig;
  logger: Logger;
  /** The tenant's entry script; defaults to the `@esm/tenant` package's `dist/main.js`. */
  tenantEntry?: string;
  /** Time a starting tenant has until `/healthz` returns 200 (default 30 s). */
  healthTimeoutMs?: number;
  /** First delay before restarting a crashed tenant; it doubles per crash (default 1 s). */
  restartDelayMs?: number;
  /** Upper bound of the restart delay (default 30 s). */
  maxRestartDelayMs?: number;
  /** How long a stopping tenant has after SIGTERM before it gets SIGKILL (default 10 s). */
  stopGraceMs?: number;
  /** Interval of the health checks of running tenants (default 10 s). */
  livenessIntervalMs?: number;
  /** Failed health checks in a row after which a running tenant is killed and restarted (default 3). */
  maxFailedChecks?: number;
}

/** The bookkeeping for one tenant's process. */
interface TenantProcess {
  tenant: string;
  /** Whether the tenant should be running; false after stop(), which disables restarts. */
  shouldRun: boolean;
  child: ChildProcess | null;
  port: number | null;
  /** Set once the process passed its health check. */
  upstream: Upstream | null;
  starting: Promise<Upstream> | null;
  restartTimer: NodeJS.Timeout | null;
  /** Unexpected exits since the process last ran for a while; sets the restart delay. */
  crashes: number;
  healthySince: number;
  /** Health checks failed in a row while running. */
  failedChecks: number;
}

// A process that stayed up this long counts as recovered, so the next crash
// restarts after the initial delay again.
const RECOVERED_AFTER_MS = 60_000;

/**
 * Runs each tenant as a child process of admin on this machine, on a port
 * from `config.ports.tenantRange`, and restarts it with exponential backoff
 * when it exits while it should be running.
 */
export class LocalOrchestrator implements Orchestrator {
  private readonly processes = new Map<string, TenantProcess>();
  private readonly logger: Logger;
  private portQueue: Promise<unknown> = Promise.resolve();
  private livenessTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: LocalOrchestratorOptions) {
    this.logger = options.logger.child({ component: 'orchestrator' });
  }

  start(tenant: string): Promise<Upstream> {
    const entry = this.entry(tenant);
    entry.shouldRun = true;
    if (entry.upstream && entry.child) return Promise.resolve(entry.upstream);
    if (entry.starting) return entry.starting;
    this.cancelRestart(entry);
    return this.launch(entry);
  }

  async stop(tenant: string): Promise<void> {
    const entry = this.processes.get(tenant);
    if (!entry) return;
    entry.shouldRun = false;
    this.cancelRestart(entry);
    // A start in flight would otherwise leave a process running after stop() returns.
    await entry.starting?.catch(() => undefined);
    entry.upstream = null;
    if (entry.child) await this.terminate(entry.child);
    this.logger.info({ tenant }, 'tenant stopped');
  }

  /** Stops the tenant's process and drops its bookkeeping. The caller deletes the secret file. */
  async remove(tenant: string): Promise<void> {
    await this.stop(tenant);
    this.processes.delete(tenant);
  }

  upstream(tenant: string): Upstream | null {
    const entry = this.processes.get(tenant);
    return entry?.child && entry.upstream ? { ...entry.upstream } : null;
  }

  async stopAll(): Promise<void> {
    if (this.livenessTimer) clearInterval(this.livenessTimer);
    this.livenessTimer = null;
    await Promise.all([...this.processes.keys()].map((tenant) => this.stop(tenant)));
  }

  private entry(tenant: string): TenantProcess {
    let entry = this.processes.get(tenant);
    if (!entry) {
      entry = { tenant, shouldRun: false, child: null, port: null, upstream: null, starting: null, restartTimer: null, crashes: 0, healthySince: 0, failedChecks: 0 };
      this.processes.set(tenant, entry);
    }
    return entry;
  }

  private launch(entry: TenantProcess): Promise<Upstream> {
    const starting = this.spawnAndWait(entry).finally(() => {
      if (entry.starting === starting) entry.starting = null;
    });
    entry.starting = starting;
    return starting;
  }

  private async spawnAndWait(entry: TenantProcess): Promise<Upstream> {
    const { config } = this.options;
    const port = await this.reservePort(entry);
    const child = this.spawnTenant(entry.tenant, port);
    entry.child = child;
    const exited = new AbortController();
    child.once('exit', (code, signal) => {
      exited.abort(new Error(`tenant process exited during start (code ${code}, signal ${signal})`));
      this.handleExit(entry, child, code, signal);
    });

    const upstream = { host: config.bindHost, port };
    try {
      await waitUntilHealthy(upstream, this.options.healthTimeoutMs ?? 30_000, exited.signal);
    } catch (error) {
      this.logger.error({ tenant: entry.tenant, port, err: error }, 'tenant failed to start');
      await this.terminate(child);
      throw error;
    }
    entry.upstream = upstream;
    entry.healthySince = Date.now();
    entry.failedChecks = 0;
    this.startLivenessChecks();
    this.logger.info({ tenant: entry.tenant, port, pid: child.pid }, 'tenant started');
    return { ...upstream };
  }

  /**
   * Checks every running tenant's health at an interval. A process that is
   * alive but no longer responds (a hang, an exhausted event loop) would never
   * exit by itself, so after several failed checks in a row it is killed and
   * restarted like a crashed one.
   */
  private startLivenessChecks(): void {
    if (this.livenessTimer) return;
    const timeoutMs = Math.min(5_000, this.options.livenessIntervalMs ?? 10_000);
    this.livenessTimer = setInterval(() => {
      for (const entry of this.processes.values()) {
        if (entry.child && entry.upstream && !entry.starting) void this.checkLiveness(entry, entry.child, entry.upstream, timeoutMs);
      }
    }, this.options.livenessIntervalMs ?? 10_000);
    this.livenessTimer.unref();
  }

  private async checkLiveness(entry: TenantProcess, child: ChildProcess, upstream: Upstream, timeoutMs: number): Promise<void> {
    const healthy = await isHealthy(upstream, timeoutMs);
    if (entry.child !== child) return;
    entry.failedChecks = healthy ? 0 : entry.failedChecks + 1;
    if (healthy || entry.failedChecks < (this.options.maxFailedChecks ?? 3)) return;
    this.logger.error({ tenant: entry.tenant, pid: child.pid, failedChecks: entry.failedChecks }, 'tenant failed consecutive health checks, killing it');
    entry.failedChecks = 0;
    child.kill('SIGKILL');
  }

  /** Picks a port one start at a time, so that two starts cannot pick the same port. */
  private reservePort(entry: TenantProcess): Promise<number> {
    const reserved = this.portQueue.then(async () => {
      const inUse = new Set<number>();
      for (const other of this.processes.values()) {
        if (other !== entry && other.port !== null) inUse.add(other.port);
      }
      entry.port = await allocatePort(this.options.config.bindHost, this.options.config.ports.tenantRange, inUse);
      return entry.port;
    });
    this.portQueue = reserved.catch(() => undefined);
    return reserved;
  }

  private spawnTenant(tenant: string, port: number): ChildProcess {
    const { config } = this.options;
    const paths = dataPaths(config);
    mkdirSync(paths.logDir, { recursive: true, mode: 0o700 });
    // The child gets its own copy of the descriptor, so admin can close its copy right away.
    const logFile = openSync(path.join(paths.logDir, `${tenant}.log`), 'a', 0o600);
    try {
      const child = spawn(process.execPath, [this.tenantEntry()], {
        env: tenantEnvironment(path.join(paths.tenantSecretsDir, `${tenant}.json`), config.bindHost, port, localCaCertificate(paths.caDir)),
        // Its own process group keeps a Ctrl+C at the terminal from reaching the
        // tenant directly; admin stops it. The stdin pipe stops it if admin dies.
        detached: true,
        stdio: ['pipe', logFile, logFile],
      });
      child.on('error', (error) => this.logger.error({ tenant, err: error }, 'tenant process error'));
      return child;
    } finally {
      closeSync(logFile);
    }
  }

  private handleExit(entry: TenantProcess, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (entry.child !== child) return;
    entry.child = null;
    entry.port = null;
    entry.upstream = null;
    // A failed start is reported to the caller of start(); only a running tenant is restarted here.
    if (!entry.shouldRun || entry.starting) return;
    this.logger.warn({ tenant: entry.tenant, code, signal }, 'tenant exited unexpectedly');
    if (Date.now() - entry.healthySince > RECOVERED_AFTER_MS) entry.crashes = 0;
    this.scheduleRestart(entry);
  }

  private scheduleRestart(entry: TenantProcess): void {
    const delay = restartDelay(entry.crashes, this.options.restartDelayMs ?? 1_000, this.options.maxRestartDelayMs ?? 30_000);
    entry.crashes++;
    this.logger.info({ tenant: entry.tenant, delayMs: delay, attempt: entry.crashes }, 'tenant restart scheduled');
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = null;
      if (!entry.shouldRun) return;
      this.launch(entry).catch((error: unknown) => {
        this.logger.error({ tenant: entry.tenant, err: error }, 'tenant restart failed');
        if (entry.shouldRun) this.scheduleRestart(entry);
      });
    }, delay);
    entry.restartTimer.unref();
  }

  private cancelRestart(entry: TenantProcess): void {
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    entry.restartTimer = null;
  }

  private async terminate(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopGraceMs ?? 10_000);
    await exited;
    clearTimeout(timer);
  }

  private tenantEntry(): string {
    // Resolved on first use, so that tests passing their own script need no built tenant package.
    return this.options.tenantEntry ?? createRequire(import.meta.url).resolve('@esm/tenant');
  }
}

/** Computes the delay before restart number `crashes + 1`: `initialMs` doubled per earlier crash, at most `maxMs`. */
export function restartDelay(crashes: number, initialMs: number, maxMs: number): number {
  return Math.min(initialMs * 2 ** crashes, maxMs);
}

/**
 * Builds the whole environment of a tenant process. Nothing is inherited from
 * admin, so the platform configuration, credentials and database passwords
 * in admin's environment never reach a tenant. `extraCaFile`, when given,
 * becomes NODE_EXTRA_CA_CERTS, so that the tenant trusts the gateway's
 * certificate when it imports from a template through the gateway.
 */
export function tenantEnvironment(secretFile: string, host: string, port: number, extraCaFile?: string): Record<string, string> {
  const env: Record<string, string> = {
    ESM_TENANT_SECRET_FILE: secretFile,
    ESM_TENANT_PORT: String(port),
    ESM_TENANT_HOST: host,
    [SUPERVISED_VARIABLE]: '1',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  };
  if (extraCaFile !== undefined) env.NODE_EXTRA_CA_CERTS = extraCaFile;
  for (const name of ['ESM_LOG_LEVEL', 'NODE_ENV'] as const) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Returns the certificate file of the local CA that the gateway creates in `caDir`, or undefined before the gateway made one. */
function localCaCertificate(caDir: string): string | undefined {
  const file = path.join(caDir, 'ca.crt');
  return existsSync(file) ? file : undefined;
}
