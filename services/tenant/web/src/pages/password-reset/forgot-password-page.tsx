import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { apiRequest } from '../../api/client';
import { SignInError, useRetryWait } from '../sign-in/sign-in-error';

/**
 * /forgot-password: requests a password reset link by e-mail. The server
 * answers alike whether or not the address has an account, so the page
 * shows the same confirmation either way.
 */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const id = useId();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const waiting = useRetryWait(error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSubmitting(true);
    try {
      await apiRequest<undefined>('/api/auth/password-reset', { method: 'POST', body: { email: email.trim() }, authenticated: false });
      setSent(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <>
      <title>{`${t('passwordReset.forgotTitle')} – ${t('app.name')}`}</title>
      <h1>{t('passwordReset.forgotTitle')}</h1>
      {sent ? (
        <section data-testid="forgot-password-sent" role="status">
          <p>{t('passwordReset.sent', { email: email.trim() })}</p>
        </section>
      ) : (
        <form onSubmit={(event) => void submit(event)}>
          <p>{t('passwordReset.forgotIntro')}</p>
          <div className="field">
            <label htmlFor={`${id}-email`}>{t('signIn.email')}</label>
            <input
              id={`${id}-email`}
              data-testid="forgot-password-email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          </div>
          <SignInError error={error} />
          <button type="submit" data-testid="forgot-password-submit" disabled={submitting || waiting}>
            {t('passwordReset.sendLink')}
          </button>
        </form>
      )}
      <p>
        <Link to="/sign-in">{t('passwordReset.backToSignIn')}</Link>
      </p>
    </>
  );
}
