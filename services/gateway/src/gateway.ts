import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  adminBaseUrl,
  createAdminClient,
  createLogger,
  createMetricsRegistry,
  closeServerGracefully,
  dataPaths,
  SHUTDOWN_GRACE_MS,
  startMetricsListener,
  readServiceCredential,
  type Logger,
  type PlatformConfig,
} from '@esm/common';
import { ensureCertificates, type ServerCredentials } from './certificates.js';
import { createRedirectHandler, rejectMalformedRequest } from './https-redirect.js';
import { createProxyHandlers } from './proxy-handlers.js';
import { createRouteCache, type TenantRoute } from './route-cache.js';
import { createRouter } from './routing.js';

export interface GatewayOptions {
  logger?: Logger;
  /** How long a route from admin is reused (default 2000 ms). */
  routeTtlMs?: number;
  /** How often the server certificate's expiry is checked while running (default every 12 hours). */
  certificateCheckIntervalMs?: number;
}

export interface RunningGateway {
  /** Stops listening, cuts WebSockets, lets HTTP requests in flight finish for up to SHUTDOWN_GRACE_MS and cuts the rest. */
  close(): Promise<void>;
  /** Port of the `/metrics` listener, when `config.metricsPorts` names one. */
  metricsPort?: number;
  httpsPort: number;
  httpPort: number;
  /** The local CA certificate that clients must trust. */
  caCertPem: string;
}

const ROUTE_LOOKUP_TIMEOUT_MS = 5000;

/**
 * Starts the gateway: prepares the local CA and server certificate, then
 * listens for HTTPS (host routing and WebSocket upgrades) and for plain HTTP
 * (301 to HTTPS) on the bind host.
 */
export async function startGateway(config: PlatformConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger('gateway');
  const caDir = dataPaths(config).caDir;
  let credentials = await ensureCertificates(caDir, { baseDomain: config.baseDomain, logger });

  const admin = createAdminClient(adminBaseUrl(config), await readServiceCredential(config, 'gateway'));
  const routes = createRouteCache({
    ttlMs: options.routeTtlMs,
    lookup: async (name) => {
      const response = await admin.request<TenantRoute>('GET', `/v1/routes/${encodeURIComponent(name)}`, undefined, {
        timeoutMs: ROUTE_LOOKUP_TIMEOUT_MS,
      });
      if (response.status === 404) return null;
      if (response.status !== 200) throw new Error(`admin returned status ${response.status} to the route lookup`);
      return response.body;
    },
  });
  const metrics = createMetricsRegistry('gateway');
  const handlers = createProxyHandlers({ config, routes, logger, metrics, resolveRoute: createRouter(config, routes, logger) });

  const httpsServer = https.createServer({ key: credentials.keyPem, cert: credentials.certPem, minVersion: 'TLSv1.2' });
  httpsServer.on('request', handlers.handleRequest);
  const upgradedSockets = new Set<Duplex>();
  httpsServer.on('upgrade', (request, socket: Duplex, head: Buffer) => {
    // Upgraded sockets leave the server's connection tracking, so close() must end them itself.
    upgradedSockets.add(socket);
    socket.on('close', () => upgradedSockets.delete(socket));
    handlers.handleUpgrade(request, socket, head);
  });
  const httpServer = http.createServer(createRedirectHandler(config.publicHttpsPort, config.baseDomain));
  httpsServer.on('clientError', rejectMalformedRequest);
  httpServer.on('clientError', rejectMalformedRequest);

  await listen(httpsServer, config.ports.https, config.bindHost);
  try {
    await listen(httpServer, config.ports.http, config.bindHost);
  } catch (error) {
    await closeServer(httpsServer);
    throw error;
  }
  const httpsPort = (httpsServer.address() as AddressInfo).port;
  const httpPort = (httpServer.address() as AddressInfo).port;
  logger.info({ host: config.bindHost, httpsPort, httpPort, certificateExpires: credentials.notAfter }, 'gateway listening');
  const metricsListener = config.metricsPorts
    ? await startMetricsListener({ registry: metrics, host: config.bindHost, port: config.metricsPorts.gateway, logger })
    : undefined;

  // A gateway that runs for months would otherwise serve an expired certificate.
  const renewalTimer = setInterval(() => {
    renewCertificateIfDue(caDir, config, logger, credentials)
      .then((renewed) => {
        if (!renewed) return;
        credentials = renewed;
        httpsServer.setSecureContext({ key: renewed.keyPem, cert: renewed.certPem, minVersion: 'TLSv1.2' });
      })
      .catch((error: unknown) => logger.error({ err: error }, 'server certificate renewal failed'));
  }, options.certificateCheckIntervalMs ?? 12 * 60 * 60 * 1000);
  renewalTimer.unref();

  return {
    httpsPort,
    httpPort,
    metricsPort: metricsListener?.port,
    caCertPem: credentials.caCertPem,
    async close() {
      clearInterval(renewalTimer);
      for (const socket of upgradedSockets) socket.destroy();
      await Promise.all([closeServerGracefully(httpsServer, { timeoutMs: SHUTDOWN_GRACE_MS }), closeServer(httpServer), metricsListener?.close()]);
      logger.info('gateway stopped');
    },
  };
}

async function renewCertificateIfDue(
  caDir: string,
  config: PlatformConfig,
  logger: Logger,
  current: ServerCredentials,
): Promise<ServerCredentials | null> {
  const latest = await ensureCertificates(caDir, { baseDomain: config.baseDomain, logger });
  if (latest.certPem === current.certPem) return null;
  logger.info({ certificateExpires: latest.notAfter }, 'server certificate renewed');
  return latest;
}

function listen(server: http.Server | https.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
