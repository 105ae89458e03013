import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../../api/client';
import type { InvitationInfo, TotpEnrolment } from '../../api/types';
import { CodeField, isSixDigitCode } from '../../components/code-field';
import { ErrorMessage } from '../../components/error-message';

interface TotpStepProps {
  token: string;
  enrolment: TotpEnrolment;
  onActivated: (email: string) => void;
}

/** Second step of accepting an invitation: add the secret to an authenticator app and confirm one code. */
export function TotpStep({ token, enrolment, onActivated }: TotpStepProps) {
  const { t } = useTranslation();
  const id = useId();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!isSixDigitCode(code)) {
      setError(t('errors.codeFormat'));
      return;
    }
    setError(undefined);
    setSubmitting(true);
    try {
      const result = await apiRequest<InvitationInfo>(`/api/invitations/${encodeURIComponent(token)}/totp`, {
        method: 'POST',
        body: { code },
        authenticated: false,
      });
      onActivated(result.email);
    } catch (failure) {
      setError(failure);
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('invite.totpStep')}</h2>
      <p>{t('invite.totpInstructions')}</p>
      <img
        className="qr-code"
        data-testid="totp-qr"
        src={enrolment.qrCodeDataUrl}
        alt={t('invite.qrAlt')}
        width={200}
        height={200}
      />
      <p>
        <span id={`${id}-secret`}>{t('invite.secretLabel')}</span>
        {': '}
        <code data-testid="totp-secret" aria-labelledby={`${id}-secret`} className="secret">
          {enrolment.totpSecret}
        </code>
      </p>
      <CodeField label={t('invite.code')} value={code} onChange={setCode} testId="invite-totp-code" />
      <ErrorMessage error={error} testId="invite-error" />
      <button type="submit" data-testid="invite-totp-submit" disabled={submitting}>
        {t('invite.confirmCode')}
      </button>
    </form>
  );
}
