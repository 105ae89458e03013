import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorMessage } from './error-message';

/** Minimum password length in characters. The server enforces the same rule and rejects shorter ones with PASSWORD_TOO_SHORT. */
export const MIN_PASSWORD_LENGTH = 12;

/** The data-testids of the form's parts, which differ per page for the browser tests. */
export interface NewPasswordTestIds {
  password: string;
  confirmation: string;
  fieldError: string;
  submitError: string;
  submit: string;
}

interface NewPasswordFormProps {
  /** The account's e-mail address, so that password managers store the password under it. */
  email: string;
  /** Shown above the fields: a heading or an explanation. */
  intro: ReactNode;
  passwordLabel: string;
  submitLabel: string;
  testIds: NewPasswordTestIds;
  /** Sends the password; throws the API error to show under the form. */
  onSubmit: (password: string) => Promise<void>;
}

/**
 * A new password and its confirmation, checked for length and equality
 * before anything is sent. Used where a user chooses a password: accepting
 * an invitation and resetting a forgotten one.
 */
export function NewPasswordForm({ email, intro, passwordLabel, submitLabel, testIds, onSubmit }: NewPasswordFormProps) {
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
    // Characters, not UTF-16 units, as the server counts them.
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
      await onSubmit(password);
    } catch (failure) {
      setError(failure);
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      {intro}
      {/* Lets password managers store the new password under the account's e-mail address. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <div className="field">
        <label htmlFor={`${id}-password`}>{passwordLabel}</label>
        <input
          id={`${id}-password`}
          data-testid={testIds.password}
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
          data-testid={testIds.confirmation}
          type="password"
          autoComplete="new-password"
          required
          value={confirmation}
          onChange={(event) => setConfirmation(event.target.value)}
          aria-invalid={fieldError !== null}
        />
      </div>
      {fieldError !== null && <ErrorMessage error={fieldError} testId={testIds.fieldError} />}
      <ErrorMessage error={error} testId={testIds.submitError} />
      <button type="submit" data-testid={testIds.submit} disabled={submitting}>
        {submitLabel}
      </button>
    </form>
  );
}
