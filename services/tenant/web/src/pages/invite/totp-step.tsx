import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../../api/client';
import type { InvitationAccepted, TotpEnrolment } from '../../api/types';
import { TotpSetup } from '../../components/totp-setup';

interface TotpStepProps {
  token: string;
  enrolment: TotpEnrolment;
  onActivated: (accepted: InvitationAccepted) => void;
}

/** Second step of accepting an invitation: add the secret to an authenticator app and confirm one code. */
export function TotpStep({ token, enrolment, onActivated }: TotpStepProps) {
  const { t } = useTranslation();
  const id = useId();

  const confirm = async (code: string) => {
    const accepted = await apiRequest<InvitationAccepted>(`/api/invitations/${encodeURIComponent(token)}/totp`, {
      method: 'POST',
      body: { code },
      authenticated: false,
    });
    onActivated(accepted);
  };

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('invite.totpStep')}</h2>
      <TotpSetup
        enrolment={enrolment}
        onConfirm={confirm}
        submitLabel={t('invite.confirmCode')}
        codeTestId="invite-totp-code"
        submitTestId="invite-totp-submit"
        errorTestId="invite-error"
      />
    </section>
  );
}
