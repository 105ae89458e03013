import type { AttributeDefinition } from '../../api/meta-model';

/** An attribute value as the API stores it. */
export type AttributeValue = string | number | boolean;

/** Returns the decimal and group separators that Intl uses for `locale`. */
function separatorsOf(locale: string): { decimal: string; group: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  return {
    decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
    group: parts.find((part) => part.type === 'group')?.value ?? ',',
  };
}

/** Formats a number for editing in `locale`: its decimal separator, no grouping, every decimal kept. */
export function formatNumberForInput(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 20 }).format(value);
}

/**
 * Reads a number typed in `locale`, such as "1 234,5" in Swedish or
 * "1,234.5" in English, and returns null for text that is no number. A
 * point is read as the decimal separator in every locale, because Swedish
 * users type it too. The minus sign may be "-" or U+2212, which Intl writes
 * for Swedish.
 */
export function parseLocaleNumber(text: string, locale: string): number | null {
  const { decimal, group } = separatorsOf(locale);
  let normalised = text.trim().replace(/\u2212/g, '-').replace(/[\s\u00a0\u202f]/g, '');
  // A group separator that is no space, like the English comma, counts only in groups of three digits.
  if (!/^\s$/u.test(group) && normalised.includes(group)) {
    const escaped = group.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const grouped = new RegExp(`^-?\\d{1,3}(${escaped}\\d{3})+(\\${decimal}\\d+)?$`);
    if (!grouped.test(normalised)) {
      return null;
    }
    normalised = normalised.split(group).join('');
  }
  if (decimal !== '.') {
    normalised = normalised.replace(decimal, '.');
  }
  if (!/^-?\d+(\.\d+)?$/.test(normalised)) {
    return null;
  }
  const value = Number(normalised);
  return Number.isFinite(value) ? value : null;
}

/**
 * Returns the text that a form control shows for a stored value: numbers in
 * the user's locale, dates as YYYY-MM-DD (the value of a date input),
 * booleans as "true" or "false", and an empty text for no value.
 */
export function attributeToText(definition: AttributeDefinition, value: unknown, locale: string): string {
  if (value === undefined || value === null) {
    return '';
  }
  if (definition.kind === 'number' && typeof value === 'number') {
    return formatNumberForInput(value, locale);
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  return String(value);
}

/**
 * Turns a control's text into the value to send, or undefined for an empty
 * control, which leaves the attribute out. A number that does not parse is
 * sent as typed, so that the API rejects it with the attribute's field
 * error in the user's language.
 */
export function textToAttribute(definition: AttributeDefinition, text: string, locale: string): AttributeValue | undefined {
  const trimmed = definition.kind === 'long_text' ? text : text.trim();
  if (trimmed.trim() === '') {
    return undefined;
  }
  if (definition.kind === 'number') {
    return parseLocaleNumber(trimmed, locale) ?? trimmed;
  }
  if (definition.kind === 'boolean') {
    return trimmed === 'true';
  }
  return trimmed;
}
