/** JSON schemas of the requirement routes. Lengths follow the column limits of migration 007. */
import { NO_NUL_PATTERN, descriptionSchema, nameSchema } from '../model/schemas.js';
import { STATEMENT_STATUSES } from './statements/statements.js';

const uuidSchema = { type: 'string', format: 'uuid' } as const;
const versionSchema = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const;
const identifierSchema = { type: 'string', minLength: 1, maxLength: 200, pattern: NO_NUL_PATTERN } as const;
const labelSchema = { type: 'string', maxLength: 200, pattern: NO_NUL_PATTERN } as const;
const statementTextSchema = { type: 'string', maxLength: 100_000, pattern: NO_NUL_PATTERN } as const;

export const idParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: uuidSchema },
} as const;

export const newSetBodySchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name: nameSchema, description: descriptionSchema },
} as const;

export const setChangesBodySchema = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: { version: versionSchema, name: nameSchema, description: descriptionSchema },
} as const;

/** The counts that confirm a set's deletion, as the delete preview returned them. */
export const deleteSetQuerySchema = {
  type: 'object',
  required: ['requirements', 'statements'],
  additionalProperties: false,
  properties: {
    requirements: { type: 'integer', minimum: 0, maximum: 2_147_483_647 },
    statements: { type: 'integer', minimum: 0, maximum: 2_147_483_647 },
  },
} as const;

export const newRequirementBodySchema = {
  type: 'object',
  required: ['kind', 'identifier', 'title'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['group', 'requirement'] },
    identifier: identifierSchema,
    title: nameSchema,
    label: labelSchema,
    statement: statementTextSchema,
    description: descriptionSchema,
    parentId: uuidSchema,
  },
} as const;

export const requirementChangesBodySchema = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: {
    version: versionSchema,
    identifier: identifierSchema,
    title: nameSchema,
    label: labelSchema,
    statement: statementTextSchema,
    description: descriptionSchema,
    withdrawn: { type: 'boolean' },
  },
} as const;

/** A rule names object types, a level, or both; a dimension and a level only come together. */
export const newRuleBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    objectTypes: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 100, pattern: NO_NUL_PATTERN },
    },
    dimension: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
    minLevel: { type: 'integer', minimum: 0, maximum: 20 },
  },
  dependencies: { dimension: ['minLevel'], minLevel: ['dimension'] },
  minProperties: 1,
} as const;

const statementFields = {
  status: { type: 'string', enum: STATEMENT_STATUSES },
  reason: { type: 'string', maxLength: 5000, pattern: NO_NUL_PATTERN },
  comment: { type: 'string', maxLength: 20_000, pattern: NO_NUL_PATTERN },
  responsible: { type: 'string', maxLength: 500, pattern: NO_NUL_PATTERN },
  decidedOn: { type: 'string', format: 'date' },
} as const;

export const statementParamsSchema = {
  type: 'object',
  required: ['objectId', 'requirementId'],
  properties: { objectId: uuidSchema, requirementId: uuidSchema },
} as const;

export const objectIdParamsSchema = {
  type: 'object',
  required: ['objectId'],
  properties: { objectId: uuidSchema },
} as const;

export const statementBodySchema = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: { ...statementFields, version: versionSchema },
} as const;

export const removeStatementQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { version: versionSchema },
} as const;

/** Maximum pairs in one bulk request, which writes one audit entry per pair in one transaction. */
export const MAX_BULK_ITEMS = 1000;

export const bulkStatementBodySchema = {
  type: 'object',
  required: ['status', 'items'],
  additionalProperties: false,
  properties: {
    ...statementFields,
    items: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_BULK_ITEMS,
      items: {
        type: 'object',
        required: ['objectId', 'requirementId'],
        additionalProperties: false,
        properties: { objectId: uuidSchema, requirementId: uuidSchema, version: versionSchema },
      },
    },
  },
} as const;
