import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';

import { useSessionState, type SignInRedirectState } from '../session/session-context';

/** Renders its children for a signed-in user and sends anyone else to sign-in. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { session, restoring } = useSessionState();
  const location = useLocation();
  if (restoring) {
    return (
      <p className="restoring" role="status" data-testid="session-restoring">
        {t('session.restoring')}
      </p>
    );
  }
  if (session === null) {
    const state: SignInRedirectState = { from: location.pathname + location.search };
    return <Navigate to="/sign-in" state={state} replace />;
  }
  return children;
}
