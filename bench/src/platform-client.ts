import { chmod, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { adminBaseUrl, createAdminClient, createLogger, dataPaths, readServiceCredential, type AdminCaller, type AdminClient, type PlatformConfig } from '@esm/common';
import { resolvePlatformConfig } from '@esm/platform/dist/config.js';
import { startPlatform } from '@esm/platform/dist/platform.js';
import { findFreePort } from './postgres.js';
import { progress } from './progress.js';

/** A whole platform started by the benchmark, with its own embedded PostgreSQL server and data folder. */
export interface BenchPlatform {
  config: PlatformConfig;
  admin(caller: AdminCaller): Promise<AdminClient>;
  /** Sends one request through the gateway's HTTPS port for `<tenant>.<base domain>`. */
  request(tenant: string, requestPath: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

/**
 * Starts the platform through its launcher, as `npm start` does, on free
 * loopback ports. Tenant processes are started by its admin service.
 */
export async function startBenchPlatform(suite: string, runDirectory: string): Promise<BenchPlatform> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'esm-bench-platform-'));
  // The embedded server may run under the unprivileged postgres account, which must reach the folder.
  await chmod(dataDir, 0o755);
  const tenantPortsFrom = await findFreePort();
  const port = async () => String(await findFreePort());
  const config = resolvePlatformConfig({
    ESM_DATA_DIR: dataDir,
    ESM_HTTPS_PORT: await port(),
    ESM_HTTP_PORT: await port(),
    ESM_ADMIN_PORT: await port(),
    ESM_REGISTRATION_PORT: await port(),
    ESM_DEFAULT_BACKEND_PORT: await port(),
    ESM_ADMIN_METRICS_PORT: await port(),
    ESM_REGISTRATION_METRICS_PORT: await port(),
    ESM_DEFAULT_BACKEND_METRICS_PORT: await port(),
    ESM_GATEWAY_METRICS_PORT: await port(),
    ESM_POSTGRES_PORT: await port(),
    // A range above a port the kernel just handed out is very likely free.
    ESM_TENANT_PORTS: `${tenantPortsFrom}-${Math.min(tenantPortsFrom + 40, 65535)}`,
  });
  const running = await startPlatform(config, {
    logger: createLogger('bench-platform', { level: 'warn' }),
    onStep: (step, index, total) => progress(suite, `platform start ${index}/${total}: ${step}`),
  });
  const ca = await readFile(path.join(dataPaths(config).caDir, 'ca.crt'));

  return {
    config,
    admin: async (caller) => createAdminClient(adminBaseUrl(config), await readServiceCredential(config, caller)),
    request: (tenant, requestPath, headers = {}) => gatewayRequest(config, ca, `${tenant}.${config.baseDomain}`, requestPath, headers),
    async stop() {
      await running.stop();
      // The logs outlive the data folder, for reading after the run.
      await cp(dataPaths(config).logDir, path.join(runDirectory, 'platform-logs'), { recursive: true }).catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Sends a GET through the gateway on a new TLS connection, verifying its
 * certificate against the platform's CA. Node's resolver does not map
 * `*.localhost` to loopback, so the request goes to 127.0.0.1 with the Host
 * header and the TLS server name set.
 */
function gatewayRequest(config: PlatformConfig, ca: Buffer, host: string, requestPath: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port: config.ports.https,
        servername: host,
        ca,
        agent: false,
        method: 'GET',
        path: requestPath,
        headers: { host: `${host}:${config.publicHttpsPort}`, ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.setTimeout(60_000, () => request.destroy(new Error(`GET ${host}${requestPath} timed out after 60 s`)));
    request.end();
  });
}
