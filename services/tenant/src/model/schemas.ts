/** JSON schemas shared by the object and relation routes. */

export const typeSchema = { type: 'string', minLength: 1, maxLength: 100 } as const;
export const nameSchema = { type: 'string', minLength: 1, maxLength: 500 } as const;
export const descriptionSchema = { type: 'string', maxLength: 20000 } as const;

/** Free attributes: up to 200 keys with string, number or boolean values. */
export const attributesSchema = {
  type: 'object',
  maxProperties: 200,
  propertyNames: { minLength: 1, maxLength: 200 },
  additionalProperties: { type: ['string', 'number', 'boolean'], maxLength: 20000 },
} as const;

export const idParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

/** Values allowed in an attribute. */
export type Attributes = Record<string, string | number | boolean>;
