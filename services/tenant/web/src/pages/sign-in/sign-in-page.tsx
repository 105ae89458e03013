import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';

import { startSession } from '../../api/session-store';
import type { SignInResult } from '../../api/types';
import { useSession, type SignInRedirectState } from '../../session/session-context';
import { CodeStep } from './code-step';
import { PasswordStep } from './password-step';

/** /sign-in: e-mail and password, then the code from the authenticator app. */
export function SignInPage() {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const redirect = (useLocation().state ?? {}) as SignInRedirectState;
  const [challenge, setChallenge] = useState<string | null>(null);

  // Only same-site paths are followed, so a crafted router state cannot send the user elsewhere.
  const returnPath = redirect.from?.startsWith('/') && !redirect.from.startsWith('//') ? redirect.from : '/';

  if (session !== null && challenge === null) {
    return <Navigate to={returnPath} replace />;
  }

  const completeSignIn = (result: SignInResult) => {
    startSession(result);
    void navigate(returnPath, { replace: true });
  };

  return (
    <>
      <title>{`${t('signIn.title')} – ${t('app.name')}`}</title>
      <h1>{t('signIn.title')}</h1>
      {redirect.sessionEnded === true && challenge === null && (
        <p className="notice" role="status" data-testid="sign-in-session-ended">
          {t('errors.sessionEnded')}
        </p>
      )}
      {challenge === null ? (
        <PasswordStep onChallenge={setChallenge} />
      ) : (
        <CodeStep challenge={challenge} onSignedIn={completeSignIn} onStartOver={() => setChallenge(null)} />
      )}
    </>
  );
}
