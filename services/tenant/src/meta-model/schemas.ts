/** JSON schemas of the meta-model routes. Their bounds match the CHECK constraints of the tables. */
import { NO_NUL_PATTERN } from '../model/schemas.js';
import { ATTRIBUTE_KINDS, ASSIGNABLE_ROLES, PROTECTION_FLOWS } from './meta-model.js';

/**
 * The key of a new object type, attribute or relation type: lowercase
 * letters, digits and underscores. Keys appear in URLs and in attribute
 * filters, where a dot separates `.min` and `.max`.
 */
const NEW_KEY_PATTERN = '^[a-z][a-z0-9_]*$';

/**
 * The key of an existing type or attribute in a URL. Keys from before the
 * meta-model, or created by an import, may hold any character but
 * whitespace.
 */
const EXISTING_KEY_PATTERN = '^[^\\s\\u0000]+$';

const nameSchema = { type: 'string', minLength: 1, maxLength: 200, pattern: NO_NUL_PATTERN } as const;
const sortOrderSchema = { type: 'integer', minimum: -1000000, maximum: 1000000 } as const;
export const versionSchema = { type: 'integer', minimum: 1, maximum: 2147483647 } as const;
const typeKeySchema = { type: 'string', minLength: 1, maxLength: 100, pattern: EXISTING_KEY_PATTERN } as const;

/** The allowed types of one end of a relation type; null allows every type. */
const endTypesSchema = {
  anyOf: [{ type: 'null' }, { type: 'array', minItems: 1, maxItems: 500, uniqueItems: true, items: typeKeySchema }],
} as const;

const choicesSchema = {
  type: 'array',
  maxItems: 500,
  items: {
    type: 'object',
    required: ['key', 'sv', 'en'],
    additionalProperties: false,
    properties: {
      key: { type: 'string', minLength: 1, maxLength: 200, pattern: EXISTING_KEY_PATTERN },
      sv: nameSchema,
      en: nameSchema,
    },
  },
} as const;

export const objectTypeParamsSchema = {
  type: 'object',
  required: ['key'],
  properties: { key: typeKeySchema },
} as const;

export const attributeParamsSchema = {
  type: 'object',
  required: ['key', 'attribute'],
  properties: { key: typeKeySchema, attribute: { type: 'string', minLength: 1, maxLength: 200, pattern: EXISTING_KEY_PATTERN } },
} as const;

export const versionQuerySchema = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: { version: versionSchema },
} as const;

export const attributeRemovalQuerySchema = {
  type: 'object',
  required: ['values'],
  additionalProperties: false,
  properties: { values: { type: 'integer', minimum: 0, maximum: 2147483647 } },
} as const;

export const newObjectTypeSchema = {
  type: 'object',
  required: ['key', 'nameSv', 'nameEn'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', minLength: 1, maxLength: 100, pattern: NEW_KEY_PATTERN },
    nameSv: nameSchema,
    nameEn: nameSchema,
    icon: { type: 'string', minLength: 1, maxLength: 50, pattern: '^[a-z0-9-]+$' },
    role: { type: 'string', enum: ASSIGNABLE_ROLES },
    sortOrder: sortOrderSchema,
  },
} as const;

export const objectTypeChangesSchema = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  minProperties: 2,
  properties: {
    version: versionSchema,
    nameSv: nameSchema,
    nameEn: nameSchema,
    icon: newObjectTypeSchema.properties.icon,
    role: newObjectTypeSchema.properties.role,
    sortOrder: sortOrderSchema,
  },
} as const;

export const newAttributeSchema = {
  type: 'object',
  required: ['key', 'nameSv', 'nameEn', 'kind'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', minLength: 1, maxLength: 200, pattern: NEW_KEY_PATTERN },
    nameSv: nameSchema,
    nameEn: nameSchema,
    kind: { type: 'string', enum: ATTRIBUTE_KINDS },
    choices: choicesSchema,
    referenceType: { anyOf: [{ type: 'null' }, typeKeySchema] },
    required: { type: 'boolean' },
    sortOrder: sortOrderSchema,
  },
} as const;

/** An attribute change names the version of the object type it belongs to, because attributes have no version of their own. */
export const attributeChangesSchema = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  minProperties: 2,
  properties: {
    version: versionSchema,
    nameSv: nameSchema,
    nameEn: nameSchema,
    kind: newAttributeSchema.properties.kind,
    choices: choicesSchema,
    referenceType: newAttributeSchema.properties.referenceType,
    required: { type: 'boolean' },
    sortOrder: sortOrderSchema,
  },
} as const;

export const relationTypeParamsSchema = objectTypeParamsSchema;

export const newRelationTypeSchema = {
  type: 'object',
  required: ['key', 'nameSv', 'nameEn', 'reverseNameSv', 'reverseNameEn'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', minLength: 1, maxLength: 100, pattern: NEW_KEY_PATTERN },
    nameSv: nameSchema,
    nameEn: nameSchema,
    reverseNameSv: nameSchema,
    reverseNameEn: nameSchema,
    sourceTypes: endTypesSchema,
    targetTypes: endTypesSchema,
    protectionFlow: { type: 'string', enum: PROTECTION_FLOWS },
    sortOrder: sortOrderSchema,
  },
} as const;

export const relationTypeChangesSchema = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  minProperties: 2,
  properties: {
    version: versionSchema,
    nameSv: nameSchema,
    nameEn: nameSchema,
    reverseNameSv: nameSchema,
    reverseNameEn: nameSchema,
    sourceTypes: endTypesSchema,
    targetTypes: endTypesSchema,
    protectionFlow: newRelationTypeSchema.properties.protectionFlow,
    sortOrder: sortOrderSchema,
  },
} as const;
