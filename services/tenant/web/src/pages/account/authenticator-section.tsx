import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../../api/client';
import type { TotpEnrolment } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { RecoveryCodes } from '../../components/recovery-codes';
import { TotpSetup } from '../../components/totp-setup';
import { ReauthPasswordField } from './reauth-password-field';

type Stage =
  | { name: 'idle' }
  | { name: 'password' }
  | { name: 'enrolling'; enrolment: TotpEnrolment }
  | { name: 'codes'; codes: string[] };

/**
 * Replaces the authenticator app: POST /api/me/totp with the current
 * password creates a new secret,
 * and POST /api/me/totp/confirm with a code from the new app replaces the
 * old secret. Until the confirmation the old app keeps working.
 */
export function AuthenticatorSection({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [stage, setStage] = useState<Stage>({ name: 'idle' });
  const [error, setError] = useState<unknown>(undefined);
  const [changed, setChanged] = useState(false);
  const [starting, setStarting] = useState(false);
  const [password, setPassword] = useState('');

  const askForPassword = () => {
    setError(undefined);
    setChanged(false);
    setPassword('');
    setStage({ name: 'password' });
  };

  const start = async () => {
    setError(undefined);
    setStarting(true);
    try {
      const enrolment = await apiRequest<TotpEnrolment>('/api/me/totp', { method: 'POST', body: { password } });
      setPassword('');
      setStage({ name: 'enrolling', enrolment });
    } catch (failure) {
      setError(failure);
    } finally {
      setStarting(false);
    }
  };

  const finish = () => {
    setStage({ name: 'idle' });
    setChanged(true);
    onChanged();
  };

  const confirm = async (code: string) => {
    const result = await apiRequest<{ recoveryCodes?: string[] } | undefined>('/api/me/totp/confirm', {
      method: 'POST',
      body: { code },
    });
    // NOTE: the API description leaves open whether a new app comes with new recovery codes, so they are shown only when sent.
    if (result?.recoveryCodes !== undefined && result.recoveryCodes.length > 0) {
      setStage({ name: 'codes', codes: result.recoveryCodes });
    } else {
      finish();
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="account-authenticator">
      <h2 id={`${id}-heading`}>{t('account.authenticatorTitle')}</h2>
      <span role="status" data-testid="account-authenticator-status">
        {changed && <span className="success">{t('account.authenticatorChanged')}</span>}
      </span>
      {stage.name === 'idle' && (
        <>
          <p>{t('account.authenticatorIntro')}</p>
          <button type="button" data-testid="account-change-authenticator" onClick={askForPassword}>
            {t('account.changeAuthenticator')}
          </button>
        </>
      )}
      {stage.name === 'password' && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void start();
          }}
        >
          <ReauthPasswordField value={password} onChange={setPassword} />
          <ErrorMessage error={error} testId="account-authenticator-error" />
          <div className="actions">
            <button type="submit" data-testid="account-reauth-submit" disabled={starting || password === ''}>
              {t('account.reauthContinue')}
            </button>
            <button type="button" className="link-button" data-testid="account-authenticator-cancel" onClick={() => setStage({ name: 'idle' })}>
              {t('confirm.cancel')}
            </button>
          </div>
        </form>
      )}
      {stage.name === 'enrolling' && (
        <>
          <TotpSetup
            enrolment={stage.enrolment}
            onConfirm={confirm}
            submitLabel={t('account.confirmAuthenticator')}
            codeTestId="account-authenticator-code"
            submitTestId="account-authenticator-submit"
            errorTestId="account-authenticator-error"
          />
          <button type="button" className="link-button" data-testid="account-authenticator-cancel" onClick={() => setStage({ name: 'idle' })}>
            {t('confirm.cancel')}
          </button>
        </>
      )}
      {stage.name === 'codes' && <RecoveryCodes codes={stage.codes} headingLevel="h2" onSaved={finish} />}
    </section>
  );
}
