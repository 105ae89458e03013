import { createContext, useContext, useEffect, useSyncExternalStore, type ReactNode } from 'react';

import { apiRequest } from '../api/client';
import { getSessionState, subscribeToSession, updateSessionUser, type Session, type SessionState } from '../api/session-store';
import type { Account } from '../api/types';

const SessionContext = createContext<SessionState>({ session: null, restoring: true, endReason: null });

/** Router state that a redirect to the sign-in page carries. */
export interface SignInRedirectState {
  /** The page to return to after signing in. */
  from?: string;
}

/**
 * Provides the session state to the pages and reloads the profile once per
 * access token, so a changed access level shows without signing in again.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const state = useSyncExternalStore(subscribeToSession, getSessionState);

  const accessToken = state.session?.accessToken;
  useEffect(() => {
    if (accessToken === undefined) {
      return;
    }
    const controller = new AbortController();
    apiRequest<Account>('/api/me', { signal: controller.signal }).then(
      ({ id, email, accessLevel, locale }) => updateSessionUser({ id, email, accessLevel, locale }),
      () => {
        // The client already handles a 401, and any other failure leaves the stored profile in use.
      },
    );
    return () => controller.abort();
  }, [accessToken]);

  return <SessionContext value={state}>{children}</SessionContext>;
}

/** Returns the session state: the session, whether it is still being restored, and why the last one ended. */
export function useSessionState(): SessionState {
  return useContext(SessionContext);
}

/** Returns the current session, or null when no user is signed in. */
export function useSession(): Session | null {
  return useContext(SessionContext).session;
}

/** Returns true when the signed-in user may create and change objects. */
export function useCanWrite(): boolean {
  const level = useSession()?.user.accessLevel;
  return level === 'write' || level === 'admin';
}

/** Returns true when the signed-in user is an administrator. */
export function useIsAdministrator(): boolean {
  return useSession()?.user.accessLevel === 'admin';
}
