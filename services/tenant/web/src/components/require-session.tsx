import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';

import { sessionEndedWithoutSignOut } from '../api/session-store';
import { useSession, type SignInRedirectState } from '../session/session-context';

/** Renders its children for a signed-in user and sends anyone else to sign-in. */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session === null) {
    const state: SignInRedirectState = { from: location.pathname + location.search, sessionEnded: sessionEndedWithoutSignOut() };
    return <Navigate to="/sign-in" state={state} replace />;
  }
  return children;
}
