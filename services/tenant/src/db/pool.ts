import pg from 'pg';
import type { DatabaseLogin, Logger } from '@esm/common';

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
  });
  // An idle client that loses its connection emits here; without a listener
  // the process would crash. The next query reconnects.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
  return pool;
}
