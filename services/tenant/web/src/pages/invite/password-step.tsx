import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../../api/client';
import type { TotpEnrolment } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';

/** Minimum password length. The server enforces the same rule and rejects shorter ones with PASSWORD_TOO_SHORT. */
export const MIN_PASSWORD_LENGTH = 12;

interface PasswordStepProps {
  token: string;
  email: string;
  onEnrolled: (enrolment: TotpEnrolment) => void;
}

/** First step of accepting an invitation: choose a password and receive the TOTP secret. */
export function PasswordStep({ token, email, onEnrolled }: PasswordStepProps) {
  const { t } = useTranslation();
  const id = useId();
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (password.length < MIN_PASSWORD_LENGTH) {
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
      const enrolment = await apiRequest<TotpEnrolment>(`/api/invitations/${encodeURIComponent(token)}/password`, {
        method: 'POST',
        body: { password },
        authenticated: false,
      });
      onEnrolled(enrolment);
    } catch (failure) {
      setError(failure);
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('invite.passwordStep')}</h2>
      {/* Lets password managers store the new password under the invited e-mail address. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <div className="field">
        <label htmlFor={`${id}-password`}>{t('invite.password')}</label>
        <input
          id={`${id}-password`}
          data-testid="invite-password"
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
          data-testid="invite-password-confirm"
          type="password"
          autoComplete="new-password"
          required
          value={confirmation}
          onChange={(event) => setConfirmation(event.target.value)}
          aria-invalid={fieldError !== null}
        />
      </div>
      {fieldError !== null && <ErrorMessage error={fieldError} testId="invite-password-error" />}
      <ErrorMessage error={error} testId="invite-error" />
      <button type="submit" data-testid="invite-password-submit" disabled={submitting}>
        {t('invite.setPassword')}
      </button>
    </form>
  );
}
