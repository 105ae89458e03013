import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../../api/client';
import type { EnrolmentResult, TotpEnrolment } from '../../api/types';
import { TotpSetup } from '../../components/totp-setup';
import { SignInError } from './sign-in-error';

interface EnrolmentStepProps {
  challenge: string;
  onEnrolled: (result: EnrolmentResult) => void;
  onStartOver: () => void;
}

/**
 * Sign-in after an administrator reset the user's factor: the user sets up an
 * authenticator app again, and the confirmation signs them in. The secret is
 * requested on a click rather than on mount, because React's development mode
 * runs effects twice and would create two secrets.
 */
export function EnrolmentStep({ challenge, onEnrolled, onStartOver }: EnrolmentStepProps) {
  const { t } = useTranslation();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [starting, setStarting] = useState(false);

  const start = async () => {
    setError(undefined);
    setStarting(true);
    try {
      setEnrolment(
        await apiRequest<TotpEnrolment>('/api/auth/enrolment/totp', { method: 'POST', body: { challenge }, authenticated: false }),
      );
    } catch (failure) {
      setError(failure);
      setStarting(false);
    }
  };

  const confirm = async (code: string) => {
    const result = await apiRequest<EnrolmentResult>('/api/auth/enrolment/totp/confirm', {
      method: 'POST',
      body: { challenge, code },
      authenticated: false,
    });
    onEnrolled(result);
  };

  return (
    <section data-testid="sign-in-enrolment" aria-labelledby="sign-in-enrolment-heading">
      <h2 id="sign-in-enrolment-heading">{t('signIn.enrolmentTitle')}</h2>
      <p>{t('signIn.enrolmentIntro')}</p>
      {enrolment === null ? (
        <>
          <SignInError error={error} />
          <div className="actions">
            <button type="button" data-testid="sign-in-enrolment-start" disabled={starting} onClick={() => void start()}>
              {t('signIn.enrolmentStart')}
            </button>
            <button type="button" className="link-button" data-testid="sign-in-start-over" onClick={onStartOver}>
              {t('signIn.startOver')}
            </button>
          </div>
        </>
      ) : (
        <TotpSetup
          enrolment={enrolment}
          onConfirm={confirm}
          submitLabel={t('signIn.enrolmentConfirm')}
          codeTestId="sign-in-enrolment-code"
          submitTestId="sign-in-enrolment-submit"
          errorTestId="sign-in-error"
        />
      )}
    </section>
  );
}
