import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { randomSecret, serviceCredentialFile, type AdminCaller, type PlatformConfig } from '@esm/common';

export { closedPort, startEchoServer, startFakeAdmin, type CannedAnswer, type EchoServer, type FakeAdmin, type RecordedRequest } from '../../../../tests/support/fake-services.js';

/**
 * Builds a PlatformConfig with a fresh data folder and writes a credential
 * file for each admin caller. Ports that are 0 here are set by the test.
 */
export async function createTestConfig(ports: Partial<PlatformConfig['ports']> = {}): Promise<{
  config: PlatformConfig;
  credentials: Record<AdminCaller, string>;
}> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'esm-gateway-test-'));
  const config: PlatformConfig = {
    dataDir,
    secretsDir: path.join(dataDir, 'secrets'),
    baseDomain: 'esm.localhost',
    mainSiteUrl: 'https://www.example.com/',
    bindHost: '127.0.0.1',
    ports: {
      https: 0,
      http: 0,
      admin: 0,
      registration: 0,
      defaultBackend: 0,
      tenantRange: [1024, 65535],
      embeddedPostgres: 0,
      ...ports,
    },
    publicHttpsPort: 8443,
    postgres: { embedded: true, servers: [] },
    mail: { from: 'esm@example.com', outboxDir: path.join(dataDir, 'outbox') },
    sms: { provider: 'outbox', outboxDir: path.join(dataDir, 'outbox') },
    wakeTimeoutMs: 30_000,
    deploymentTokenTtlMs: 60 * 60 * 1000,
  };
  const credentials = {
    gateway: randomSecret(),
    'default-backend': randomSecret(),
    registration: randomSecret(),
    cli: randomSecret(),
  };
  for (const [caller, credential] of Object.entries(credentials)) {
    const file = serviceCredentialFile(config, caller as AdminCaller);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, credential + '\n', { mode: 0o600 });
  }
  return { config, credentials };
}

export interface TestResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends an HTTPS request to 127.0.0.1 with the given Host and TLS server name, trusting only `ca`. */
export function httpsRequest(options: {
  port: number;
  host: string;
  /** The TLS server name (SNI), checked against the certificate; defaults to the Host without its port. */
  servername?: string;
  ca: string;
  path?: string;
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string;
}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port: options.port,
        servername: options.servername ?? options.host.replace(/:\d+$/, ''),
        ca: options.ca,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: { host: options.host, ...options.headers },
        agent: false,
      },
      (response) => collect(response, resolve, reject),
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Sends a plain HTTP request to 127.0.0.1 with the given Host header. */
export function httpRequest(options: { port: number; host: string; path?: string }): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: options.port, path: options.path ?? '/', headers: { host: options.host }, agent: false },
      (response) => collect(response, resolve, reject),
    );
    request.on('error', reject);
    request.end();
  });
}

function collect(response: http.IncomingMessage, resolve: (value: TestResponse) => void, reject: (error: Error) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('error', reject);
  response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
}

