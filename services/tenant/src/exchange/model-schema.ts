import { Ajv } from 'ajv';
import { ATTRIBUTE_KINDS, OBJECT_TYPE_ROLES, PROTECTION_FLOWS } from '../meta-model/meta-model.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, MODEL_PARTS } from './model-types.js';

// The limits follow the CHECK constraints of migration 007 and the object routes' schemas.
const NO_NUL = '^[^\\u0000]*$';
const text = (minLength: number, maxLength: number) => ({ type: 'string', minLength, maxLength, pattern: NO_NUL }) as const;
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] }) as const;
const KEY = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[^\\s\\u0000]+$' } as const;
const ATTRIBUTE_KEY = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\s\\u0000]+$' } as const;
const DIMENSION_KEY = { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' } as const;
const ID = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;
const LEVEL = { type: 'integer', minimum: 0, maximum: 20 } as const;
const SORT_ORDER = { type: 'integer', minimum: -2147483648, maximum: 2147483647 } as const;
const TIMESTAMP = { type: 'string', maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}T[0-9:.]+(Z|[+-]\\d{2}:\\d{2})$' } as const;
const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const TYPE_LIST = nullable({ type: 'array', minItems: 1, maxItems: 500, items: KEY });

const strictObject = (properties: Record<string, object>, optional: string[] = []) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    properties,
  }) as const;

const ATTRIBUTES = {
  type: 'object',
  maxProperties: 200,
  propertyNames: { minLength: 1, maxLength: 200, pattern: NO_NUL },
  additionalProperties: { anyOf: [text(0, 20000), { type: 'number' }, { type: 'boolean' }] },
} as const;

const OBJECT_PROPERTIES = {
  id: ID,
  type: KEY,
  name: text(1, 500),
  description: text(0, 20000),
  externalId: nullable(text(1, 500)),
  attributes: ATTRIBUTES,
  levels: {
    type: 'array',
    maxItems: 100,
    items: strictObject({ dimension: DIMENSION_KEY, level: LEVEL, justification: text(1, 5000) }),
  },
};

const META_MODEL = strictObject({
  objectTypes: {
    type: 'array',
    maxItems: 1000,
    items: strictObject({
      key: KEY,
      nameSv: text(1, 200),
      nameEn: text(1, 200),
      icon: text(1, 50),
      role: { enum: OBJECT_TYPE_ROLES },
      sortOrder: SORT_ORDER,
      attributes: {
        type: 'array',
        maxItems: 200,
        items: strictObject({
          key: ATTRIBUTE_KEY,
          nameSv: text(1, 200),
          nameEn: text(1, 200),
          kind: { enum: ATTRIBUTE_KINDS },
          choices: {
            type: 'array',
            maxItems: 500,
            items: strictObject({ key: text(1, 200), sv: text(1, 200), en: text(1, 200) }),
          },
          referenceType: nullable(KEY),
          required: { type: 'boolean' },
          sortOrder: SORT_ORDER,
        }),
      },
    }),
  },
  relationTypes: {
    type: 'array',
    maxItems: 1000,
    items: strictObject({
      key: KEY,
      nameSv: text(1, 200),
      nameEn: text(1, 200),
      reverseNameSv: text(1, 200),
      reverseNameEn: text(1, 200),
      sourceTypes: TYPE_LIST,
      targetTypes: TYPE_LIST,
      protectionFlow: { enum: PROTECTION_FLOWS },
      sortOrder: SORT_ORDER,
    }),
  },
  classificationDimensions: {
    type: 'array',
    maxItems: 100,
    items: strictObject({
      key: DIMENSION_KEY,
      nameSv: text(1, 100),
      nameEn: text(1, 100),
      abbreviationSv: text(1, 10),
      abbreviationEn: text(1, 10),
      sortOrder: SORT_ORDER,
      levels: {
        type: 'array',
        minItems: 1,
        maxItems: 21,
        items: strictObject({
          level: LEVEL,
          nameSv: text(1, 100),
          nameEn: text(1, 100),
          descriptionSv: text(0, 2000),
          descriptionEn: text(0, 2000),
        }),
      },
    }),
  },
});

const REQUIREMENTS = strictObject({
  sets: {
    type: 'array',
    maxItems: 1000,
    items: strictObject({
      ...OBJECT_PROPERTIES,
      source: strictObject({
        format: { enum: ['manual', 'oscal'] },
        uuid: nullable(text(1, 200)),
        version: nullable(text(0, 200)),
        lastModified: nullable(TIMESTAMP),
        importedAt: nullable(TIMESTAMP),
      }),
    }),
  },
  requirements: {
    type: 'array',
    maxItems: 100000,
    items: strictObject({
      ...OBJECT_PROPERTIES,
      setId: ID,
      parentId: nullable(ID),
      identifier: text(1, 200),
      label: text(0, 200),
      kind: { enum: ['group', 'requirement'] },
      statement: text(0, 100000),
      sortOrder: SORT_ORDER,
      withdrawn: { type: 'boolean' },
    }),
  },
  applicabilityRules: {
    type: 'array',
    maxItems: 100000,
    items: strictObject({ subjectId: ID, objectTypes: TYPE_LIST, dimension: nullable(DIMENSION_KEY), minLevel: nullable(LEVEL) }),
  },
});

/** The JSON schema of a model document of format version 1, with a limit on every size. */
export const MODEL_DOCUMENT_SCHEMA = strictObject(
  {
    format: { const: MODEL_FORMAT },
    formatVersion: { const: MODEL_FORMAT_VERSION },
    exportedAt: TIMESTAMP,
    parts: { type: 'array', maxItems: 3, uniqueItems: true, items: { enum: MODEL_PARTS } },
    metaModel: META_MODEL,
    requirements: REQUIREMENTS,
    objects: { type: 'array', maxItems: 200000, items: strictObject(OBJECT_PROPERTIES) },
    relations: {
      type: 'array',
      maxItems: 1000000,
      items: strictObject({ type: KEY, name: text(0, 500), sourceId: ID, targetId: ID, attributes: ATTRIBUTES }),
    },
    statements: {
      type: 'array',
      maxItems: 1000000,
      items: strictObject({
        objectId: ID,
        requirementId: ID,
        status: { enum: ['fulfilled', 'partly_fulfilled', 'not_fulfilled', 'not_applicable'] },
        reason: text(0, 5000),
        comment: text(0, 20000),
        responsible: text(0, 500),
        decidedOn: nullable(DATE),
      }),
    },
  },
  ['metaModel', 'requirements', 'objects'],
);

// Strict mode rejects schema mistakes at start-up. Validation stops at the
// first problem. With allErrors, Ajv went on checking every item of an
// array that was already too long, and uniqueItems compares every pair.
// A few megabytes of `{}` items or distinct `parts` then took seconds to
// minutes and gigabytes of memory before the 422.
const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });

/** Checks a value against MODEL_DOCUMENT_SCHEMA; `errors` lists the violations. */
export const validateModelDocumentSchema = ajv.compile(MODEL_DOCUMENT_SCHEMA);
