import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import type { PlatformConfig } from '@esm/common';
import type { Upstream } from './tenant-admin.js';

const RESPONSE_HEADERS_REMOVED = ['server', 'x-powered-by'];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

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

/**
 * Checks that an upstream from admin is a loopback or bind-host address with a
 * port in the tenant range and not one of the platform's own ports, so that a
 * wrong registry row cannot send requests to admin or PostgreSQL.
 *
 * NOTE: the gateway's routing module has a copy of this check, so a change must be made in both.
 */
export function isTenantUpstreamAllowed(config: PlatformConfig, upstream: Upstream): boolean {
  const host = upstream.host.replace(/^\[|\]$/g, '');
  if (host !== config.bindHost && !LOOPBACK_HOSTS.has(host)) return false;
  const [lowest, highest] = config.ports.tenantRange;
  if (!Number.isInteger(upstream.port) || upstream.port < lowest || upstream.port > highest) return false;
  const platformPorts = [
    config.ports.admin,
    config.ports.https,
    config.ports.http,
    config.ports.registration,
    config.ports.defaultBackend,
    config.ports.embeddedPostgres,
  ];
  return !platformPorts.includes(upstream.port);
}
