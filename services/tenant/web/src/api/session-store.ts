import type { SignInResult, User } from './types';

/** The signed-in user's access token and profile. */
export interface Session {
  accessToken: string;
  /** Epoch milliseconds after which the token is no longer accepted. */
  expiresAt: number;
  user: User;
}

// sessionStorage keeps the token for this tab only and drops it when the tab
// closes, so a reload keeps the user signed in but the token does not outlive
// the browsing session.
const STORAGE_KEY = 'esm.session';

let current: Session | null = readStoredSession();
// True when the last session ended because the API rejected its token, so the sign-in page can say why.
let rejectedByServer = false;
const listeners = new Set<() => void>();

function readStoredSession(): Session | null {
  try {
    const stored = sessionStorage.getItem(STORAGE_KEY);
    if (stored === null) {
      return null;
    }
    const session = JSON.parse(stored) as Session;
    return session.expiresAt > Date.now() ? session : null;
  } catch {
    return null;
  }
}

function writeStoredSession(session: Session | null): void {
  try {
    if (session === null) {
      sessionStorage.removeItem(STORAGE_KEY);
    } else {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    }
  } catch {
    // With storage disabled the session lives in memory until the next reload.
  }
}

function toEpochMilliseconds(value: string | number): number {
  if (typeof value === 'number') {
    // A value this small is in seconds (JWT `exp` style), not milliseconds.
    return value < 1e12 ? value * 1000 : value;
  }
  return new Date(value).getTime();
}

function publish(session: Session | null): void {
  current = session;
  writeStoredSession(session);
  for (const listener of listeners) {
    listener();
  }
}

/** Returns the current session, or null when no user is signed in or the token has expired. */
export function getSession(): Session | null {
  // No side effects here, because React calls this while rendering.
  return current !== null && current.expiresAt > Date.now() ? current : null;
}

/** Stores the result of a completed sign-in. */
export function startSession(result: SignInResult): void {
  rejectedByServer = false;
  publish({ accessToken: result.accessToken, expiresAt: toEpochMilliseconds(result.expiresAt), user: result.user });
}

/** Replaces the stored profile, for example after GET /api/me reports a changed access level. */
export function updateSessionUser(user: User): void {
  if (current !== null) {
    publish({ ...current, user });
  }
}

/** Forgets the token. `reason` is 'rejected' when the API answered 401, and 'sign-out' when the user signed out. */
export function endSession(reason: 'sign-out' | 'rejected'): void {
  rejectedByServer = reason === 'rejected';
  if (current !== null) {
    publish(null);
  }
}

/** Returns true when the last session ended because its token expired or the API rejected it, not by signing out. */
export function sessionEndedWithoutSignOut(): boolean {
  const expired = current !== null && current.expiresAt <= Date.now();
  return rejectedByServer || expired;
}

/** Registers a listener for session changes, as useSyncExternalStore expects. */
export function subscribeToSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
