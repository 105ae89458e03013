import pg from 'pg';
import type { DatabaseLogin, Logger } from '@esm/common';

/** Maximum time in milliseconds a statement of a request may run before PostgreSQL cancels it (SQLSTATE 57014). */
export const STATEMENT_TIMEOUT_MS = 120_000;

/**
 * Creates the request pool. It connects with the app login only, so a request
 * can never run DDL or change the audit log, whatever the code does.
 */
export function createAppPool(login: DatabaseLogin, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    host: login.host,
    port: login.port,
    database: login.database,
    user: login.user,
    password: login.password,
    max: 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'esm-tenant',
    // Bounds how long one statement can hold a connection of the pool, so a
    // few expensive requests cannot keep the others waiting indefinitely.
    // Generous, because an import of 100,000 rows runs statements of seconds.
    statement_timeout: STATEMENT_TIMEOUT_MS,
  });
  // An idle client that loses its connection emits here; without a listener
  // the process would crash. The next query reconnects.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
  return pool;
}
