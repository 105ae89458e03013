import type { ModelPart } from '../exchange/model-document.js';

/** The parts of a model that a template import can take, in the order an import writes them. */
export const TEMPLATE_PARTS = ['metaModel', 'requirements', 'objects'] as const satisfies readonly ModelPart[];

/** The `parts` query parameter of the export: one to three part names, separated by commas. */
export const PARTS_PARAMETER_PATTERN = '^(metaModel|requirements|objects)(,(metaModel|requirements|objects)){0,2}$';

/** Returns the named parts without repeats, in TEMPLATE_PARTS order; every part when `parts` is missing. */
export function parseParts(parts: string | readonly string[] | undefined): ModelPart[] {
  if (parts === undefined) return [...TEMPLATE_PARTS];
  const named = new Set(typeof parts === 'string' ? parts.split(',') : parts);
  return TEMPLATE_PARTS.filter((part) => named.has(part));
}
