import type http from 'node:http';
import type https from 'node:https';
import type { Logger } from './logger.js';

/** How long a service lets in-flight requests finish after SIGTERM before it cuts them. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Stops a Node HTTP(S) server from accepting connections and waits for the
 * requests in flight. Idle keep-alive connections are closed at once and
 * again every 100 ms, because a connection that was busy when shutdown began
 * becomes idle once its response is sent. Connections still open after
 * `timeoutMs` are cut.
 */
export function closeServerGracefully(server: http.Server | https.Server, options: { timeoutMs: number }): Promise<void> {
  return new Promise((resolve) => {
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => server.closeAllConnections(), options.timeoutMs);
    server.close(() => {
      clearInterval(idleSweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Runs `stop` once on the first SIGTERM or SIGINT and exits with 0 when it
 * settles, or with 1 when it fails or takes longer than `graceMs` plus a
 * second. The extra second lets `stop` cut the connections itself at
 * `graceMs` and log it before the process is ended from outside.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>, graceMs = SHUTDOWN_GRACE_MS): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs }, 'shutdown started');
    setTimeout(() => {
      logger.error({ graceMs }, 'shutdown did not finish in time, exiting');
      process.exit(1);
    }, graceMs + 1000).unref();
    stop().then(
      () => {
        logger.info('shutdown finished');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
