import type { AttributeDefinition } from '../../api/meta-model';
import type { ModelObject } from '../../api/types';
import { attributeToText, textToAttribute, type AttributeValue } from './attribute-input-values';

/** The texts of the object form by field name as `differingFields` names them: `name`, `description` and `attributes.<key>`. */
export type FormValues = Record<string, string>;

/** The prefix of the attribute fields in `differingFields` and in the 422 `fields`. */
export const ATTRIBUTE_FIELD_PREFIX = 'attributes.';

/** Returns the fields the form edits: name, description and each attribute the type defines, in the type's order. */
export function editedFields(definitions: AttributeDefinition[]): string[] {
  return ['name', 'description', ...definitions.map((definition) => `${ATTRIBUTE_FIELD_PREFIX}${definition.key}`)];
}

/** Returns the form's texts for an object. */
export function formValuesOf(object: ModelObject, definitions: AttributeDefinition[], locale: string): FormValues {
  const values: FormValues = { name: object.name, description: object.description ?? '' };
  for (const definition of definitions) {
    values[`${ATTRIBUTE_FIELD_PREFIX}${definition.key}`] = attributeToText(definition, object.attributes[definition.key], locale);
  }
  return values;
}

/**
 * Builds the fields of the PATCH body from the form's texts. Attributes are
 * replaced as a whole, so values of keys that the type does not define are
 * sent back as `base` has them rather than dropped without the user seeing it.
 */
export function changesOf(
  values: FormValues,
  base: ModelObject,
  definitions: AttributeDefinition[],
  locale: string,
): { name: string; description: string; attributes: Record<string, unknown> } {
  const defined = new Set(definitions.map((definition) => definition.key));
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base.attributes)) {
    if (!defined.has(key)) {
      attributes[key] = value;
    }
  }
  for (const definition of definitions) {
    const value = textToAttribute(definition, values[`${ATTRIBUTE_FIELD_PREFIX}${definition.key}`] ?? '', locale);
    if (value !== undefined) {
      attributes[definition.key] = value;
    }
  }
  return { name: (values.name ?? '').trim(), description: (values.description ?? '').trim(), attributes };
}

/** Returns the value that a field's text stands for, so that "12.5" and "12,5" compare as the same number. */
export function fieldValue(field: string, text: string, definitions: AttributeDefinition[], locale: string): AttributeValue | undefined {
  if (!field.startsWith(ATTRIBUTE_FIELD_PREFIX)) {
    return text.trim();
  }
  const definition = definitions.find((candidate) => `${ATTRIBUTE_FIELD_PREFIX}${candidate.key}` === field);
  return definition === undefined ? text : textToAttribute(definition, text, locale);
}
