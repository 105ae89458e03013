import { createHmac, hkdfSync } from 'node:crypto';
import type { TenantKeys } from './signing-keys.js';

/**
 * Normalises an e-mail address the way users, invitations and sign-in limits
 * store it: trimmed, Unicode NFKC and lower case. NFKC folds look-alike forms
 * such as full-width letters, so `Ａnn@x` and `ann@x ` share one account
 * and one failure count.
 */
export function normaliseEmail(email: string): string {
  return email.trim().normalize('NFKC').toLowerCase();
}

/** The audit log's description of an e-mail text that matches no account. */
export interface UnknownAddress {
  /** The first 16 hex digits of HMAC-SHA-256 over the normalised text. Equal texts give equal fingerprints under one key. */
  fingerprint: string;
  /** The signing key whose derived key made the fingerprint; fingerprints under different keys do not compare. */
  keyId: string;
  /** The part after `@`, present only when the text has exactly one `@` and a plausible domain. */
  domain?: string;
}

const FINGERPRINT_HEX_DIGITS = 16;
const HKDF_SALT = 'esm audit address fingerprint';
// Labels of letters, digits and inner hyphens, and a top-level label of at least two letters,
// so that a password such as `Summer@2024.x` does not pass for a domain.
const PLAUSIBLE_DOMAIN = /^(?=.{4,253}$)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}$/u;

const fingerprintKeys = new WeakMap<TenantKeys, Buffer>();

/**
 * Derives the fingerprint key with HKDF-SHA-256 from the current signing
 * key's private scalar, salted and labelled with its key id. The key exists
 * only in the tenant secret, never in the database or its backups, so a copy
 * of the audit log alone does not allow testing guessed addresses or
 * passwords against the fingerprints.
 */
function fingerprintKeyOf(keys: TenantKeys): Buffer {
  const cached = fingerprintKeys.get(keys);
  if (cached) return cached;
  const scalar = keys.current.privateKey.export({ format: 'jwk' }).d;
  if (!scalar) throw new Error(`signing key ${keys.current.kid} has no private scalar`);
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(scalar, 'base64url'), HKDF_SALT, `audit-address:${keys.current.kid}`, 32));
  fingerprintKeys.set(keys, key);
  return key;
}

/**
 * Describes an e-mail text that matches no account for the audit log,
 * without its local part: people type passwords into the e-mail field, and
 * every read-level user can read the audit log.
 */
export function describeUnknownAddress(keys: TenantKeys, emailText: string): UnknownAddress {
  const normalised = normaliseEmail(emailText);
  const fingerprint = createHmac('sha256', fingerprintKeyOf(keys)).update(normalised, 'utf8').digest('hex').slice(0, FINGERPRINT_HEX_DIGITS);
  const parts = normalised.split('@');
  const domain = parts.length === 2 && PLAUSIBLE_DOMAIN.test(parts[1]!) ? parts[1] : undefined;
  return { fingerprint, keyId: keys.current.kid, ...(domain ? { domain } : {}) };
}
