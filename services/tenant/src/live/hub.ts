import type { WebSocket } from 'ws';
import type { ChangeNotice } from './notify.js';

/**
 * The authenticated live connections of this process, as routes see them.
 * Routes cannot publish: a change reaches clients only through
 * `notifyChange` and the change listener, so each socket hears of it once.
 */
export interface LiveConnections {
  add(socket: WebSocket): void;
  remove(socket: WebSocket): void;
  /** Tells every connection to reconnect and closes it, for shutdown. */
  closeAll(): void;
}

/** The live connections with the fan-out that only the change listener calls. */
export interface LiveHub extends LiveConnections {
  /** Sends `{ type: 'changed', ...notice }` to every authenticated connection. */
  publish(notice: ChangeNotice): void;
  /**
   * Sends `{ type: 'reload' }` to every authenticated connection, after a
   * time in which changes may have been missed: the client loads again
   * everything it shows.
   */
  requestReload(): void;
}

export function createLiveHub(): LiveHub {
  const sockets = new Set<WebSocket>();

  const sendToAll = (message: Record<string, unknown>) => {
    const text = JSON.stringify(message);
    for (const socket of sockets) {
      if (socket.readyState === socket.OPEN) socket.send(text);
    }
  };

  return {
    add: (socket) => void sockets.add(socket),
    remove: (socket) => void sockets.delete(socket),
    publish: (notice) => sendToAll({ type: 'changed', ...notice }),
    requestReload: () => sendToAll({ type: 'reload' }),
    closeAll() {
      for (const socket of sockets) tellToReconnect(socket);
      sockets.clear();
    },
  };
}

/** WebSocket close code 1012 (RFC 6455 registry: "Service Restart"): the client should connect again shortly. */
export const SERVICE_RESTART_CLOSE_CODE = 1012;

/** Sends `{ type: 'reconnect' }` and closes with 1012, so the client connects again to the next process. */
export function tellToReconnect(socket: WebSocket): void {
  if (socket.readyState !== socket.OPEN) return;
  socket.send(JSON.stringify({ type: 'reconnect' }));
  socket.close(SERVICE_RESTART_CLOSE_CODE, 'service restart');
}
