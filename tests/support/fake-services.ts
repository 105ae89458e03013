import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

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
 * "METHOD /path", or computed by a function of the request. Any other path
 * returns 404 TENANT_NOT_FOUND.
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
    const recorded = await recordRequest(request);
    requests.push(recorded);
    let answer: CannedAnswer = { status: 404, body: { error: { code: 'TENANT_NOT_FOUND' } } };
    if (request.headers.authorization !== `Bearer ${credential}`) {
      answer = { status: 401, body: { error: { code: 'ADMIN_CREDENTIAL_INVALID' } } };
    } else {
      const canned = answers.get(`${recorded.method} ${recorded.url}`);
      if (canned) answer = typeof canned === 'function' ? await canned(recorded) : canned;
    }
    // A computed answer may arrive after the caller gave up.
    if (response.destroyed) return;
    sendJson(response, answer.status, answer.body);
  });
  const port = await listenOnLoopback(server);
  return { port, requests, answers, close: () => closeServer(server) };
}

/** A fake upstream that echoes what it received as JSON, and accepts WebSockets that echo messages. */
export interface EchoServer {
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startEchoServer(name = 'tenant'): Promise<EchoServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer(async (request, response) => {
    const recorded = await recordRequest(request);
    requests.push(recorded);
    // A proxy in front must strip these; a real upstream could reveal its software with them.
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

export async function recordRequest(request: http.IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
}

export function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function listenOnLoopback(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
