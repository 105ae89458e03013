import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import type { InvitationInfo, TotpEnrolment } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { RecoveryCodes } from '../../components/recovery-codes';
import { useApiResource } from '../../hooks/use-api-resource';
import { PasswordStep } from './password-step';
import { TotpStep } from './totp-step';

type InviteStep =
  | { name: 'password' }
  | { name: 'totp'; enrolment: TotpEnrolment }
  | { name: 'recovery-codes'; email: string; recoveryCodes: string[] }
  | { name: 'done'; email: string };

/**
 * /invite/:token: an invited user sets a password and an authenticator app,
 * which activates the account, then saves the recovery codes.
 */
export function InvitePage() {
  const { t } = useTranslation();
  const token = useParams().token ?? '';
  const invitation = useApiResource<InvitationInfo>(`/api/invitations/${encodeURIComponent(token)}`, false);
  const [step, setStep] = useState<InviteStep>({ name: 'password' });

  return (
    <>
      <title>{`${t('invite.title')} – ${t('app.name')}`}</title>
      <h1>{t('invite.title')}</h1>
      {invitation.loading && <p aria-live="polite">{t('invite.checking')}</p>}
      <ErrorMessage error={invitation.error} testId="invite-error" />
      {invitation.data !== undefined && (step.name === 'password' || step.name === 'totp') && (
        <>
          <p data-testid="invite-email" data-email={invitation.data.email}>
            {t('invite.invitedAs', { email: invitation.data.email })}
          </p>
          {step.name === 'password' ? (
            <PasswordStep
              token={token}
              email={invitation.data.email}
              onEnrolled={(enrolment) => setStep({ name: 'totp', enrolment })}
            />
          ) : (
            <TotpStep
              token={token}
              enrolment={step.enrolment}
              onActivated={({ email, recoveryCodes }) => setStep({ name: 'recovery-codes', email, recoveryCodes })}
            />
          )}
        </>
      )}
      {step.name === 'recovery-codes' && (
        <RecoveryCodes codes={step.recoveryCodes} onSaved={() => setStep({ name: 'done', email: step.email })} />
      )}
      {step.name === 'done' && (
        <section data-testid="invite-success" role="status">
          <h2>{t('invite.doneTitle')}</h2>
          <p>{t('invite.doneText', { email: step.email })}</p>
          <p>
            <Link to="/sign-in" data-testid="invite-sign-in-link">
              {t('invite.signInLink')}
            </Link>
          </p>
        </section>
      )}
    </>
  );
}
