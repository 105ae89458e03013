import { useTranslation } from 'react-i18next';

import { apiRequest } from '../../api/client';
import type { TotpEnrolment } from '../../api/types';
import { NewPasswordForm } from '../../components/new-password-form';

interface PasswordStepProps {
  token: string;
  email: string;
  onEnrolled: (enrolment: TotpEnrolment) => void;
}

/** First step of accepting an invitation: choose a password and receive the TOTP secret. */
export function PasswordStep({ token, email, onEnrolled }: PasswordStepProps) {
  const { t } = useTranslation();
  const setPassword = async (password: string) => {
    const enrolment = await apiRequest<TotpEnrolment>(`/api/invitations/${encodeURIComponent(token)}/password`, {
      method: 'POST',
      body: { password },
      authenticated: false,
    });
    onEnrolled(enrolment);
  };

  return (
    <NewPasswordForm
      email={email}
      intro={<h2>{t('invite.passwordStep')}</h2>}
      passwordLabel={t('invite.password')}
      submitLabel={t('invite.setPassword')}
      testIds={{
        password: 'invite-password',
        confirmation: 'invite-password-confirm',
        fieldError: 'invite-password-error',
        submitError: 'invite-error',
        submit: 'invite-password-submit',
      }}
      onSubmit={setPassword}
    />
  );
}
