import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../../api/client';
import type { SignInResult } from '../../api/types';
import { CodeField, isSixDigitCode } from '../../components/code-field';
import { ErrorMessage } from '../../components/error-message';

interface CodeStepProps {
  challenge: string;
  onSignedIn: (result: SignInResult) => void;
  onStartOver: () => void;
}

/** Second sign-in step: the code from the authenticator app, which returns the access token. */
export function CodeStep({ challenge, onSignedIn, onStartOver }: CodeStepProps) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!isSixDigitCode(code)) {
      setError(t('errors.codeFormat'));
      return;
    }
    setError(undefined);
    setSubmitting(true);
    try {
      const result = await apiRequest<SignInResult>('/api/auth/totp', {
        method: 'POST',
        body: { challenge, code },
        authenticated: false,
      });
      onSignedIn(result);
    } catch (failure) {
      setError(failure);
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <p>{t('signIn.codeStep')}</p>
      <CodeField label={t('signIn.code')} value={code} onChange={setCode} testId="sign-in-code" autoFocus />
      <ErrorMessage error={error} testId="sign-in-error" />
      <div className="actions">
        <button type="submit" data-testid="sign-in-code-submit" disabled={submitting}>
          {t('signIn.codeSubmit')}
        </button>
        <button type="button" className="link-button" data-testid="sign-in-start-over" onClick={onStartOver}>
          {t('signIn.startOver')}
        </button>
      </div>
    </form>
  );
}
