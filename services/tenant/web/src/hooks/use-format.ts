import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { currentLanguage, intlLocale } from '../i18n';

/** Formatters for dates and numbers in the chosen language. */
export interface Formatters {
  dateTime: (value: string | number | Date) => string;
  number: (value: number) => string;
  /** Formats a fraction (0.45) as a percentage ("45 %" in Swedish, "45%" in English). */
  percent: (fraction: number) => string;
  /** Formats a wait in seconds in the largest whole unit that fits, rounded up ("2 minutes", "2 minuter"). */
  duration: (seconds: number) => string;
  /** Formats a time of day ("21:14"), for example the end of a wait. */
  time: (value: string | number | Date) => string;
}

/** Picks the unit for a wait: seconds up to 90, minutes up to 90, then hours, always rounding up. */
function durationParts(seconds: number): { value: number; unit: 'second' | 'minute' | 'hour' } {
  if (seconds <= 90) {
    return { value: Math.max(1, Math.ceil(seconds)), unit: 'second' };
  }
  if (seconds <= 90 * 60) {
    return { value: Math.ceil(seconds / 60), unit: 'minute' };
  }
  return { value: Math.ceil(seconds / 3600), unit: 'hour' };
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
    const timeFormat = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
    return {
      dateTime: (value) => {
        const date = new Date(value);
        // An unparseable timestamp is shown as sent rather than as "Invalid Date".
        return Number.isNaN(date.getTime()) ? String(value) : dateTimeFormat.format(date);
      },
      number: (value) => numberFormat.format(value),
      percent: (fraction) => percentFormat.format(fraction),
      duration: (seconds) => {
        const { value, unit } = durationParts(seconds);
        return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
      },
      time: (value) => timeFormat.format(new Date(value)),
    };
  }, [language]);
}
