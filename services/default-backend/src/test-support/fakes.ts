import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { randomSecret, serviceCredentialFile, type PlatformConfig } from '@esm/common';

/** A request that reached a fake server. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface CannedAnswer {
  status: number;
  body?: unknown;
}

type AnswerSource = CannedAnswer | ((request: RecordedRequest) => Promise<CannedAnswer> | CannedAnswer);

/**
 * A stand-in for admin's internal API. It accepts only the given bearer
 * credential and returns the canned response from `answers` keyed by
 * "METHOD /path". Any other path returns 404 TENANT_NOT_FOUND.
 */
export interface FakeAdmin {
  port: number;
  requests: RecordedRequest[];
  answers: Map<string, AnswerSource>;
  close(): Promise<void>;
}

export async function startFakeAdmin(credential: string): Promise<FakeAdmin> {
  const requests: RecordedRequest[] = [];
  const answers = new Map<string, AnswerSource>();
  const server = http.createServer(async (request, response) => {
    const recorded = await record(request);
    requests.push(recorded);
    let answer: CannedAnswer = { status: 404, body: { error: { code: 'TENANT_NOT_FOUND' } } };
    if (request.headers.authorization !== `Bearer ${credential}`) {
      answer = { status: 401, body: { error: { code: 'ADMIN_CREDENTIAL_INVALID' } } };
    } else {
      const source = answers.get(`${recorded.method} ${recorded.url}`);
      if (source) answer = typeof source === 'function' ? await source(recorded) : source;
    }
    if (response.destroyed) return;
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    response.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  });
  const port = await listenOnLoopback(server);
  return { port, requests, answers, close: () => closeServer(server) };
}

/** A fake tenant that echoes each request as JSON and greets WebSocket clients. */
export interface EchoServer {
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startEchoServer(): Promise<EchoServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer(async (request, response) => {
    const recorded = await record(request);
    requests.push(recorded);
    const text = JSON.stringify({ upstream: 'tenant', ...recorded });
    response.writeHead(200, { 'content-type': 'application/json', server: 'Echo/1.0', 'x-powered-by': 'Echo' });
    response.end(text);
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket, request) => socket.send(JSON.stringify({ upstream: 'tenant', url: request.url })));
  const port = await listenOnLoopback(server);
  return {
    port,
    requests,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await closeServer(server);
    },
  };
}

/** Returns a loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  const port = await listenOnLoopback(server);
  await closeServer(server);
  return port;
}

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

async function record(request: http.IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
}

function listenOnLoopback(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
