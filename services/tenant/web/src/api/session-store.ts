import type { SignInResult, User } from './types';

/** The signed-in user's access token and profile. */
export interface Session {
  accessToken: string;
  /** Epoch milliseconds, on this computer's clock, after which the server no longer accepts the token. */
  expiresAt: number;
  user: User;
}

/**
 * Reason the last session ended, which the sign-in page shows:
 * - `sign-out`: the user signed out here;
 * - `sign-out-unconfirmed`: the user signed out, but the server could not be reached to end the session there;
 * - `signed-out-everywhere`: the user signed out on all devices;
 * - `revoked`: the server revoked the session (sign-out elsewhere, an administrator, a reused refresh token);
 * - `expired`: the refresh token reached its lifetime;
 * - `rejected`: the server refused the token for another reason.
 */
export type SessionEndReason = 'sign-out' | 'sign-out-unconfirmed' | 'signed-out-everywhere' | 'revoked' | 'expired' | 'rejected';

/** Session state that the pages render: the session, whether the client is still restoring it after a page load, and why the last one ended. */
export interface SessionState {
  session: Session | null;
  /** True until the first POST /api/auth/refresh after a page load has completed. */
  restoring: boolean;
  /** Reason the last session ended, or null when none ended since the page loaded or the user signed in. */
  endReason: SessionEndReason | null;
}

// The access token lives in this module only, never in Web Storage, so a
// script injected into the page cannot read a token that outlives the tab.
// The HttpOnly refresh cookie restores the session after a reload.
let state: SessionState = { session: null, restoring: true, endReason: null };
const listeners = new Set<() => void>();

function publish(next: SessionState): void {
  state = next;
  for (const listener of listeners) {
    listener();
  }
}

function toEpochMilliseconds(value: string | number): number {
  if (typeof value === 'number') {
    // A value this small is in seconds (JWT `exp` style), not milliseconds.
    return value < 1e12 ? value * 1000 : value;
  }
  return new Date(value).getTime();
}

/** Returns the token's lifetime in milliseconds from its `iat` and `exp` claims, or null when they cannot be read. */
function tokenLifetime(accessToken: string): number | null {
  try {
    const payload = accessToken.split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { iat?: unknown; exp?: unknown };
    if (typeof claims.iat === 'number' && typeof claims.exp === 'number' && claims.exp > claims.iat) {
      return (claims.exp - claims.iat) * 1000;
    }
  } catch {
    // Not a JWT this client can read: the server's expiresAt is used as sent.
  }
  return null;
}

/**
 * Returns when the token expires, on this computer's clock. The server's
 * expiresAt is on the server's clock, and a computer whose clock runs ahead
 * would take every new token for expired and renew it without end. Counting
 * the token's lifetime from its arrival avoids that, and errs early.
 */
function localExpiry(result: SignInResult): number {
  const lifetime = tokenLifetime(result.accessToken);
  return lifetime === null ? toEpochMilliseconds(result.expiresAt) : Date.now() + lifetime;
}

/** Returns the current state. The object changes identity only when the state changes, as useSyncExternalStore expects. */
export function getSessionState(): SessionState {
  return state;
}

/** Returns the current session, or null when no user is signed in. Its access token may have expired and be due for renewal. */
export function getSession(): Session | null {
  return state.session;
}

/** Stores the result of a sign-in or a refresh. */
export function startSession(result: SignInResult): Session {
  const session = { accessToken: result.accessToken, expiresAt: localExpiry(result), user: result.user };
  publish({ session, restoring: false, endReason: null });
  return session;
}

/** Replaces the stored profile, for example after GET /api/me reports a changed access level or language. */
export function updateSessionUser(user: User): void {
  if (state.session !== null) {
    publish({ ...state, session: { ...state.session, user: { ...state.session.user, ...user } } });
  }
}

/** Marks the restore after a page load as finished without a session. */
export function finishRestoring(): void {
  if (state.restoring) {
    publish({ ...state, restoring: false });
  }
}

/**
 * Discards the token. With no session this only records the reason of a
 * failed restore, so the first reason wins: a request that fails after the
 * refresh already reported the session revoked does not overwrite that reason.
 */
export function endSession(reason: SessionEndReason | null): void {
  if (state.session === null && !state.restoring) {
    return;
  }
  publish({ session: null, restoring: false, endReason: reason });
}

/** Registers a listener for session changes, as useSyncExternalStore expects. */
export function subscribeToSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
