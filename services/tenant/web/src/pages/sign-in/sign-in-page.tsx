import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';

import { applyUserLocale } from '../../api/session';
import { startSession, type SessionEndReason } from '../../api/session-store';
import type { EnrolmentResult, Factor, SignInResult } from '../../api/types';
import { RecoveryCodes } from '../../components/recovery-codes';
import { useSessionState, type SignInRedirectState } from '../../session/session-context';
import { EnrolmentStep } from './enrolment-step';
import { PasswordStep } from './password-step';
import { SecondFactorStep } from './second-factor-step';

type Step =
  | { name: 'password' }
  | { name: 'second-factor'; challenge: string; factors: Factor[] }
  | { name: 'enrolment'; challenge: string }
  | { name: 'recovery-codes'; result: EnrolmentResult };

/** Renders the sign-in page's message for the way the last session ended. */
function SessionEndedNotice({ reason }: { reason: SessionEndReason }) {
  const { t } = useTranslation();
  const warning = reason === 'sign-out-unconfirmed';
  return (
    <p className={warning ? 'error' : 'notice'} role="status" data-testid="sign-in-session-ended" data-reason={reason}>
      {t(`session.ended.${reason}`)}
    </p>
  );
}

/** /sign-in: e-mail and password, then a second factor, or a new authenticator app after a factor reset. */
export function SignInPage() {
  const { t } = useTranslation();
  const { session, restoring, endReason } = useSessionState();
  const navigate = useNavigate();
  const redirect = (useLocation().state ?? {}) as SignInRedirectState;
  const [step, setStep] = useState<Step>({ name: 'password' });
  const [email, setEmail] = useState('');

  // Only same-site paths are followed, so a crafted router state cannot send the user elsewhere.
  const returnPath = redirect.from?.startsWith('/') && !redirect.from.startsWith('//') ? redirect.from : '/';

  if (session !== null && step.name === 'password') {
    return <Navigate to={returnPath} replace />;
  }

  const completeSignIn = (result: SignInResult) => {
    startSession(result);
    applyUserLocale(result.user);
    void navigate(returnPath, { replace: true });
  };
  const startOver = () => setStep({ name: 'password' });

  return (
    <>
      <title>{`${t('signIn.title')} – ${t('app.name')}`}</title>
      <h1>{t('signIn.title')}</h1>
      {restoring && (
        <p role="status" data-testid="session-restoring">
          {t('session.restoring')}
        </p>
      )}
      {!restoring && step.name === 'password' && (
        <>
          {endReason !== null && <SessionEndedNotice reason={endReason} />}
          <PasswordStep
            initialEmail={email}
            onChallenge={(challenge, address) => {
              setEmail(address);
              setStep(
                challenge.enrolmentRequired
                  ? { name: 'enrolment', challenge: challenge.challenge }
                  : { name: 'second-factor', challenge: challenge.challenge, factors: challenge.factors },
              );
            }}
          />
        </>
      )}
      {step.name === 'second-factor' && (
        <SecondFactorStep challenge={step.challenge} factors={step.factors} onSignedIn={completeSignIn} onStartOver={startOver} />
      )}
      {step.name === 'enrolment' && (
        <EnrolmentStep
          challenge={step.challenge}
          onEnrolled={(result) => setStep({ name: 'recovery-codes', result })}
          onStartOver={startOver}
        />
      )}
      {step.name === 'recovery-codes' && (
        <RecoveryCodes codes={step.result.recoveryCodes} onSaved={() => completeSignIn(step.result)} />
      )}
    </>
  );
}
