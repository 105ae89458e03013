import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, pickLocale, toErrorBody } from '@esm/common';
import { GATEWAY_ERRORS } from './errors.js';
import { isPlatformHost } from './proxy-handlers.js';

// A host name or bracketed IPv6 address with an optional port; anything else
// could inject text into the Location header.
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::\d{1,5})?$/i;

/**
 * Returns the HTTPS address for a plain-HTTP request: the same host and path,
 * with the port browsers use for HTTPS. Returns null for a missing or
 * malformed Host header.
 */
export function httpsLocation(hostHeader: string | undefined, url: string | undefined, publicHttpsPort: number): string | null {
  const match = hostHeader ? HOST_HEADER.exec(hostHeader) : null;
  if (!match?.[1]) return null;
  const port = publicHttpsPort === 443 ? '' : `:${publicHttpsPort}`;
  // Absolute-form request targets (proxy style) are not followed; they get the site root.
  const path = url?.startsWith('/') ? url : '/';
  return `https://${match[1].toLowerCase()}${port}${path}`;
}

/**
 * Creates the plain-HTTP handler that sends every request for the base
 * domain or a host under it to HTTPS with a 301. Other hosts get 400, so the
 * port never redirects to a name the platform does not serve.
 */
export function createRedirectHandler(publicHttpsPort: number, baseDomain: string) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const location = isPlatformHost(request.headers.host, baseDomain)
      ? httpsLocation(request.headers.host, request.url, publicHttpsPort)
      : null;
    if (location) {
      response.writeHead(301, { location, 'content-length': 0, 'cache-control': 'no-store' });
      response.end();
      return;
    }
    const error = new AppError(GATEWAY_ERRORS.hostInvalid);
    const body = JSON.stringify(toErrorBody(error, pickLocale(request.headers['accept-language']), randomUUID()));
    response.writeHead(error.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  };
}

/**
 * Answers a request that Node's HTTP parser rejected (a malformed request
 * line, oversized headers) with a coded JSON error instead of Node's empty
 * 400 or 431. The headers could not be read, so the message is in English.
 */
export function rejectMalformedRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const definition = error.code === 'HPE_HEADER_OVERFLOW' ? GATEWAY_ERRORS.headersTooLarge : GATEWAY_ERRORS.requestMalformed;
  const body = JSON.stringify(toErrorBody(new AppError(definition), 'en', randomUUID()));
  socket.end(
    `HTTP/1.1 ${definition.status} ${STATUS_CODES[definition.status] ?? 'Bad Request'}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
