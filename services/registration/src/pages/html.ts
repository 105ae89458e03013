/**
 * A piece of HTML that is already escaped. Create one only through `html`
 * and `rawHtml`, so that every other value that reaches a page goes through
 * `escapeHtml`.
 */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function renderValue(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(renderValue).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * Builds HTML from a tagged template. Interpolated values are escaped unless they are
 * SafeHtml, arrays are joined, and `undefined`, `null` and `false` render as
 * nothing so that optional parts can be written inline.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let result = strings[0] ?? '';
  values.forEach((value, index) => {
    result += renderValue(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(result);
}

/** Marks a constant string as HTML. Never pass text that came from a request. */
export function rawHtml(value: string): SafeHtml {
  return new SafeHtml(value);
}
