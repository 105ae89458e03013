import { chooseLanguage, currentLanguage } from '../i18n';
import { errorFromResponse } from './api-error';
import { endSession, finishRestoring, getSession, getSessionState, startSession, subscribeToSession, type Session, type SessionEndReason } from './session-store';
import type { SignInResult, User } from './types';

/** Renew this long before the access token expires, so a slow network or a throttled background tab still makes it. */
const RENEW_BEFORE_EXPIRY_MS = 60_000;
/** A request sent with less validity left than this renews the token first, since it could expire in transit. */
const MIN_VALIDITY_FOR_REQUEST_MS = 10_000;
/** Shortest wait before a scheduled renewal. */
const MIN_RENEWAL_DELAY_MS = 5_000;
/** Name of the Web Lock that makes the tabs of one browser refresh one at a time. */
const REFRESH_LOCK = 'esm-session-refresh';

let renewal: Promise<Session | null> | null = null;
let renewalTimer: ReturnType<typeof setTimeout> | undefined;

/** Maps the 401 code of a refresh to the reason shown on the sign-in page. */
function endReasonFor(code: string, hadSession: boolean): SessionEndReason | null {
  if (code === 'SESSION_REVOKED') {
    return 'revoked';
  }
  if (code === 'SESSION_EXPIRED') {
    return 'expired';
  }
  // Without a session before (a page load with no or an unknown cookie) there is nothing to explain.
  return hadSession ? 'rejected' : null;
}

async function requestRefresh(): Promise<Session | null> {
  const hadSession = getSession() !== null;
  let response: Response;
  try {
    response = await fetch('/api/auth/refresh', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Accept-Language': currentLanguage() },
      credentials: 'same-origin',
    });
  } catch {
    // Offline: keep the session. The next request renews again or reports the network error.
    finishRestoring();
    return getSession();
  }
  if (response.ok) {
    return startSession((await response.json()) as SignInResult);
  }
  const error = errorFromResponse(response.status, await response.text(), response.headers.get('Retry-After'));
  if (response.status === 401 || response.status === 403) {
    endSession(endReasonFor(error.code, hadSession));
    return null;
  }
  // A 5xx or 429 does not show whether the session is still valid, so it is kept.
  finishRestoring();
  return getSession();
}

function refreshOnePerBrowser(): Promise<Session | null> {
  // Refresh tokens are single use, and presenting a used one revokes the
  // session. Two tabs refreshing with the same cookie at the same moment
  // would do that, so they take turns: the second sends the cookie the first received.
  if (typeof navigator.locks?.request === 'function') {
    // TypeScript 5.9's DOM types declare Promise<Promise<T>> for an async callback. The browser resolves it to T, and .then() gives the compiler that type.
    return navigator.locks.request(REFRESH_LOCK, requestRefresh).then((session) => session);
  }
  return requestRefresh();
}

/**
 * Exchanges the refresh cookie for a new access token with POST /api/auth/refresh.
 * Concurrent callers share one request. Resolves with the new session, or
 * with null after the server ended the session (the store then records the reason).
 */
export function renewSession(): Promise<Session | null> {
  renewal ??= refreshOnePerBrowser().finally(() => {
    renewal = null;
  });
  return renewal;
}

/** Renews the access token first when it expires within a few seconds. Returns the session to send the request with. */
export async function ensureFreshSession(): Promise<Session | null> {
  const session = getSession();
  if (session !== null && session.expiresAt - Date.now() < MIN_VALIDITY_FOR_REQUEST_MS) {
    return renewSession();
  }
  return session;
}

function scheduleRenewal(): void {
  clearTimeout(renewalTimer);
  const session = getSession();
  if (session === null) {
    return;
  }
  // The floor keeps a token with an unreadable or very short lifetime from causing a burst of refreshes.
  const delay = Math.max(MIN_RENEWAL_DELAY_MS, session.expiresAt - Date.now() - RENEW_BEFORE_EXPIRY_MS);
  if (!Number.isFinite(delay)) {
    return;
  }
  renewalTimer = setTimeout(() => void renewSession(), delay);
}

/** Switches the client to the user's stored language, if the server sent one. */
export function applyUserLocale(user: User): void {
  if (user.locale !== undefined && user.locale !== currentLanguage()) {
    void chooseLanguage(user.locale);
  }
}

/**
 * Restores the session from the refresh cookie after a page load and keeps
 * the access token renewed from then on. Call once, before the first render.
 */
export function startSessionKeeping(): void {
  let lastToken: string | undefined;
  subscribeToSession(() => {
    const token = getSessionState().session?.accessToken;
    if (token !== lastToken) {
      lastToken = token;
      scheduleRenewal();
    }
  });
  // A tab that was hidden may have missed its timer, because browsers throttle timers in background tabs.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') {
      scheduleRenewal();
    }
  });
  void renewSession().then((session) => {
    if (session !== null) {
      applyUserLocale(session.user);
    }
  });
}
