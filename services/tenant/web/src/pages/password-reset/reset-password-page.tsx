import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { apiRequest } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { MIN_PASSWORD_LENGTH } from '../invite/password-step';

/** /reset-password/:token: the user chooses a new password with the link from the reset e-mail. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const id = useId();
  const token = useParams().token ?? '';
  const account = useApiResource<{ email: string }>(`/api/auth/password-reset/${encodeURIComponent(token)}`, false);
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if ([...password].length < MIN_PASSWORD_LENGTH) {
      setFieldError(t('invite.passwordTooShort', { min: MIN_PASSWORD_LENGTH }));
      return;
    }
    if (password !== confirmation) {
      setFieldError(t('invite.passwordMismatch'));
      return;
    }
    setFieldError(null);
    setSubmitting(true);
    try {
      await apiRequest<undefined>(`/api/auth/password-reset/${encodeURIComponent(token)}`, {
        method: 'POST',
        body: { password },
        authenticated: false,
      });
      setDone(true);
    } catch (failure) {
      setError(failure);
      setSubmitting(false);
    }
  };

  return (
    <>
      <title>{`${t('passwordReset.resetTitle')} – ${t('app.name')}`}</title>
      <h1>{t('passwordReset.resetTitle')}</h1>
      {account.loading && <p aria-live="polite">{t('passwordReset.checking')}</p>}
      <ErrorMessage error={account.error} testId="reset-password-error" />
      {account.error !== undefined && account.error !== null && (
        <p>
          <Link to="/forgot-password">{t('passwordReset.requestNewLink')}</Link>
        </p>
      )}
      {account.data !== undefined && !done && (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <p>{t('passwordReset.resetFor', { email: account.data.email })}</p>
          {/* Lets password managers store the new password under the account's e-mail address. */}
          <input type="email" name="username" autoComplete="username" value={account.data.email} readOnly hidden />
          <div className="field">
            <label htmlFor={`${id}-password`}>{t('passwordReset.newPassword')}</label>
            <input
              id={`${id}-password`}
              data-testid="reset-password-new"
              type="password"
              autoComplete="new-password"
              required
              minLength={MIN_PASSWORD_LENGTH}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-describedby={`${id}-rule`}
              aria-invalid={fieldError !== null}
            />
            <p id={`${id}-rule`} className="hint">
              {t('invite.passwordRule', { min: MIN_PASSWORD_LENGTH })}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-confirmation`}>{t('invite.confirmPassword')}</label>
            <input
              id={`${id}-confirmation`}
              data-testid="reset-password-confirm"
              type="password"
              autoComplete="new-password"
              required
              value={confirmation}
              onChange={(event) => setConfirmation(event.target.value)}
              aria-invalid={fieldError !== null}
            />
          </div>
          {fieldError !== null && <ErrorMessage error={fieldError} testId="reset-password-field-error" />}
          <ErrorMessage error={error} testId="reset-password-submit-error" />
          <button type="submit" data-testid="reset-password-submit" disabled={submitting}>
            {t('passwordReset.setPassword')}
          </button>
        </form>
      )}
      {done && (
        <section data-testid="reset-password-done" role="status">
          <p>{t('passwordReset.done')}</p>
          <p>
            <Link to="/sign-in">{t('invite.signInLink')}</Link>
          </p>
        </section>
      )}
    </>
  );
}
