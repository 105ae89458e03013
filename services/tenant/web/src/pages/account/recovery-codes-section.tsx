import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../../api/client';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { RecoveryCodes } from '../../components/recovery-codes';
import { ReauthPasswordField } from './reauth-password-field';

interface RecoveryCodesSectionProps {
  codesLeft: number;
  onRegenerated: () => void;
}

/** Shows how many recovery codes are left and replaces the set with POST /api/me/recovery-codes, which needs the current password. */
export function RecoveryCodesSection({ codesLeft, onRegenerated }: RecoveryCodesSectionProps) {
  const { t } = useTranslation();
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [password, setPassword] = useState('');

  const openConfirmation = () => {
    setPassword('');
    setConfirming(true);
  };

  const regenerate = async () => {
    const result = await apiRequest<{ recoveryCodes: string[] }>('/api/me/recovery-codes', { method: 'POST', body: { password } });
    setPassword('');
    setCodes(result.recoveryCodes);
    onRegenerated();
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="account-recovery">
      <h2 id={`${id}-heading`}>{t('recoveryCodes.title')}</h2>
      {codes === null ? (
        <>
          <p data-testid="account-recovery-codes-left" data-count={codesLeft}>
            {t('account.recoveryCodesLeft', { count: codesLeft })}
          </p>
          {codesLeft <= 2 && <p className="notice">{t('account.recoveryCodesLow')}</p>}
          <button type="button" data-testid="account-regenerate-recovery-codes" onClick={openConfirmation}>
            {t('account.regenerateRecoveryCodes')}
          </button>
        </>
      ) : (
        <RecoveryCodes codes={codes} onSaved={() => setCodes(null)} />
      )}
      {confirming && (
        <ConfirmDialog
          title={t('account.regenerateConfirmTitle')}
          text={t('account.regenerateConfirmText')}
          confirmLabel={t('account.regenerateRecoveryCodes')}
          onConfirm={regenerate}
          onClose={() => setConfirming(false)}
        >
          <ReauthPasswordField value={password} onChange={setPassword} />
        </ConfirmDialog>
      )}
    </section>
  );
}
