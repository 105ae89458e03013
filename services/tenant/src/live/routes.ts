import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { authenticateToken } from '../auth/authenticate.js';
import type { TenantContext } from '../context.js';

/** Time a new connection has to send its auth message. */
export const LIVE_AUTH_TIMEOUT_MS = 10_000;

/**
 * How often an authenticated connection's session is checked again. Signing
 * out everywhere, an administrator's revocation or a deactivation ends the
 * connection within this time instead of at the token's expiry.
 */
export const LIVE_SESSION_CHECK_MS = 30_000;

/** WebSocket close codes used by `/api/live`. */
export const LIVE_CLOSE_CODES = {
  /** Foreign Origin, missing or invalid auth message, or no auth in time (RFC 6455 policy violation). */
  policyViolation: 1008,
  /**
   * The access token expired, or its session ended (signed out, revoked, user
   * deactivated); the client signs in again or sends a fresh token before expiry.
   */
  tokenExpired: 4401,
} as const;

// For the API description only: a WebSocket upgrade has no body, and the messages are described here.
const liveRouteSchema = {
  summary: 'Live updates over a WebSocket',
  description:
    "Send `{ type: 'auth', token }` with an access token first; the server replies `{ type: 'authenticated', expiresAt }`. " +
    "Then it sends `{ type: 'changed', entity, action, id, version?, ids?, truncated? }` for every committed change, " +
    "`{ type: 'reload' }` when changes may have been missed, and `{ type: 'reconnect' }` before it restarts. " +
    'Close codes: 1008 for a foreign Origin, a query string or a failed authentication; 4401 when the token expires; 1012 on restart.',
  security: [{ accessToken: [] }],
  'x-access-level': 'read',
};

/**
 * Registers `GET /api/live`. The token arrives in the first message
 * `{ type: 'auth', token }` rather than in the URL, where proxies and logs
 * would keep it. A later auth message with a fresh token extends the
 * connection past the first token's expiry.
 */
export async function registerLiveRoutes(app: FastifyInstance, context: TenantContext): Promise<void> {
  app.get('/api/live', { websocket: true, schema: liveRouteSchema }, (socket: WebSocket, request: FastifyRequest) => {
    // Browsers always send Origin on WebSocket requests; checking it stops
    // another site from opening a connection with a user's stolen token.
    if (request.headers.origin !== context.secret.origin) {
      request.log.info({ origin: request.headers.origin }, 'live connection from foreign origin rejected');
      socket.close(LIVE_CLOSE_CODES.policyViolation, 'origin not allowed');
      return;
    }
    // A token in the URL would end up in proxy and browser histories, so any
    // query string is refused outright rather than ignored.
    if (request.url.includes('?')) {
      request.log.info('live connection with a query string rejected');
      socket.close(LIVE_CLOSE_CODES.policyViolation, 'query string not allowed');
      return;
    }
    handleLiveConnection(socket, request, context);
  });
}

function handleLiveConnection(socket: WebSocket, request: FastifyRequest, context: TenantContext): void {
  let expiryTimer: NodeJS.Timeout | undefined;
  let sessionTimer: NodeJS.Timeout | undefined;
  let token: string | undefined;
  const authTimer = setTimeout(() => socket.close(LIVE_CLOSE_CODES.policyViolation, 'auth timed out'), LIVE_AUTH_TIMEOUT_MS);

  // Runs authenticateToken again with the connection's latest token. A
  // database that cannot be reached keeps the connection: that is no sign
  // that the session ended, and the next check tries again.
  const checkSession = () => {
    if (token === undefined) return;
    void authenticateToken(context, token).catch((error: unknown) => {
      const code = (error as { code?: string }).code;
      if (code === 'SERVICE_UNAVAILABLE') return;
      request.log.info({ code }, 'live connection closed because its session ended');
      socket.close(LIVE_CLOSE_CODES.tokenExpired, 'session ended');
    });
  };

  socket.on('message', (data) => {
    const text = String(data);
    void authenticateMessage(text, context)
      .then(({ expiresAt, token: accepted }) => {
        clearTimeout(authTimer);
        clearTimeout(expiryTimer);
        token = accepted;
        const remaining = Math.max(0, expiresAt * 1000 - Date.now());
        expiryTimer = setTimeout(() => socket.close(LIVE_CLOSE_CODES.tokenExpired, 'token expired'), remaining);
        sessionTimer ??= setInterval(checkSession, LIVE_SESSION_CHECK_MS);
        context.live.add(socket);
        socket.send(JSON.stringify({ type: 'authenticated', expiresAt: new Date(expiresAt * 1000).toISOString() }));
      })
      .catch((error: unknown) => {
        request.log.info({ code: (error as { code?: string }).code }, 'live authentication failed');
        socket.close(LIVE_CLOSE_CODES.policyViolation, 'authentication failed');
      });
  });

  socket.on('close', () => {
    clearTimeout(authTimer);
    clearTimeout(expiryTimer);
    clearInterval(sessionTimer);
    context.live.remove(socket);
  });
}

/** Verifies an auth message and returns its token and the token's expiry in epoch seconds; throws for anything else. */
async function authenticateMessage(text: string, context: TenantContext): Promise<{ expiresAt: number; token: string }> {
  const message = JSON.parse(text) as { type?: unknown; token?: unknown };
  if (message?.type !== 'auth' || typeof message.token !== 'string') throw new Error('expected an auth message');
  const user = await authenticateToken(context, message.token);
  return { expiresAt: user.expiresAt, token: message.token };
}
