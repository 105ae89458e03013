import pg from 'pg';
import type { DatabaseLogin, Logger } from '@esm/common';
import { CHANGE_ACTIONS, CHANGE_CHANNEL, CHANGE_ENTITIES, type ChangeNotice } from './notify.js';
import type { LiveHub } from './hub.js';

/** Delays between reconnection attempts: doubling from the first to the maximum, each shortened by a random part. */
export interface ReconnectDelays {
  initialMs: number;
  maxMs: number;
}

const DEFAULT_RECONNECT_DELAYS: ReconnectDelays = { initialMs: 200, maxMs: 10_000 };

/** The `application_name` of the listening connection, by which pg_stat_activity shows it. */
export const LISTENER_APPLICATION_NAME = 'esm-tenant-listener';

export interface ChangeListenerOptions {
  login: DatabaseLogin;
  hub: Pick<LiveHub, 'publish' | 'requestReload'>;
  logger: Logger;
  reconnectDelays?: ReconnectDelays;
}

/** The process's one LISTEN connection. */
export interface ChangeListener {
  /** Connects and listens. Resolves after the first attempt; a failed attempt is retried in the background. */
  start(): Promise<void>;
  /** Stops listening and retrying. */
  close(): Promise<void>;
}

/**
 * Creates the listener that hands every committed change notice of the
 * tenant's database to the hub.
 *
 * It runs on its own client rather than the request pool, because a LISTEN
 * lasts as long as its connection and the pool hands connections to
 * requests. When the connection fails (the database restarts, or the backend
 * is terminated) it reconnects with backoff. Notices sent while no
 * connection listens are lost, so after every successful LISTEN the hub
 * sends clients a reload request.
 *
 * Written here rather than taken from a package: the LISTEN helpers on npm
 * (pg-listen, for one) have had no release for years, and this needs only
 * a reconnect loop around one pg client.
 */
export function createChangeListener(options: ChangeListenerOptions): ChangeListener {
  const { login, hub, logger } = options;
  const delays = options.reconnectDelays ?? DEFAULT_RECONNECT_DELAYS;
  let client: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let failedAttempts = 0;
  let closed = false;

  const deliver = (message: pg.Notification) => {
    if (message.channel !== CHANGE_CHANNEL) return;
    const notice = parseChangeNotice(message.payload);
    if (!notice) {
      logger.warn({ channel: message.channel, bytes: message.payload?.length ?? 0 }, 'change notice ignored: payload is not a valid notice');
      return;
    }
    hub.publish(notice);
  };

  // Called for every failure of a client; only the first call per client counts.
  const lose = (lost: pg.Client, error: unknown) => {
    if (lost !== client) return;
    client = undefined;
    lost.end().catch(() => undefined);
    if (closed) return;
    const delayMs = reconnectDelay(delays, failedAttempts);
    failedAttempts += 1;
    logger.warn({ err: error, attempt: failedAttempts, delayMs }, 'change listener connection lost; reconnecting');
    reconnectTimer = setTimeout(() => void connect(), delayMs);
  };

  const connect = async () => {
    reconnectTimer = undefined;
    const attempt = new pg.Client({
      host: login.host,
      port: login.port,
      database: login.database,
      user: login.user,
      password: login.password,
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: 5_000,
      // Notices a connection that died silently: without keep-alive probes a lost peer goes unnoticed for hours.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client = attempt;
    attempt.on('error', (error) => lose(attempt, error));
    attempt.on('end', () => lose(attempt, new Error('connection ended')));
    attempt.on('notification', deliver);
    try {
      await attempt.connect();
      await attempt.query(`LISTEN ${pg.escapeIdentifier(CHANGE_CHANNEL)}`);
    } catch (error) {
      lose(attempt, error);
      return;
    }
    if (attempt !== client) return;
    logger.info({ channel: CHANGE_CHANNEL, afterFailedAttempts: failedAttempts }, 'change listener listening');
    failedAttempts = 0;
    hub.requestReload();
  };

  return {
    start: () => connect(),
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      const current = client;
      client = undefined;
      if (current) await current.end().catch(() => undefined);
      logger.info('change listener stopped');
    },
  };
}

/** Returns the delay before attempt `failedAttempts + 1`: exponential, capped, with jitter so that processes do not reconnect in step. */
function reconnectDelay(delays: ReconnectDelays, failedAttempts: number): number {
  const ceiling = Math.min(delays.maxMs, delays.initialMs * 2 ** Math.min(failedAttempts, 30));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * Parses a NOTIFY payload into a notice with only the known fields, or null
 * when it is not one. Any role that can connect to the database may NOTIFY
 * on the channel, so the payload is checked before clients see it.
 */
export function parseChangeNotice(payload: string | undefined): ChangeNotice | null {
  let value: unknown;
  try {
    value = JSON.parse(payload ?? '');
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as Record<string, unknown>;
  const { entity, action, id, version, ids, truncated } = candidate;
  if (!CHANGE_ENTITIES.includes(entity as ChangeNotice['entity'])) return null;
  if (!CHANGE_ACTIONS.includes(action as ChangeNotice['action'])) return null;
  if (id !== null && typeof id !== 'string') return null;

  const notice: ChangeNotice = { entity: entity as ChangeNotice['entity'], action: action as ChangeNotice['action'], id };
  if (version !== undefined) {
    if (!Number.isInteger(version)) return null;
    notice.version = version as number;
  }
  if (ids !== undefined) {
    if (!Array.isArray(ids) || !ids.every((item) => typeof item === 'string')) return null;
    notice.ids = ids as string[];
  }
  if (truncated !== undefined) {
    if (typeof truncated !== 'boolean') return null;
    notice.truncated = truncated;
  }
  return notice;
}
