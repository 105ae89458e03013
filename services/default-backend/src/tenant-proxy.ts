import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import type { Upstream } from './tenant-admin.js';

const RESPONSE_HEADERS_REMOVED = ['server', 'x-powered-by'];

export interface TenantProxy {
  /** Forwards an HTTP request, body included and method unchanged, to a woken tenant. */
  web(request: IncomingMessage, response: ServerResponse, upstream: Upstream, onError: (error: Error) => void): void;
  /** Forwards a WebSocket upgrade to a woken tenant. */
  ws(request: IncomingMessage, socket: Duplex, head: Buffer, upstream: Upstream, onError: (error: Error) => void): void;
}

/**
 * Creates the proxy to tenant processes. The request keeps its Host and the
 * X-Forwarded-* headers that the gateway set, so the tenant receives the same
 * headers as when the gateway routes to it directly.
 */
export function createTenantProxy(): TenantProxy {
  const proxy = createProxyServer({});
  proxy.on('proxyRes', (proxyResponse) => {
    for (const name of RESPONSE_HEADERS_REMOVED) delete proxyResponse.headers[name];
  });
  return {
    web(request, response, upstream, onError) {
      proxy.web(request, response, { target: toTarget(upstream) }, (error) => onError(error));
    },
    ws(request, socket, head, upstream, onError) {
      proxy.ws(request, socket, head, { target: toTarget(upstream) }, (error) => onError(error));
    },
  };
}

function toTarget(upstream: Upstream): string {
  return `http://${upstream.host.includes(':') ? `[${upstream.host}]` : upstream.host}:${upstream.port}`;
}

/** The check lives in @esm/common, shared with the gateway and the default backend. */
export { isTenantUpstreamAllowed } from '@esm/common';
