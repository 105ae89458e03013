import { createContext, useContext, useEffect, useSyncExternalStore, type ReactNode } from 'react';

import { apiRequest } from '../api/client';
import { getSession, subscribeToSession, updateSessionUser, type Session } from '../api/session-store';
import type { User } from '../api/types';

const SessionContext = createContext<Session | null>(null);

/** Router state that a redirect to the sign-in page carries. */
export interface SignInRedirectState {
  /** The page to return to after signing in. */
  from?: string;
  /** True when the token expired or the API rejected it, so the page explains why the user must sign in again. */
  sessionEnded?: boolean;
}

/**
 * Provides the current session to the pages and refreshes the profile once
 * per token, so a changed access level shows without signing in again.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const session = useSyncExternalStore(subscribeToSession, getSession);

  const accessToken = session?.accessToken;
  useEffect(() => {
    if (accessToken === undefined) {
      return;
    }
    const controller = new AbortController();
    apiRequest<User>('/api/me', { signal: controller.signal }).then(updateSessionUser, () => {
      // The client already handles a 401, and any other failure leaves the stored profile in use.
    });
    return () => controller.abort();
  }, [accessToken]);

  return <SessionContext value={session}>{children}</SessionContext>;
}

/** Returns the current session, or null when no user is signed in. */
export function useSession(): Session | null {
  return useContext(SessionContext);
}

/** Returns true when the signed-in user may create and change objects. */
export function useCanWrite(): boolean {
  const level = useSession()?.user.accessLevel;
  return level === 'write' || level === 'admin';
}
