import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, pickLocale, toErrorBody } from '@esm/common';
import { GATEWAY_ERRORS } from './errors.js';

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

/** Creates the plain-HTTP handler that sends every request to HTTPS with a 301. */
export function createRedirectHandler(publicHttpsPort: number) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const location = httpsLocation(request.headers.host, request.url, publicHttpsPort);
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
