/** Input schemas of the invitation routes. */

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
