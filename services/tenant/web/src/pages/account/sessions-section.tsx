import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { signOutEverywhere } from '../../api/sign-out';
import { ConfirmDialog } from '../../components/confirm-dialog';

/**
 * Signs the user out on every device with POST /api/auth/sign-out-everywhere.
 * This session ends too, and the route guard then shows the sign-in page.
 */
export function SessionsSection() {
  const { t } = useTranslation();
  const id = useId();
  const [confirming, setConfirming] = useState(false);

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('account.sessionsTitle')}</h2>
      <p>{t('account.sessionsIntro')}</p>
      <button type="button" className="danger" data-testid="account-sign-out-everywhere" onClick={() => setConfirming(true)}>
        {t('account.signOutEverywhere')}
      </button>
      {confirming && (
        <ConfirmDialog
          title={t('account.signOutEverywhereConfirmTitle')}
          text={t('account.signOutEverywhereConfirmText')}
          confirmLabel={t('account.signOutEverywhere')}
          onConfirm={signOutEverywhere}
          onClose={() => setConfirming(false)}
        />
      )}
    </section>
  );
}
