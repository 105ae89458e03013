import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { apiRequest } from '../api/client';
import { getSession, updateSessionUser } from '../api/session-store';
import { chooseLanguage, currentLanguage, SUPPORTED_LANGUAGES, type Language } from '../i18n';

import { ErrorMessage } from './error-message';

// Each language is named in itself, so a user who cannot read the current language still finds theirs.
export const LANGUAGE_NAMES: Record<Language, string> = { sv: 'Svenska', en: 'English' };

// Choices are stored one after another, so two quick switches cannot reach
// the server in the opposite order and leave the earlier language stored.
let storing: Promise<void> = Promise.resolve();

/**
 * Stores the language on the signed-in user's account with PATCH /api/me, so
 * that the next page load, which applies the account's language, keeps it.
 * Resolves without a request when no user is signed in.
 * NOTE: a page load that reads the account before the request has reached
 * the server still shows the account's previous language, because the
 * client applies the account's language on load.
 */
function storeOnAccount(language: Language): Promise<void> {
  const next = storing.then(async () => {
    const session = getSession();
    if (session === null) {
      return;
    }
    // keepalive: a reload right after the switch does not cancel the request.
    await apiRequest<unknown>('/api/me', { method: 'PATCH', body: { locale: language }, keepalive: true });
    updateSessionUser({ ...session.user, locale: language });
  });
  // A failed request must not stop the choices after it.
  storing = next.catch(() => undefined);
  return next;
}

/**
 * Renders a select that switches the language of the whole client. A signed-in
 * user's choice is also stored on the account. Signed out, it is stored only
 * in this browser's localStorage.
 */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(undefined);

  const switchTo = async (language: Language) => {
    setError(undefined);
    // The texts change at once, and the account follows in the background.
    await chooseLanguage(language);
    try {
      await storeOnAccount(language);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <>
      <label className="language-switch">
        <span>{t('language.label')}</span>
        <select data-testid="language-switch" value={currentLanguage()} onChange={(event) => void switchTo(event.target.value as Language)}>
          {SUPPORTED_LANGUAGES.map((language) => (
            <option key={language} value={language} lang={language}>
              {LANGUAGE_NAMES[language]}
            </option>
          ))}
        </select>
      </label>
      <ErrorMessage error={error} testId="language-switch-error" />
    </>
  );
}
