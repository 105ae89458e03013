import type { Locale } from '@esm/common';
import type { AttributeDefinition } from '../../meta-model/meta-model.js';
import type { ScaleDimension } from '../scale.js';

// Characters that make a spreadsheet program read a cell as a formula (OWASP, "CSV Injection").
// They also count after leading spaces, line breaks or invisible characters (zero-width space,
// BOM). Which programs skip those before they look for a formula is not known, and the guard costs nothing.
const FORMULA_START = /^[\s\u200B\uFEFF]*[=+\-@\t\r]/;
// A cell that guardFormula changed: one or more apostrophes, then a cell that FORMULA_START matches.
const GUARDED = /^'+[\s\u200B\uFEFF]*[=+\-@\t\r]/;

/**
 * Guards a text cell of an export against being run as a formula. A value
 * gets one more apostrophe in front when it starts with `=`, `+`, `-`, `@`,
 * tab or carriage return (after any whitespace or invisible characters), or
 * with apostrophes followed by such a start.
 * unguardFormula undoes exactly this, so a value that really starts with an
 * apostrophe survives an export and an import unchanged.
 */
export function guardFormula(value: string): string {
  return FORMULA_START.test(value) || GUARDED.test(value) ? `'${value}` : value;
}

/** Removes the apostrophe that guardFormula added; any other value is returned as it is. */
export function unguardFormula(value: string): string {
  return GUARDED.test(value) ? value.slice(1) : value;
}

/** Formats a number for a CSV cell: a decimal comma with the `;` separator, as Swedish Excel reads it, else a point. */
export function formatNumber(value: number, separator: ';' | ','): string {
  const text = String(value);
  return separator === ';' ? text.replace('.', ',') : text;
}

// Digits with an optional sign and one decimal separator. Spaces are removed first, so a
// Swedish thousands separator (space or no-break space) is accepted.
const NUMBER_PATTERN = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

/** Reads a number written with a decimal point or comma, or returns null. A thousands separator may be a space, never a point or a comma. */
export function parseNumber(text: string): number | null {
  const compact = text.replace(/[\s\u00a0\u202f]/g, '').replace(/^\u2212/, '-');
  if (!NUMBER_PATTERN.test(compact)) return null;
  const value = Number(compact.replace(',', '.'));
  return Number.isFinite(value) ? value : null;
}

const TRUE_WORDS = new Set(['ja', 'yes', 'true', 'sant', '1']);
const FALSE_WORDS = new Set(['nej', 'no', 'false', 'falskt', '0']);

/** Reads yes or no in Swedish or English (ja/nej, yes/no, true/false, Excel's SANT/FALSKT, 1/0), or returns null. */
export function parseBoolean(text: string): boolean | null {
  const word = text.trim().toLocaleLowerCase('sv');
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return null;
}

/** Formats yes or no in the export's language. */
export function formatBoolean(value: boolean, language: Locale): string {
  if (language === 'sv') return value ? 'ja' : 'nej';
  return value ? 'yes' : 'no';
}

/** Reads a level of a dimension by number or by its Swedish or English name. Returns null when the dimension has no such level. */
export function parseLevel(text: string, dimension: ScaleDimension): number | null {
  const trimmed = text.trim();
  const byName = trimmed.toLocaleLowerCase('sv');
  for (const level of dimension.levels) {
    if (String(level.level) === trimmed) return level.level;
    if (level.nameSv.toLocaleLowerCase('sv') === byName || level.nameEn.toLocaleLowerCase('sv') === byName) return level.level;
  }
  return null;
}

/**
 * Finds the choice a cell names: by key first, then by its Swedish or
 * English name ignoring case. Returns 'ambiguous' when several choices
 * have that name, and null when none has.
 */
export function parseChoice(text: string, definition: AttributeDefinition): string | 'ambiguous' | null {
  const byKey = definition.choices.find((choice) => choice.key === text.trim());
  if (byKey) return byKey.key;
  const name = text.trim().toLocaleLowerCase('sv');
  const matches = definition.choices.filter(
    (choice) => choice.sv.toLocaleLowerCase('sv') === name || choice.en.toLocaleLowerCase('sv') === name,
  );
  if (matches.length > 1) return 'ambiguous';
  return matches[0]?.key ?? null;
}

/**
 * Folds a name for finding likely duplicates: letters without diacritics,
 * lower case, and without whitespace, punctuation and symbols, so
 * "Kund-Register", "kundregister" and "Kundrégister" fold alike.
 */
export function foldName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase('sv')
    .replace(/[\s\p{P}\p{S}]/gu, '');
}
