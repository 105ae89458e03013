import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { apiRequest } from '../../api/client';
import type { PasswordChallenge } from '../../api/types';
import { SignInError, useRetryWait } from './sign-in-error';

interface PasswordStepProps {
  /** The address to fill in, when the user came back from the code step. */
  initialEmail: string;
  onChallenge: (challenge: PasswordChallenge, email: string) => void;
}

/** First sign-in step: e-mail and password, which return a challenge and the user's second factors. */
export function PasswordStep({ initialEmail, onChallenge }: PasswordStepProps) {
  const { t } = useTranslation();
  const id = useId();
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const waiting = useRetryWait(error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSubmitting(true);
    try {
      const result = await apiRequest<PasswordChallenge>('/api/auth/password', {
        method: 'POST',
        body: { email: email.trim(), password },
        authenticated: false,
      });
      onChallenge(result, email.trim());
    } catch (failure) {
      setError(failure);
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)}>
      <div className="field">
        <label htmlFor={`${id}-email`}>{t('signIn.email')}</label>
        <input
          id={`${id}-email`}
          data-testid="sign-in-email"
          type="email"
          autoComplete="username"
          required
          autoFocus={initialEmail !== ''}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>{t('signIn.password')}</label>
        <input
          id={`${id}-password`}
          data-testid="sign-in-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      <SignInError error={error} />
      <button type="submit" data-testid="sign-in-submit" disabled={submitting || waiting}>
        {t('signIn.submit')}
      </button>
      <p>
        <Link to="/forgot-password" data-testid="forgot-password-link">
          {t('signIn.forgotPassword')}
        </Link>
      </p>
    </form>
  );
}
