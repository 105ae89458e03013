import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  adminBaseUrl,
  AppError,
  COMMON_ERRORS,
  createAdminClient,
  createHttpService,
  createLogger,
  createMetricsRegistry,
  pickLocale,
  SHUTDOWN_GRACE_MS,
  startMetricsListener,
  readServiceCredential,
  tenantNameFromHost,
  type Logger,
  type PlatformConfig,
} from '@esm/common';
import { DEFAULT_BACKEND_ERRORS } from './errors.js';
import { prefersHtml, renderError, type RenderedAnswer, type RenderOptions } from './pages.js';
import { createTenantResolver, type TenantResolution } from './resolve-tenant.js';
import { createTenantAdmin } from './tenant-admin.js';
import { createTenantProxy } from './tenant-proxy.js';
import { createWakeGate, DEFAULT_WAKE_LIMITS } from './wake-gate.js';

export interface DefaultBackendOptions {
  logger?: Logger;
  /** How long close() lets requests in flight finish before it cuts them (default SHUTDOWN_GRACE_MS). */
  shutdownGraceMs?: number;
}

export interface RunningDefaultBackend {
  port: number;
  /** Port of the `/metrics` listener, when `config.metricsPorts` names one. */
  metricsPort?: number;
  /**
   * Stops accepting connections, cuts WebSocket tunnels (clients reconnect),
   * lets HTTP requests in flight finish for up to the grace period and then
   * cuts the rest.
   */
  close(): Promise<void>;
}

// Same rule as createHttpService's trustProxy: only the gateway on loopback may set X-Forwarded-Host.
const TRUSTED_PROXY_ADDRESSES = new Set(['127.0.0.1', '::ffff:127.0.0.1']);

/**
 * Starts the default backend: the service behind every host without a route.
 * Tenant hosts are woken and proxied or get an information page; other hosts
 * are redirected to the main site.
 */
export async function startDefaultBackend(config: PlatformConfig, options: DefaultBackendOptions = {}): Promise<RunningDefaultBackend> {
  const logger = options.logger ?? createLogger('default-backend');
  const admin = createAdminClient(adminBaseUrl(config), await readServiceCredential(config, 'default-backend'));
  const metrics = createMetricsRegistry('default-backend');
  const wakeLimits = config.wake ?? DEFAULT_WAKE_LIMITS;
  const resolveTenant = createTenantResolver(config, createTenantAdmin(admin, config, logger, metrics), logger, createWakeGate(wakeLimits));
  const proxy = createTenantProxy();
  const mainSiteHost = new URL(config.mainSiteUrl).host.toLowerCase();

  const app = createHttpService({ logger, trustProxy: true, metrics });

  // Tenant hosts are handled before body parsing, so that the body stays
  // unread and can be streamed to the tenant once it is awake.
  app.addHook('onRequest', async (request, reply) => {
    const name = tenantNameFromHost(request.host, config.baseDomain);
    if (name === null) return;
    // A browser's page load gets the self-reloading "starting" page after a
    // while; other requests cannot be repeated by a reload, so they wait for the wake.
    const pageLoad = (request.method === 'GET' || request.method === 'HEAD') && prefersHtml(request.url.split('?')[0] ?? '/', request.headers.accept);
    const patienceMs = pageLoad ? wakeLimits.browserPageAfterMs : undefined;
    answerTenantRequest(request, reply, await resolveTenant(name, { clientAddress: request.ip, patienceMs }));
    return reply;
  });

  function answerTenantRequest(request: FastifyRequest, reply: FastifyReply, resolution: TenantResolution): void {
    if (resolution.kind === 'redirect') {
      void reply.redirect(config.mainSiteUrl, 302);
      return;
    }
    if (resolution.kind === 'starting') {
      request.log.info('tenant still starting, starting page sent');
      sendAnswer(reply, renderFor(request.raw, request.url, new AppError(DEFAULT_BACKEND_ERRORS.starting), request.id, { reloadPath: request.url }));
      return;
    }
    if (resolution.kind === 'error') {
      const retryAfterSeconds = resolution.retryAfterSeconds;
      sendAnswer(reply, renderFor(request.raw, request.url, resolution.error, request.id, { retryAfterSeconds }));
      return;
    }
    reply.hijack();
    // A client that gave up during the wake has no response left to write to.
    if (request.raw.destroyed || reply.raw.destroyed) return;
    proxy.web(request.raw, reply.raw, resolution.upstream, (error) => {
      request.log.warn({ err: error, upstream: resolution.upstream }, 'tenant request failed');
      writeRawAnswer(reply.raw, renderFor(request.raw, request.url, new AppError(DEFAULT_BACKEND_ERRORS.upstreamUnreachable), request.id));
    });
  }

  // Hosts outside the base domain. The main site's own host gets a 404 rather
  // than a redirect to itself, which would loop.
  app.all('/*', async (request, reply) => {
    if (request.host.toLowerCase() === mainSiteHost) throw new AppError(COMMON_ERRORS.notFound);
    return reply.redirect(config.mainSiteUrl, 302);
  });

  const upgradedSockets = new Set<Duplex>();
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgradedSockets.add(socket);
    socket.on('close', () => upgradedSockets.delete(socket));
    socket.on('error', (error) => logger.debug({ err: error }, 'websocket client socket failed'));
    handleUpgrade(request, socket, head).catch((error: unknown) => {
      logger.error({ err: error }, 'websocket upgrade failed');
      socket.destroy();
    });
  });

  async function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const requestId = randomUUID();
    const name = tenantNameFromHost(forwardedHost(request), config.baseDomain);
    const resolution: TenantResolution = name === null ? { kind: 'redirect' } : await resolveTenant(name, { clientAddress: clientAddress(request) });
    logger.info({ requestId, tenant: name, outcome: resolution.kind }, 'websocket upgrade received');
    if (resolution.kind === 'proxy') {
      proxy.ws(request, socket, head, resolution.upstream, (error) => {
        logger.warn({ requestId, err: error }, 'tenant websocket failed');
        rejectUpgrade(socket, renderFor(request, request.url ?? '/api', new AppError(DEFAULT_BACKEND_ERRORS.upstreamUnreachable), requestId));
      });
      return;
    }
    const error = resolution.kind === 'error' ? resolution.error : new AppError(COMMON_ERRORS.notFound);
    const retryAfterSeconds = resolution.kind === 'error' ? resolution.retryAfterSeconds : undefined;
    rejectUpgrade(socket, renderFor(request, '/api', error, requestId, { retryAfterSeconds }));
  }

  await app.listen({ port: config.ports.defaultBackend, host: config.bindHost });
  const port = (app.server.address() as AddressInfo).port;
  logger.info({ host: config.bindHost, port }, 'default backend listening');
  const metricsListener = config.metricsPorts
    ? await startMetricsListener({ registry: metrics, host: config.bindHost, port: config.metricsPorts.defaultBackend, logger })
    : undefined;

  return {
    port,
    metricsPort: metricsListener?.port,
    async close() {
      for (const socket of upgradedSockets) socket.destroy();
      // Fastify's close() waits for every request in flight, proxied ones included, without a bound.
      const deadline = setTimeout(() => app.server.closeAllConnections(), options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS);
      try {
        await app.close();
      } finally {
        clearTimeout(deadline);
      }
      await metricsListener?.close();
    },
  };
}

function renderFor(
  request: IncomingMessage,
  path: string,
  error: AppError,
  requestId: string,
  extra: Pick<RenderOptions, 'retryAfterSeconds' | 'reloadPath'> = {},
): RenderedAnswer {
  return renderError(error, {
    locale: pickLocale(request.headers['accept-language']),
    html: prefersHtml(path.split('?')[0] ?? '/', request.headers.accept),
    requestId,
    ...extra,
  });
}

function sendAnswer(reply: FastifyReply, answer: RenderedAnswer): void {
  void reply.code(answer.status).headers(answer.headers).send(answer.body);
}

/** Writes the rendered error on a hijacked response. Once the tenant has sent headers, only the connection can be cut. */
function writeRawAnswer(response: ServerResponse, answer: RenderedAnswer): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  response.end(answer.body);
}

/** Rejects an upgrade request with a plain HTTP response, unless the socket has already carried data. */
function rejectUpgrade(socket: Duplex, answer: RenderedAnswer): void {
  const untouched = 'bytesWritten' in socket && (socket as { bytesWritten: number }).bytesWritten === 0;
  if (!socket.writable || !untouched) {
    socket.destroy();
    return;
  }
  const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)), connection: 'close' };
  const head = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`];
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
  socket.end(`${head.join('\r\n')}\r\n\r\n${answer.body}`);
}

/** Returns the client's address: the last X-Forwarded-For entry when the gateway on loopback sent the request, else the peer. */
function clientAddress(request: IncomingMessage): string {
  const peer = request.socket.remoteAddress ?? '';
  const forwarded = request.headers['x-forwarded-for'];
  if (typeof forwarded === 'string' && TRUSTED_PROXY_ADDRESSES.has(peer)) return forwarded.split(',').pop()?.trim() || peer;
  return peer;
}

/** Returns the client's requested host: X-Forwarded-Host when the gateway on loopback sent the request, else Host. */
function forwardedHost(request: IncomingMessage): string | undefined {
  const forwarded = request.headers['x-forwarded-host'];
  if (typeof forwarded === 'string' && TRUSTED_PROXY_ADDRESSES.has(request.socket.remoteAddress ?? '')) {
    return forwarded.split(',').pop()?.trim();
  }
  return request.headers.host;
}
