/** JSON schemas of the classification routes. Their bounds match the CHECK constraints of the tables. */
import { NO_NUL_PATTERN, typeSchema, versionSchema } from '../model/schemas.js';

const nameSchema = { type: 'string', minLength: 1, maxLength: 100, pattern: NO_NUL_PATTERN } as const;
const abbreviationSchema = { type: 'string', minLength: 1, maxLength: 10, pattern: NO_NUL_PATTERN } as const;
const descriptionSchema = { type: 'string', maxLength: 2000, pattern: NO_NUL_PATTERN } as const;

/**
 * A dimension in a URL. Any short text is accepted here, so that a
 * dimension the scale lacks gets 422 CLASSIFICATION_DIMENSION_UNKNOWN
 * rather than a schema error.
 */
const dimensionParamSchema = { type: 'string', minLength: 1, maxLength: 100, pattern: NO_NUL_PATTERN } as const;

export const objectParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

export const objectDimensionParamsSchema = {
  type: 'object',
  required: ['id', 'dimension'],
  properties: { id: { type: 'string', format: 'uuid' }, dimension: dimensionParamSchema },
} as const;

/**
 * A level set by hand. The justification is checked in code, so that a
 * missing one is 422 CLASSIFICATION_JUSTIFICATION_MISSING; `version` names
 * the level it replaces and is left out when none is set.
 */
export const levelBodySchema = {
  type: 'object',
  required: ['level'],
  additionalProperties: false,
  properties: {
    level: { type: 'integer', minimum: 0, maximum: 1000 },
    justification: { type: 'string', maxLength: 5000, pattern: NO_NUL_PATTERN },
    version: versionSchema,
  },
} as const;

export const levelRemovalQuerySchema = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: { version: versionSchema },
} as const;

const levelSchema = {
  type: 'object',
  required: ['level', 'nameSv', 'nameEn'],
  additionalProperties: false,
  properties: {
    level: { type: 'integer', minimum: 0, maximum: 20 },
    nameSv: nameSchema,
    nameEn: nameSchema,
    descriptionSv: descriptionSchema,
    descriptionEn: descriptionSchema,
  },
} as const;

const dimensionSchema = {
  type: 'object',
  required: ['key', 'nameSv', 'nameEn', 'abbreviationSv', 'abbreviationEn', 'levels'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
    nameSv: nameSchema,
    nameEn: nameSchema,
    abbreviationSv: abbreviationSchema,
    abbreviationEn: abbreviationSchema,
    levels: { type: 'array', minItems: 1, maxItems: 21, items: levelSchema },
  },
} as const;

/** A whole scale: at most 20 dimensions of 1 to 21 levels (0 to 20). */
export const scaleBodySchema = {
  type: 'object',
  required: ['version', 'dimensions'],
  additionalProperties: false,
  properties: {
    version: { type: 'integer', minimum: 0, maximum: 2147483647 },
    dimensions: { type: 'array', minItems: 1, maxItems: 20, items: dimensionSchema },
  },
} as const;

export const overviewQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { type: typeSchema },
} as const;
