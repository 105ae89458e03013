import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { randomSecret, serviceCredentialFile, type AdminCaller, type PlatformConfig } from '@esm/common';

/** A request that reached a fake server. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A canned admin response: status and JSON body. */
export interface CannedAnswer {
  status: number;
  body?: unknown;
}

/**
 * A stand-in for admin's internal API. It checks the caller's bearer
 * credential and returns the canned response from `answers` keyed by
 * "METHOD /path". Any other path returns 404 TENANT_NOT_FOUND.
 */
export interface FakeAdmin {
  port: number;
  requests: RecordedRequest[];
  answers: Map<string, CannedAnswer | ((request: RecordedRequest) => Promise<CannedAnswer> | CannedAnswer)>;
  close(): Promise<void>;
}

export async function startFakeAdmin(credential: string): Promise<FakeAdmin> {
  const requests: RecordedRequest[] = [];
  const answers: FakeAdmin['answers'] = new Map();
  const server = http.createServer(async (request, response) => {
    const recorded = await record(request);
    requests.push(recorded);
    let answer: CannedAnswer = { status: 404, body: { error: { code: 'TENANT_NOT_FOUND' } } };
    if (request.headers.authorization !== `Bearer ${credential}`) {
      answer = { status: 401, body: { error: { code: 'ADMIN_CREDENTIAL_INVALID' } } };
    } else {
      const canned = answers.get(`${recorded.method} ${recorded.url}`);
      if (canned) answer = typeof canned === 'function' ? await canned(recorded) : canned;
    }
    sendJson(response, answer.status, answer.body);
  });
  const port = await listenOnLoopback(server);
  return { port, requests, answers, close: () => closeServer(server) };
}

/** A fake service that echoes what it received as JSON, and accepts WebSockets that echo messages. */
export interface EchoServer {
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startEchoServer(name: string): Promise<EchoServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer(async (request, response) => {
    const recorded = await record(request);
    requests.push(recorded);
    // The gateway must strip these; a real upstream could reveal its software with them.
    response.setHeader('server', 'EchoServer/1.2.3');
    response.setHeader('x-powered-by', 'Echo');
    sendJson(response, 200, { upstream: name, ...recorded });
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket, request) => {
    socket.send(JSON.stringify({ upstream: name, url: request.url, headers: request.headers }));
    socket.on('message', (data) => socket.send(`echo:${String(data)}`));
  });
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

/** Returns a loopback port with nothing listening on it, for "upstream unreachable" cases. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  const port = await listenOnLoopback(server);
  await closeServer(server);
  return port;
}

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

async function record(request: http.IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
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
