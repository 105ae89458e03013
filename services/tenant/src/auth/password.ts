import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import { AppError } from '@esm/common';
import { AUTH_ERRORS } from './errors.js';

export const PASSWORD_MIN_CHARACTERS = 12;
/** bcrypt reads only the first 72 bytes, so a longer password would be silently cut. */
export const PASSWORD_MAX_BYTES = 72;
const BCRYPT_COST = 12;

/**
 * Checks a new password against the rules, throwing the code of the first
 * rule it breaks. NUL is rejected because bcrypt implementations stop at it.
 */
export function checkPasswordRules(password: string): void {
  if (password.includes('\0')) throw new AppError(AUTH_ERRORS.passwordInvalidCharacter);
  if ([...password].length < PASSWORD_MIN_CHARACTERS) {
    throw new AppError(AUTH_ERRORS.passwordTooShort, { values: { minimum: PASSWORD_MIN_CHARACTERS } });
  }
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    throw new AppError(AUTH_ERRORS.passwordTooLong, { values: { maximum: PASSWORD_MAX_BYTES } });
  }
}

/** Hashes a password with bcrypt (cost 12) on the thread pool, not the event loop. */
export async function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

let dummyHash: Promise<string> | undefined;

/**
 * Compares a password with a stored hash. Without a hash (unknown e-mail) it
 * compares against a dummy hash of the same cost, so the response time does
 * not tell whether the e-mail address has an account.
 */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (hash) return bcrypt.compare(password, hash);
  dummyHash ??= bcrypt.hash(randomBytes(32).toString('base64url'), BCRYPT_COST);
  await bcrypt.compare(password, await dummyHash);
  return false;
}
