import { ATTRIBUTE_FIELD_CODES } from './errors.js';
import type { AttributeDefinition } from './meta-model.js';

/** Maximum length of a `text` value, in UTF-16 code units as JavaScript counts them. */
export const MAX_TEXT_LENGTH = 2000;
/** Maximum length of a `long_text` value, counted the same way. */
export const MAX_LONG_TEXT_LENGTH = 20000;

/** A value an attribute can store: every kind is a JSON string, number or boolean. */
export type AttributeValue = string | number | boolean;

export type AttributeFieldCode = (typeof ATTRIBUTE_FIELD_CODES)[keyof typeof ATTRIBUTE_FIELD_CODES];

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Checks one value against its definition's kind and returns the field code
 * of the problem, or null when the value is valid. A reference is checked
 * for its form only here; whether the object exists needs the database.
 */
export function checkAttributeValue(definition: AttributeDefinition, value: unknown): AttributeFieldCode | null {
  switch (definition.kind) {
    case 'text':
      return isText(value, MAX_TEXT_LENGTH) && !/[\r\n]/.test(value) ? null : ATTRIBUTE_FIELD_CODES.text;
    case 'long_text':
      return isText(value, MAX_LONG_TEXT_LENGTH) ? null : ATTRIBUTE_FIELD_CODES.longText;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : ATTRIBUTE_FIELD_CODES.number;
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? null : ATTRIBUTE_FIELD_CODES.date;
    case 'choice':
      return typeof value === 'string' && definition.choices.some((choice) => choice.key === value) ? null : ATTRIBUTE_FIELD_CODES.choice;
    case 'boolean':
      return typeof value === 'boolean' ? null : ATTRIBUTE_FIELD_CODES.boolean;
    case 'reference':
      return typeof value === 'string' && UUID_PATTERN.test(value) ? null : ATTRIBUTE_FIELD_CODES.reference;
  }
}

/**
 * Tells whether a stored value counts as missing for a required attribute:
 * absent, or text that is empty or only whitespace.
 */
export function isMissingValue(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * Converts a stored value to fit a changed definition, or returns undefined
 * when no lossless conversion exists. A value that is already valid is kept
 * as it is. Numbers and booleans become text as JavaScript prints them, and
 * text becomes a number or a boolean only when it is exactly how that value
 * prints, so converting back gives the original value.
 */
export function convertAttributeValue(definition: AttributeDefinition, value: AttributeValue): AttributeValue | undefined {
  if (checkAttributeValue(definition, value) === null) return value;

  let converted: AttributeValue | undefined;
  if ((definition.kind === 'text' || definition.kind === 'long_text') && typeof value !== 'string') converted = String(value);
  if (definition.kind === 'number' && typeof value === 'string' && value.trim() !== '' && String(Number(value)) === value) {
    converted = Number(value);
  }
  if (definition.kind === 'boolean' && (value === 'true' || value === 'false')) converted = value === 'true';

  return converted !== undefined && checkAttributeValue(definition, converted) === null ? converted : undefined;
}

function isText(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value.length <= maxLength && !value.includes('\0');
}

/** Tells whether `value` is YYYY-MM-DD and names a day that exists, 29 February only in leap years. */
function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // setUTCFullYear takes years below 100 as they are, unlike Date.UTC, which adds 1900.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
