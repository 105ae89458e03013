import { chmod, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createAdminClient, createLogger, dataPaths, readServiceCredential, adminBaseUrl, type AdminCaller, type AdminClient, type PlatformConfig } from '@esm/common';
import { resolvePlatformConfig } from '../../services/platform/src/config.js';
import { startPlatform } from '../../services/platform/src/platform.js';
import { findFreePort } from './ports.js';

export interface TestPlatform {
  config: PlatformConfig;
  dataDir: string;
  /** The generated certificate authority, to verify the gateway's certificate. */
  ca: () => Promise<Buffer>;
  admin(caller: AdminCaller): Promise<AdminClient>;
  stop(): Promise<void>;
}

/**
 * Starts the whole platform through the launcher, with its own embedded
 * PostgreSQL server, data folder and free ports, as `npm start` would.
 */
export async function startTestPlatform(extraEnv: Record<string, string> = {}): Promise<TestPlatform> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'esm-platform-'));
  // The embedded server may run under the unprivileged postgres account, which must reach the folder.
  await chmod(dataDir, 0o755);
  const tenantFrom = await findFreePort();
  const env = {
    ESM_DATA_DIR: dataDir,
    ESM_HTTPS_PORT: String(await findFreePort()),
    ESM_HTTP_PORT: String(await findFreePort()),
    ESM_ADMIN_PORT: String(await findFreePort()),
    ESM_REGISTRATION_PORT: String(await findFreePort()),
    ESM_DEFAULT_BACKEND_PORT: String(await findFreePort()),
    ESM_ADMIN_METRICS_PORT: String(await findFreePort()),
    ESM_REGISTRATION_METRICS_PORT: String(await findFreePort()),
    ESM_DEFAULT_BACKEND_METRICS_PORT: String(await findFreePort()),
    ESM_GATEWAY_METRICS_PORT: String(await findFreePort()),
    ESM_POSTGRES_PORT: String(await findFreePort()),
    // A range above a port the kernel just handed out is very likely free.
    ESM_TENANT_PORTS: `${tenantFrom}-${Math.min(tenantFrom + 40, 65535)}`,
    ...extraEnv,
  };
  const config = resolvePlatformConfig(env);
  const logger = createLogger('test-platform', { level: 'warn' });
  const running = await startPlatform(config, { logger });
  return {
    config,
    dataDir,
    ca: () => readFile(path.join(dataPaths(config).caDir, 'ca.crt')),
    admin: async (caller) => createAdminClient(adminBaseUrl(config), await readServiceCredential(config, caller)),
    stop: async () => {
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * Sends a request through the gateway's HTTPS port for `host`, verifying the
 * certificate against the platform's CA. Node's resolver does not map
 * `*.localhost` to loopback, so the request goes to 127.0.0.1 with the Host
 * header and the TLS server name set.
 */
export async function gatewayRequest(
  platform: TestPlatform,
  host: string,
  requestPath: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<GatewayResponse> {
  const ca = await platform.ca();
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port: platform.config.ports.https,
        servername: host,
        ca,
        method: options.method ?? 'GET',
        path: requestPath,
        headers: { host: `${host}:${platform.config.publicHttpsPort}`, ...options.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, json: () => JSON.parse(body) });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.setTimeout(60_000, () => request.destroy(new Error(`request to ${host}${requestPath} timed out`)));
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

export interface OutboxMessage {
  file: string;
  to: string;
  subject: string;
  text: string;
}

/** Reads every e-mail in the platform's outbox, oldest first. */
export async function readOutbox(platform: TestPlatform): Promise<OutboxMessage[]> {
  const folder = platform.config.mail.outboxDir;
  const files = (await readdir(folder).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort();
  const messages: OutboxMessage[] = [];
  for (const file of files) {
    const parsed = await simpleParser(await readFile(path.join(folder, file)));
    const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? '');
    messages.push({ file, to, subject: parsed.subject ?? '', text: parsed.text ?? '' });
  }
  return messages;
}

/** Waits until the outbox holds a message to `recipient` whose text matches `pattern`, and returns the match. */
export async function waitForMail(platform: TestPlatform, recipient: string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const message of (await readOutbox(platform)).reverse()) {
      const match = message.to.includes(recipient) ? message.text.match(pattern) : null;
      if (match) return match;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no e-mail to ${recipient} matching ${pattern} within ${timeoutMs} ms`);
}
