import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import type { Registry } from 'prom-client';
import { AppError, counterIn, histogramIn, pickLocale, redactUrl, toErrorBody, type Logger, type PlatformConfig } from '@esm/common';
import { GATEWAY_ERRORS } from './errors.js';
import type { RouteCache } from './route-cache.js';
import type { RouteDecision } from './routing.js';

/** One year; browsers then use HTTPS for the platform's hosts without a redirect first. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

// Headers a client could send to pose as another address, scheme or host.
// They are removed before the gateway sets its own values.
const FORWARDING_HEADER = /^(x-forwarded-.*|forwarded|x-real-ip)$/;
const RESPONSE_HEADERS_REMOVED = ['server', 'x-powered-by'];

export interface ProxyHandlerOptions {
  config: PlatformConfig;
  resolveRoute: (hostHeader: string | undefined) => Promise<RouteDecision>;
  routes: RouteCache;
  logger: Logger;
  /** Registry for request counts and durations by upstream kind (tenant, registration, default-backend). */
  metrics?: Registry;
}

export interface ProxyHandlers {
  handleRequest(request: IncomingMessage, response: ServerResponse): void;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * Creates the HTTPS request and WebSocket upgrade handlers: each request is
 * routed by its Host header, gets trusted X-Forwarded-* headers and is proxied
 * with http-proxy-3.
 */
export function createProxyHandlers(options: ProxyHandlerOptions): ProxyHandlers {
  const { config, resolveRoute, routes, logger } = options;
  const proxy = createProxyServer({});
  // http-proxy-3 throws an error that reaches no listener but its own, and a browser that resets a proxied
  // WebSocket (a page closed or reloaded) then ends the gateway with ECONNRESET. Requests report their errors
  // through their own callbacks, so this listener only logs.
  proxy.on('error', (error) => logger.debug({ err: error }, 'proxied connection failed'));
  const labels = ['method', 'route', 'status'] as const;
  const requestCounter = options.metrics && counterIn(options.metrics, 'http_requests_total', 'Proxied HTTP requests by method, upstream kind and status.', labels);
  const requestDurations =
    options.metrics && histogramIn(options.metrics, 'http_request_duration_seconds', 'Proxied HTTP request durations in seconds.', labels);

  proxy.on('proxyRes', (proxyResponse, request) => {
    for (const name of RESPONSE_HEADERS_REMOVED) delete proxyResponse.headers[name];
    if (isPlatformHost(request.headers.host, config.baseDomain)) {
      proxyResponse.headers['strict-transport-security'] = STRICT_TRANSPORT_SECURITY;
    }
  });

  function forgetTenantRoute(decision: RouteDecision): void {
    if (decision.kind === 'tenant') routes.invalidate(decision.tenant);
  }

  function handleRequest(request: IncomingMessage, response: ServerResponse): void {
    const requestId = randomUUID();
    const startedAt = performance.now();
    const host = request.headers.host;
    let decision: RouteDecision | undefined;

    response.on('close', () => {
      const series = { method: request.method ?? '', route: decision?.kind ?? 'unrouted', status: String(response.statusCode) };
      requestCounter?.inc(series);
      requestDurations?.observe(series, (performance.now() - startedAt) / 1000);
      logger.info(
        {
          requestId,
          host,
          method: request.method,
          path: redactUrl(request.url ?? ''),
          status: response.statusCode,
          durationMs: Math.round(performance.now() - startedAt),
          route: decision?.kind,
          tenant: decision && decision.kind !== 'registration' ? decision.tenant : undefined,
          completed: response.writableFinished,
        },
        'request proxied',
      );
    });

    setForwardingHeaders(request, config);
    const forward = (resolved: RouteDecision, attempt: number) => {
      decision = resolved;
      proxy.web(request, response, { target: toTarget(resolved) }, (error) => {
        forgetTenantRoute(resolved);
        if (attempt === 1 && isStaleTenantRoute(resolved, error) && !hasBody(request) && !response.headersSent) {
          // The tenant was stopped after its route was cached. A request
          // without a body can be sent again, now to wherever admin routes it.
          logger.info({ requestId, tenant: resolved.kind === 'tenant' ? resolved.tenant : undefined }, 'stale tenant route, routing again');
          resolveTenantRoute(request).then((fresh) => forward(fresh, 2), fail);
          return;
        }
        logger.warn({ requestId, err: error, route: resolved.kind }, 'upstream request failed');
        sendUpstreamError(request, response, requestId, config);
      });
    };
    const fail = (error: unknown) => {
      logger.error({ requestId, err: error }, 'routing failed');
      sendUpstreamError(request, response, requestId, config);
    };
    resolveTenantRoute(request).then((resolved) => forward(resolved, 1), fail);
  }

  /**
   * Resolves the route of a request. A request with a body cannot be sent
   * twice, because the proxy consumes the body on the first try, so a cached
   * tenant route is checked with a loopback connect first and looked up again
   * when the tenant no longer listens.
   */
  async function resolveTenantRoute(request: IncomingMessage): Promise<RouteDecision> {
    const resolved = await resolveRoute(request.headers.host);
    if (resolved.kind !== 'tenant' || !hasBody(request) || (await canConnect(resolved.upstream))) return resolved;
    routes.invalidate(resolved.tenant);
    return resolveRoute(request.headers.host);
  }

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const requestId = randomUUID();
    // Without a listener, a client that vanishes would raise an uncaught error.
    socket.on('error', (error) => logger.debug({ requestId, err: error }, 'websocket client socket failed'));

    setForwardingHeaders(request, config);
    resolveRoute(request.headers.host)
      .then((decision) => {
        logger.info(
          { requestId, host: request.headers.host, path: redactUrl(request.url ?? ''), route: decision.kind },
          'websocket upgrade proxied',
        );
        proxy.ws(request, socket, head, { target: toTarget(decision) }, (error) => {
          forgetTenantRoute(decision);
          logger.warn({ requestId, err: error, route: decision.kind }, 'websocket upstream failed');
          rejectUpgrade(request, socket, requestId, config);
        });
      })
      .catch((error: unknown) => {
        logger.error({ requestId, err: error }, 'routing failed');
        rejectUpgrade(request, socket, requestId, config);
      });
  }

  return { handleRequest, handleUpgrade };
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isStaleTenantRoute(decision: RouteDecision, error: Error): boolean {
  return decision.kind === 'tenant' && (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
}

function canConnect(upstream: { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: upstream.host, port: upstream.port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Replaces every client-sent forwarding header with the gateway's own values,
 * so upstreams can trust X-Forwarded-For, -Proto and -Host from loopback.
 */
export function setForwardingHeaders(request: IncomingMessage, config: Pick<PlatformConfig, 'publicHttpsPort'>): void {
  for (const name of Object.keys(request.headers)) {
    if (FORWARDING_HEADER.test(name)) delete request.headers[name];
  }
  request.headers['x-forwarded-for'] = clientAddress(request);
  request.headers['x-forwarded-proto'] = 'https';
  request.headers['x-forwarded-host'] = request.headers.host ?? '';
  request.headers['x-forwarded-port'] = String(config.publicHttpsPort);
}

function clientAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '';
  // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d.
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function toTarget(decision: RouteDecision): string {
  const { host, port } = decision.upstream;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Checks whether a Host header names the base domain or a host under it. HSTS
 * is sent only for those, because HSTS for `localhost` or an IP address would
 * force HTTPS on every other local service of the same host name.
 */
export function isPlatformHost(hostHeader: string | undefined, baseDomain: string): boolean {
  if (!hostHeader) return false;
  const hostname = hostHeader.replace(/:\d+$/, '').toLowerCase().replace(/\.$/, '');
  const domain = baseDomain.toLowerCase();
  return hostname === domain || hostname.endsWith(`.${domain}`);
}

function upstreamErrorBody(request: IncomingMessage, requestId: string): string {
  const error = new AppError(GATEWAY_ERRORS.upstreamUnreachable);
  return JSON.stringify(toErrorBody(error, pickLocale(request.headers['accept-language']), requestId));
}

/** Sends the coded 502. Once the upstream has sent headers, only the connection can be cut. */
function sendUpstreamError(request: IncomingMessage, response: ServerResponse, requestId: string, config: PlatformConfig): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  for (const name of response.getHeaderNames()) response.removeHeader(name);
  const body = upstreamErrorBody(request, requestId);
  response.statusCode = GATEWAY_ERRORS.upstreamUnreachable.status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('content-length', Buffer.byteLength(body));
  response.setHeader('cache-control', 'no-store');
  if (isPlatformHost(request.headers.host, config.baseDomain)) {
    response.setHeader('strict-transport-security', STRICT_TRANSPORT_SECURITY);
  }
  response.end(body);
}

/** Rejects a failed upgrade with a plain HTTP 502 while the client socket has not received anything yet. */
function rejectUpgrade(request: IncomingMessage, socket: Duplex, requestId: string, config: PlatformConfig): void {
  const untouched = 'bytesWritten' in socket && (socket as { bytesWritten: number }).bytesWritten === 0;
  if (socket.writable && untouched) {
    const body = upstreamErrorBody(request, requestId);
    const headers = [
      'HTTP/1.1 502 Bad Gateway',
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
    ];
    if (isPlatformHost(request.headers.host, config.baseDomain)) {
      headers.push(`strict-transport-security: ${STRICT_TRANSPORT_SECURITY}`);
    }
    socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
    return;
  }
  socket.destroy();
}
