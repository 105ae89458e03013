import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';

import { enMessages, svMessages } from './messages';

export const SUPPORTED_LANGUAGES = ['sv', 'en'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

/** localStorage key of the language the user picked in the language switch. */
const LANGUAGE_STORAGE_KEY = 'esm.language';

i18n.on('languageChanged', () => {
  document.documentElement.lang = currentLanguage();
});

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: { en: { translation: enMessages }, sv: { translation: svMessages } },
    supportedLngs: [...SUPPORTED_LANGUAGES],
    // Lets a browser language such as sv-FI select the Swedish texts.
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    fallbackLng: 'en',
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: LANGUAGE_STORAGE_KEY,
      // Only an explicit choice is stored (see chooseLanguage), so a browser
      // language detected once does not pin the language forever.
      caches: [],
    },
    // React escapes text when it renders it.
    interpolation: { escapeValue: false },
  });

// `{{count, number}}` in a text formats with the same regional locale as useFormat, not the bare language.
i18n.services.formatter?.add('number', (value: number, language: string | undefined, options: Intl.NumberFormatOptions) =>
  new Intl.NumberFormat(intlLocale(language === 'sv' ? 'sv' : 'en'), options).format(value),
);

/** Returns the language the texts are shown in. */
export function currentLanguage(): Language {
  return i18n.resolvedLanguage === 'sv' ? 'sv' : 'en';
}

/** Switches the language and stores the choice for later visits. */
export async function chooseLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Storage can be disabled by private browsing or a policy, and then the choice lasts until the page reloads.
  }
  await i18n.changeLanguage(language);
}

/**
 * The locale for English when the browser names no English region. ESM's
 * users work in Sweden, and British English writes dates day first and with
 * a 24-hour clock, where bare "en" would give American dates and times.
 */
const DEFAULT_ENGLISH_LOCALE = 'en-GB';

/**
 * Returns the locale for Intl formatting: the browser's own regional variant
 * of the chosen language when it has one (en-IE dates for an Irish browser),
 * else Swedish or British English.
 */
export function intlLocale(language: Language = currentLanguage()): string {
  const regional = navigator.languages.find((tag) => tag.toLowerCase().startsWith(`${language}-`));
  return regional ?? (language === 'en' ? DEFAULT_ENGLISH_LOCALE : language);
}

export default i18n;
