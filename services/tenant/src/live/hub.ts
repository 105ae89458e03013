import type { WebSocket } from 'ws';

/** A committed change that connected clients hear about. */
export interface ChangeEvent {
  entity: 'object' | 'relation' | 'model';
  id: string | null;
}

/** The set of authenticated live connections of this process. */
export interface LiveHub {
  add(socket: WebSocket): void;
  remove(socket: WebSocket): void;
  /** Sends `{ type: 'changed', entity, id }` to every authenticated connection. Call only after the commit. */
  publish(event: ChangeEvent): void;
  /** Tells every connection to reconnect and closes it, for shutdown. */
  closeAll(): void;
}

export function createLiveHub(): LiveHub {
  const sockets = new Set<WebSocket>();
  return {
    add: (socket) => void sockets.add(socket),
    remove: (socket) => void sockets.delete(socket),
    publish(event) {
      const message = JSON.stringify({ type: 'changed', entity: event.entity, id: event.id });
      for (const socket of sockets) {
        if (socket.readyState === socket.OPEN) socket.send(message);
      }
    },
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
