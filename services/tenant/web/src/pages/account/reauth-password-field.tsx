import { useId } from 'react';
import { useTranslation } from 'react-i18next';

interface ReauthPasswordFieldProps {
  value: string;
  onChange: (value: string) => void;
}

/**
 * Asks for the current password, which the API requires before a new
 * authenticator app or new recovery codes, so that a stolen session alone
 * cannot change the second factors.
 */
export function ReauthPasswordField({ value, onChange }: ReauthPasswordFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{t('account.reauthPassword')}</label>
      <input
        id={id}
        type="password"
        autoComplete="current-password"
        required
        aria-describedby={`${id}-hint`}
        data-testid="account-reauth-password"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      <p id={`${id}-hint`} className="hint">
        {t('account.reauthHint')}
      </p>
    </div>
  );
}
