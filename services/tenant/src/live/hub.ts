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
  /** Closes every connection, for shutdown. */
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
      // Close code 1001 ("going away") lets the client reconnect later.
      for (const socket of sockets) socket.close(1001, 'server shutting down');
      sockets.clear();
    },
  };
}
