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

let dummyHashBuilt: Promise<string> | undefined;
let dummyHash: string | undefined;

/**
 * Builds the dummy hash that verifyPassword compares against for unknown
 * e-mail addresses. buildTenantApp awaits it before the tenant listens:
 * built on first use, it would make the first unknown-address sign-in after
 * a start take two bcrypt runs, which would tell that address apart.
 */
export function prepareDummyPasswordHash(): Promise<string> {
  dummyHashBuilt ??= bcrypt.hash(randomBytes(32).toString('base64url'), BCRYPT_COST).then((hash) => (dummyHash = hash));
  return dummyHashBuilt;
}

/** Returns the dummy hash once prepareDummyPasswordHash has finished, else undefined. */
export function readyDummyPasswordHash(): string | undefined {
  return dummyHash;
}

/**
 * Compares a password with a stored hash. Without a hash (unknown e-mail) it
 * compares against a dummy hash of the same cost, so the response time does
 * not tell whether the e-mail address has an account.
 */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (hash) return bcrypt.compare(password, hash);
  // Outside a built app (scripts, unit tests) the hash may still be missing; then this call pays for building it.
  await bcrypt.compare(password, dummyHash ?? (await prepareDummyPasswordHash()));
  return false;
}
