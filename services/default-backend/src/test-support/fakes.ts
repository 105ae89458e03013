import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomSecret, serviceCredentialFile, type PlatformConfig } from '@esm/common';

export { closedPort, startEchoServer, startFakeAdmin, type CannedAnswer, type EchoServer, type FakeAdmin, type RecordedRequest } from '../../../../tests/support/fake-services.js';

/** Builds a PlatformConfig with a fresh data folder and the default backend's credential file. */
export async function createTestConfig(): Promise<{ config: PlatformConfig; credential: string }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'esm-default-backend-test-'));
  const config: PlatformConfig = {
    dataDir,
    secretsDir: path.join(dataDir, 'secrets'),
    baseDomain: 'esm.localhost',
    mainSiteUrl: 'https://www.example.com/',
    bindHost: '127.0.0.1',
    ports: { https: 0, http: 0, admin: 0, registration: 0, defaultBackend: 0, tenantRange: [1024, 65535], embeddedPostgres: 0 },
    publicHttpsPort: 8443,
    postgres: { embedded: true, servers: [] },
    mail: { from: 'esm@example.com', outboxDir: path.join(dataDir, 'outbox') },
    sms: { provider: 'outbox', outboxDir: path.join(dataDir, 'outbox') },
    wakeTimeoutMs: 30_000,
    deploymentTokenTtlMs: 60 * 60 * 1000,
  };
  const credential = randomSecret();
  const file = serviceCredentialFile(config, 'default-backend');
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, credential + '\n', { mode: 0o600 });
  return { config, credential };
}

export interface TestResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends an HTTP request to 127.0.0.1 as the gateway would, with the given Host. */
export function sendRequest(options: {
  port: number;
  host: string;
  path?: string;
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string;
}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: { host: options.host, ...options.headers },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

