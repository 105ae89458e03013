import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../../api/client';
import { ACCESS_LEVELS, type AccessLevel, type Locale } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { LANGUAGE_NAMES } from '../../components/language-switch';
import { currentLanguage, SUPPORTED_LANGUAGES } from '../../i18n';

/** Invites a user with POST /api/users/invitations, which e-mails them a link valid for 7 days. */
export function InviteUserForm({ onInvited }: { onInvited: (email: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [email, setEmail] = useState('');
  const [accessLevel, setAccessLevel] = useState<AccessLevel>('read');
  const [mobile, setMobile] = useState('');
  const [locale, setLocale] = useState<Locale>(currentLanguage());
  const [error, setError] = useState<unknown>(undefined);
  const [invited, setInvited] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setInvited(null);
    setSubmitting(true);
    const address = email.trim();
    const trimmedMobile = mobile.trim();
    try {
      await apiRequest<unknown>('/api/users/invitations', {
        method: 'POST',
        body: { email: address, accessLevel, locale, ...(trimmedMobile === '' ? {} : { mobile: trimmedMobile }) },
      });
      setInvited(address);
      setEmail('');
      setMobile('');
      onInvited(address);
    } catch (failure) {
      setError(failure);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('users.inviteTitle')}</h2>
      <form onSubmit={(event) => void submit(event)} data-testid="invite-user-form">
        <div className="field">
          <label htmlFor={`${id}-email`}>{t('users.email')}</label>
          <input
            id={`${id}-email`}
            data-testid="invite-user-email"
            type="email"
            autoComplete="off"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-level`}>{t('users.accessLevel')}</label>
          <select
            id={`${id}-level`}
            data-testid="invite-user-level"
            value={accessLevel}
            onChange={(event) => setAccessLevel(event.target.value as AccessLevel)}
          >
            {ACCESS_LEVELS.map((level) => (
              <option key={level} value={level}>
                {t(`accessLevels.${level}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-mobile`}>{t('users.mobileOptional')}</label>
          <input
            id={`${id}-mobile`}
            data-testid="invite-user-mobile"
            type="tel"
            autoComplete="off"
            value={mobile}
            onChange={(event) => setMobile(event.target.value)}
            aria-describedby={`${id}-mobile-hint`}
          />
          <p id={`${id}-mobile-hint`} className="hint">
            {t('users.mobileHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-locale`}>{t('users.locale')}</label>
          <select id={`${id}-locale`} data-testid="invite-user-locale" value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
            {SUPPORTED_LANGUAGES.map((language) => (
              <option key={language} value={language} lang={language}>
                {LANGUAGE_NAMES[language]}
              </option>
            ))}
          </select>
        </div>
        <ErrorMessage error={error} testId="invite-user-error" />
        <div className="actions">
          <button type="submit" data-testid="invite-user-submit" disabled={submitting}>
            {t('users.inviteSubmit')}
          </button>
          <span role="status" data-testid="invite-user-status">
            {invited !== null && t('users.invited', { email: invited })}
          </span>
        </div>
      </form>
    </section>
  );
}
