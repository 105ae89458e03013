import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../../api/client';
import { updateSessionUser } from '../../api/session-store';
import type { Account, Factor, Locale } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { LANGUAGE_NAMES } from '../../components/language-switch';
import { chooseLanguage, SUPPORTED_LANGUAGES } from '../../i18n';
import { useSession } from '../../session/session-context';

interface ProfileFormProps {
  account: Account;
  onSaved: () => void;
}

/** Edits the mobile number, the language and the preferred factor with PATCH /api/me. */
export function ProfileForm({ account, onSaved }: ProfileFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const [mobile, setMobile] = useState(account.mobile ?? '');
  // Until the user picks here, the form shows the language the session has now,
  // which the language switch in the header may have changed since the account loaded.
  const sessionLocale = useSession()?.user.locale;
  const [pickedLocale, setLocale] = useState<Locale | null>(null);
  const locale = pickedLocale ?? sessionLocale ?? account.locale;
  const [preferredFactor, setPreferredFactor] = useState<Factor | ''>(account.preferredFactor ?? '');
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);
  // A recovery code is for when the other factors are lost, so it cannot be the one offered first.
  const preferable = account.factors.filter((factor) => factor !== 'recovery');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    setSaving(true);
    const trimmedMobile = mobile.trim();
    try {
      await apiRequest<unknown>('/api/me', {
        method: 'PATCH',
        body: {
          mobile: trimmedMobile === '' ? null : trimmedMobile,
          locale,
          ...(preferredFactor === '' ? {} : { preferredFactor }),
        },
      });
      updateSessionUser({ id: account.id, email: account.email, accessLevel: account.accessLevel, locale });
      await chooseLanguage(locale);
      setSaved(true);
      onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('account.profileTitle')}</h2>
      <form onSubmit={(event) => void submit(event)} data-testid="account-profile-form">
        <div className="field">
          <label htmlFor={`${id}-mobile`}>{t('account.mobile')}</label>
          <input
            id={`${id}-mobile`}
            data-testid="account-mobile"
            type="tel"
            autoComplete="tel"
            value={mobile}
            onChange={(event) => setMobile(event.target.value)}
            aria-describedby={`${id}-mobile-hint`}
          />
          <p id={`${id}-mobile-hint`} className="hint">
            {t('account.mobileHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-locale`}>{t('account.locale')}</label>
          <select
            id={`${id}-locale`}
            data-testid="account-locale"
            value={locale}
            onChange={(event) => setLocale(event.target.value as Locale)}
            aria-describedby={`${id}-locale-hint`}
          >
            {SUPPORTED_LANGUAGES.map((language) => (
              <option key={language} value={language} lang={language}>
                {LANGUAGE_NAMES[language]}
              </option>
            ))}
          </select>
          <p id={`${id}-locale-hint`} className="hint">
            {t('account.localeHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-factor`}>{t('account.preferredFactor')}</label>
          <select
            id={`${id}-factor`}
            data-testid="account-preferred-factor"
            value={preferredFactor}
            onChange={(event) => setPreferredFactor(event.target.value as Factor | '')}
          >
            {preferredFactor === '' && <option value="">{t('account.noPreferredFactor')}</option>}
            {preferable.map((factor) => (
              <option key={factor} value={factor}>
                {t(`factors.${factor}`)}
              </option>
            ))}
          </select>
        </div>
        <ErrorMessage error={error} testId="account-profile-error" />
        <div className="actions">
          <button type="submit" data-testid="account-profile-save" disabled={saving}>
            {t('account.save')}
          </button>
          <span role="status" data-testid="account-profile-status">
            {saved && t('account.saved')}
          </span>
        </div>
      </form>
    </section>
  );
}
