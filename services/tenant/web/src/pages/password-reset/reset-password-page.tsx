import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { apiRequest } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';
import { useApiResource } from '../../hooks/use-api-resource';
import { NewPasswordForm } from '../../components/new-password-form';

/** /reset-password/:token: the user chooses a new password with the link from the reset e-mail. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const token = useParams().token ?? '';
  const account = useApiResource<{ email: string }>(`/api/auth/password-reset/${encodeURIComponent(token)}`, false);
  const [done, setDone] = useState(false);

  const resetPassword = async (password: string) => {
    await apiRequest<undefined>(`/api/auth/password-reset/${encodeURIComponent(token)}`, {
      method: 'POST',
      body: { password },
      authenticated: false,
    });
    setDone(true);
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
        <NewPasswordForm
          email={account.data.email}
          intro={<p>{t('passwordReset.resetFor', { email: account.data.email })}</p>}
          passwordLabel={t('passwordReset.newPassword')}
          submitLabel={t('passwordReset.setPassword')}
          testIds={{
            password: 'reset-password-new',
            confirmation: 'reset-password-confirm',
            fieldError: 'reset-password-field-error',
            submitError: 'reset-password-submit-error',
            submit: 'reset-password-submit',
          }}
          onSubmit={resetPassword}
        />
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
