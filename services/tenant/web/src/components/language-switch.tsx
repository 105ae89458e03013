import { useTranslation } from 'react-i18next';

import { chooseLanguage, currentLanguage, SUPPORTED_LANGUAGES, type Language } from '../i18n';

// Each language is named in itself, so a user who cannot read the current language still finds theirs.
export const LANGUAGE_NAMES: Record<Language, string> = { sv: 'Svenska', en: 'English' };

/** Renders a select that switches the language of the whole client. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  return (
    <label className="language-switch">
      <span>{t('language.label')}</span>
      <select
        data-testid="language-switch"
        value={currentLanguage()}
        onChange={(event) => void chooseLanguage(event.target.value as Language)}
      >
        {SUPPORTED_LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {LANGUAGE_NAMES[language]}
          </option>
        ))}
      </select>
    </label>
  );
}
