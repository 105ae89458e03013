/** Input schemas of the invitation and sign-in routes. */

const token = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const invitationParamsSchema = {
  type: 'object',
  required: ['token'],
  properties: { token },
} as const;

// The upper bound keeps hashing work bounded; the password rules give the real limits.
export const passwordBodySchema = {
  type: 'object',
  required: ['password'],
  additionalProperties: false,
  properties: { password: { type: 'string', maxLength: 1024 } },
} as const;

export const totpBodySchema = {
  type: 'object',
  required: ['code'],
  additionalProperties: false,
  properties: { code: { type: 'string', maxLength: 16 } },
} as const;

export const signInPasswordBodySchema = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 1024 } },
} as const;

export const signInTotpBodySchema = {
  type: 'object',
  required: ['challenge', 'code'],
  additionalProperties: false,
  properties: { challenge: token, code: { type: 'string', maxLength: 16 } },
} as const;
