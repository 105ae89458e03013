import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { currentLanguage, intlLocale } from '../i18n';

/** Formatters for dates and numbers in the chosen language. */
export interface Formatters {
  dateTime: (value: string | number | Date) => string;
  number: (value: number) => string;
  /** Formats a fraction (0.45) as a percentage ("45 %" in Swedish, "45%" in English). */
  percent: (fraction: number) => string;
}

/** Returns Intl-based formatters that follow the language switch. */
export function useFormat(): Formatters {
  // useTranslation re-renders the caller when the language changes.
  useTranslation();
  const language = currentLanguage();
  return useMemo(() => {
    const locale = intlLocale(language);
    const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const numberFormat = new Intl.NumberFormat(locale);
    const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
    return {
      dateTime: (value) => {
        const date = new Date(value);
        // An unparseable timestamp is shown as sent rather than as "Invalid Date".
        return Number.isNaN(date.getTime()) ? String(value) : dateTimeFormat.format(date);
      },
      number: (value) => numberFormat.format(value),
      percent: (fraction) => percentFormat.format(fraction),
    };
  }, [language]);
}
