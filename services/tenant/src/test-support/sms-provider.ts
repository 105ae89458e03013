import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake SMS provider received. */
export interface ReceivedSms {
  headers: IncomingHttpHeaders;
  body: { to: string; text: string };
}

/** An HTTP SMS provider on a loopback port that records what it receives. */
export interface FakeSmsProvider {
  url: string;
  received: ReceivedSms[];
  /** Status of the next responses; 200 by default. */
  status: number;
  /** Milliseconds to wait before responding. */
  delayMs: number;
  close(): Promise<void>;
}

/** Starts a fake SMS provider on 127.0.0.1 with a free port. */
export async function startFakeSmsProvider(): Promise<FakeSmsProvider> {
  const provider: FakeSmsProvider = { url: '', received: [], status: 200, delayMs: 0, close: async () => undefined };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      provider.received.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      setTimeout(() => {
        response.writeHead(provider.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ accepted: provider.status < 300 }));
      }, provider.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/messages`;
  provider.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  return provider;
}
