import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import type { TotpEnrolment } from '../api/types';
import { CodeField, isSixDigitCode } from './code-field';
import { ErrorMessage } from './error-message';

interface TotpSetupProps {
  enrolment: TotpEnrolment;
  /** Sends the code to the server. A rejection is shown as the error, and the user can try another code. */
  onConfirm: (code: string) => Promise<void>;
  submitLabel: string;
  codeTestId: string;
  submitTestId: string;
  errorTestId: string;
}

/**
 * Renders the QR code and the secret of a new authenticator app entry, and
 * a form for the first code from the app, which proves the app has the secret.
 */
export function TotpSetup({ enrolment, onConfirm, submitLabel, codeTestId, submitTestId, errorTestId }: TotpSetupProps) {
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
      await onConfirm(code);
    } catch (failure) {
      setError(failure);
      setCode('');
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <p>{t('totp.instructions')}</p>
      <img
        className="qr-code"
        data-testid="totp-qr"
        src={enrolment.qrCodeDataUrl}
        alt={t('totp.qrAlt')}
        width={200}
        height={200}
      />
      <p>
        <span id={`${id}-secret`}>{t('totp.secretLabel')}</span>
        {': '}
        <code data-testid="totp-secret" aria-labelledby={`${id}-secret`} className="secret">
          {enrolment.totpSecret}
        </code>
      </p>
      <CodeField label={t('totp.code')} value={code} onChange={setCode} testId={codeTestId} />
      <ErrorMessage error={error} testId={errorTestId} />
      <button type="submit" data-testid={submitTestId} disabled={submitting}>
        {submitLabel}
      </button>
    </form>
  );
}
