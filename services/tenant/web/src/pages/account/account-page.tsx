import { useTranslation } from 'react-i18next';

import type { Account } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { AuthenticatorSection } from './authenticator-section';
import { ProfileForm } from './profile-form';
import { RecoveryCodesSection } from './recovery-codes-section';
import { SessionsSection } from './sessions-section';

/** /account: the signed-in user's own settings, factors, recovery codes and sessions. */
export function AccountPage() {
  const { t } = useTranslation();
  const account = useApiResource<Account>('/api/me');

  return (
    <>
      <title>{`${t('account.title')} – ${t('app.name')}`}</title>
      <h1>{t('account.title')}</h1>
      <div aria-live="polite">{account.loading && <p>{t('app.loading')}</p>}</div>
      <ErrorMessage error={account.error} testId="account-error" />
      {account.data !== undefined && (
        <>
          <dl className="fields" data-testid="account-summary">
            <dt>{t('account.email')}</dt>
            <dd data-testid="account-email">{account.data.email}</dd>
            <dt>{t('account.accessLevel')}</dt>
            <dd data-testid="account-access-level" data-level={account.data.accessLevel}>
              {t(`accessLevels.${account.data.accessLevel}`)}
            </dd>
          </dl>
          <ProfileForm account={account.data} onSaved={account.reload} />
          <AuthenticatorSection onChanged={account.reload} />
          <RecoveryCodesSection codesLeft={account.data.recoveryCodesLeft} onRegenerated={account.reload} />
          <SessionsSection />
        </>
      )}
    </>
  );
}
