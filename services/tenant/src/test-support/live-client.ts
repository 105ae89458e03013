import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { WebSocket } from 'ws';

/** A WebSocket client of `/api/live` that keeps every message it receives. */
export interface LiveClient {
  socket: WebSocket;
  messages: Record<string, unknown>[];
  /** Resolves with the close code. */
  closed: Promise<number>;
  opened: Promise<void>;
}

/** Opens a connection to `url` with the given Origin header and collects its messages. */
export function connectLiveClient(url: string, origin: string): LiveClient {
  const socket = new WebSocket(url, { origin });
  const messages: Record<string, unknown>[] = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  const opened = new Promise<void>((resolve, reject) => {
    socket.on('open', () => resolve());
    socket.on('error', reject);
  });
  return { socket, messages, closed, opened };
}

/** Opens a connection and sends the auth message; resolves once the server confirmed it. */
export async function connectAuthenticatedLiveClient(url: string, origin: string, token: string): Promise<LiveClient> {
  const client = connectLiveClient(url, origin);
  await client.opened;
  client.socket.send(JSON.stringify({ type: 'auth', token }));
  await waitFor(() => client.messages.some((message) => message.type === 'authenticated'));
  return client;
}

/** Listens on a free port of 127.0.0.1 and returns the app's `/api/live` URL. */
export async function listenForLiveClients(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/live`;
}

/** Polls `condition` every 20 ms; throws when it is still false after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
