import { createHmac, randomBytes, randomInt } from 'node:crypto';
import type { Transaction } from '../../db/transaction.js';

/** How many recovery codes a user gets at a time. */
export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_LENGTH = 10;

/**
 * Upper-case letters and digits without 0, O, 1, I and L, which people
 * confuse when they copy a code from paper. 31 symbols, so a code of 10
 * carries 10 * log2(31), about 49.5 bits.
 */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_PATTERN = new RegExp(`^[${ALPHABET}]{${RECOVERY_CODE_LENGTH}}$`);

/** Creates one code; randomInt draws each symbol uniformly from the CSPRNG. */
function generateRecoveryCode(): string {
  let code = '';
  for (let index = 0; index < RECOVERY_CODE_LENGTH; index += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** Accepts a code as people type it: any case, with spaces or hyphens between groups. */
function normaliseRecoveryCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * Hashes a code with HMAC-SHA-256 keyed by the user's salt. A sign-in checks
 * one code against a set of ten, and bcrypt would cost a quarter of a second
 * per comparison. A fast hash is enough because a code has about 49.5 random
 * bits. The sign-in limits stop online guessing long before it succeeds.
 * Cracking a hash from a stolen database takes on the order of 2^48 HMACs per
 * code, and yields only one half of a sign-in whose other half is a bcrypt
 * password. The per-user salt stops one precomputed table from serving every
 * user.
 */
function hashRecoveryCode(salt: Buffer, code: string): Buffer {
  return createHmac('sha256', salt).update(code, 'utf8').digest();
}

/**
 * Replaces the user's recovery codes with RECOVERY_CODE_COUNT new ones under
 * a new salt and returns them. They exist in clear text only in the returned
 * value, which the user sees once.
 */
export async function replaceRecoveryCodes(transaction: Transaction, userId: string): Promise<string[]> {
  const salt = randomBytes(32);
  const codes = new Set<string>();
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(generateRecoveryCode());

  await transaction.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  await transaction.query('UPDATE users SET recovery_code_salt = $2 WHERE id = $1', [userId, salt]);
  await transaction.query(
    'INSERT INTO recovery_codes (user_id, hash) SELECT $1, unnest($2::bytea[])',
    [userId, [...codes].map((code) => hashRecoveryCode(salt, code))],
  );
  return [...codes];
}

/**
 * Uses up one of the user's recovery codes and returns whether the code was
 * unused and valid. The conditional update makes each code work once, also
 * when two requests present it at the same time.
 */
export async function useRecoveryCode(transaction: Transaction, userId: string, input: string): Promise<boolean> {
  const code = normaliseRecoveryCode(input);
  if (!CODE_PATTERN.test(code)) return false;

  const user = await transaction.query<{ recovery_code_salt: Buffer | null }>('SELECT recovery_code_salt FROM users WHERE id = $1', [userId]);
  const salt = user.rows[0]?.recovery_code_salt;
  if (!salt) return false;
  const used = await transaction.query(
    'UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND hash = $2 AND used_at IS NULL',
    [userId, hashRecoveryCode(salt, code)],
  );
  return used.rowCount === 1;
}
