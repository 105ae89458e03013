import { ensureFreshSession } from '../api/session';
import { getSession, subscribeToSession } from '../api/session-store';

/** A change notice from GET /api/live, as docs/architecture.md ("Live updates") describes it. */
export interface ChangeNotice {
  type: 'changed';
  entity: string;
  action: string;
  id: string | null;
  version?: number;
  ids?: string[];
  /** True when `ids` did not fit in the notice, so any object may be affected. */
  truncated?: boolean;
}

/** Event sent to subscribers: a change, or 'reload' when notices may have been lost and everything shown should be loaded again. */
export type LiveEvent = ChangeNotice | { type: 'reload' };

type Listener = (event: LiveEvent) => void;

/** Close code of a server restart (1012, "service restart"), after which the client connects again at once. */
const SERVICE_RESTART = 1012;
const FIRST_RETRY_DELAY_MS = 1_000;
const MAX_RETRY_DELAY_MS = 30_000;

const listeners = new Set<Listener>();
let socket: WebSocket | null = null;
let sentToken: string | null = null;
let retryDelay = FIRST_RETRY_DELAY_MS;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let stopSessionWatch: (() => void) | null = null;
/** True after a socket closed unexpectedly, until the next socket is authenticated. */
let connectionLost = false;

function publish(event: LiveEvent): void {
  for (const listener of listeners) {
    listener(event);
  }
}

function sendAuth(target: WebSocket): void {
  const session = getSession();
  if (session === null || target.readyState !== WebSocket.OPEN) {
    return;
  }
  sentToken = session.accessToken;
  target.send(JSON.stringify({ type: 'auth', token: session.accessToken }));
}

function scheduleReconnect(delay: number): void {
  if (retryTimer !== null || listeners.size === 0) {
    return;
  }
  retryTimer = setTimeout(() => {
    retryTimer = null;
    connect();
  }, delay);
}

function handleMessage(target: WebSocket, data: unknown): void {
  if (typeof data !== 'string') {
    return;
  }
  let message: { type?: unknown } & Record<string, unknown>;
  try {
    message = JSON.parse(data) as typeof message;
  } catch {
    return;
  }
  if (message.type === 'authenticated') {
    retryDelay = FIRST_RETRY_DELAY_MS;
    if (connectionLost) {
      // Notices sent while no socket was open are lost, so subscribers load what they show again.
      connectionLost = false;
      publish({ type: 'reload' });
    }
  } else if (message.type === 'changed') {
    publish(message as unknown as ChangeNotice);
  } else if (message.type === 'reload') {
    publish({ type: 'reload' });
  } else if (message.type === 'reconnect') {
    target.close();
  }
}

/** Opens the socket and authenticates it with the current access token, renewing the token first when it is about to expire. */
function connect(): void {
  if (socket !== null || listeners.size === 0 || getSession() === null) {
    return;
  }
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const target = new WebSocket(`${protocol}//${window.location.host}/api/live`);
  socket = target;

  target.addEventListener('open', () => {
    void ensureFreshSession().then(() => sendAuth(target));
  });
  target.addEventListener('message', (event) => handleMessage(target, event.data));
  target.addEventListener('close', (event) => {
    if (socket !== target) {
      return;
    }
    socket = null;
    sentToken = null;
    if (getSession() === null) {
      return;
    }
    connectionLost = true;
    const delay = event.code === SERVICE_RESTART ? 0 : retryDelay;
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS);
    scheduleReconnect(delay);
  });
}

function disconnect(): void {
  if (retryTimer !== null) {
    clearTimeout(retryTimer);
    retryTimer = null;
  }
  const current = socket;
  socket = null;
  sentToken = null;
  current?.close(1000);
}

/** Re-authenticates the open socket after the session renewed its token, so the server does not close it at the old token's expiry (4401). */
function onSessionChange(): void {
  const session = getSession();
  if (session === null) {
    disconnect();
    return;
  }
  if (socket === null) {
    connect();
  } else if (session.accessToken !== sentToken) {
    sendAuth(socket);
  }
}

/**
 * Subscribes to the tenant's change notices. The first subscriber opens
 * the one WebSocket of the tab and the last one closes it. A lost
 * connection is opened again with doubling delays (1 s up to 30 s), at once
 * after a server restart, and subscribers then get a 'reload' event.
 */
export function subscribeToChanges(listener: Listener): () => void {
  listeners.add(listener);
  stopSessionWatch ??= subscribeToSession(onSessionChange);
  connect();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      stopSessionWatch?.();
      stopSessionWatch = null;
      disconnect();
    }
  };
}
