/** Input schemas of the sign-in steps. */

const challenge = { type: 'string', minLength: 1, maxLength: 200 } as const;

/** A six-digit code, or a recovery code of ten characters that people may type with spaces or hyphens. */
const code = { type: 'string', maxLength: 32 } as const;

export const passwordStepBodySchema = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: {
    // PostgreSQL text cannot hold NUL, so such an address is rejected here instead of failing in a query.
    email: { type: 'string', maxLength: 254, pattern: '^[^\\u0000]*$' },
    // The upper bound keeps hashing work bounded; the password rules give the real limits.
    password: { type: 'string', maxLength: 1024 },
  },
} as const;

export const oneTimeCodeBodySchema = {
  type: 'object',
  required: ['challenge', 'factor'],
  additionalProperties: false,
  properties: { challenge, factor: { type: 'string', enum: ['sms', 'email'] } },
} as const;

export const secondFactorBodySchema = {
  type: 'object',
  required: ['challenge', 'factor', 'code'],
  additionalProperties: false,
  properties: { challenge, factor: { type: 'string', enum: ['totp', 'sms', 'email', 'recovery'] }, code },
} as const;

export const enrolmentBodySchema = {
  type: 'object',
  required: ['challenge'],
  additionalProperties: false,
  properties: { challenge },
} as const;

export const enrolmentConfirmBodySchema = {
  type: 'object',
  required: ['challenge', 'code'],
  additionalProperties: false,
  properties: { challenge, code },
} as const;
