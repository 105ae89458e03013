/** JSON schemas shared by the object and relation routes. */

/**
 * Rejects the NUL character, which PostgreSQL cannot store in text or jsonb.
 * Checked here so such input is a 400 before any statement runs.
 */
export const NO_NUL_PATTERN = '^[^\\u0000]*$';

export const typeSchema = { type: 'string', minLength: 1, maxLength: 100, pattern: NO_NUL_PATTERN } as const;
export const nameSchema = { type: 'string', minLength: 1, maxLength: 500, pattern: NO_NUL_PATTERN } as const;
export const descriptionSchema = { type: 'string', maxLength: 20000, pattern: NO_NUL_PATTERN } as const;
/** An identifier from another system, matched by later imports; unique among the tenant's objects. */
export const externalIdSchema = { type: 'string', minLength: 1, maxLength: 500, pattern: NO_NUL_PATTERN } as const;
/** The version of an object that a change or deletion is based on. */
export const versionSchema = { type: 'integer', minimum: 1, maximum: 2147483647 } as const;

/** Attributes: up to 200 keys with string, number or boolean values; the meta-model checks them further. */
export const attributesSchema = {
  type: 'object',
  maxProperties: 200,
  propertyNames: { minLength: 1, maxLength: 200, pattern: NO_NUL_PATTERN },
  // maxLength and pattern apply to string values only.
  additionalProperties: { type: ['string', 'number', 'boolean'], maxLength: 20000, pattern: NO_NUL_PATTERN },
} as const;

export const idParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

/** Values allowed in an attribute. */
export type Attributes = Record<string, string | number | boolean>;
