import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { SigningKey } from '@esm/common';

/** The tenant's signing keys, parsed once at start. */
export interface TenantKeys {
  /** The key new tokens are signed with: the first key of the secret. */
  current: { kid: string; privateKey: KeyObject };
  /** Every key whose tokens are accepted, by key id. */
  verificationKeys: ReadonlyMap<string, KeyObject>;
}

/**
 * Parses the secret's keys. Throws when there is no key or a key is not on
 * P-521, the curve ES512 requires, so a broken secret stops the start.
 */
export function loadTenantKeys(keys: SigningKey[]): TenantKeys {
  const first = keys[0];
  if (!first) throw new Error('the tenant secret has no signing key');

  const verificationKeys = new Map<string, KeyObject>();
  for (const key of keys) {
    const publicKey = createPublicKey(key.publicKeyPem);
    if (publicKey.asymmetricKeyDetails?.namedCurve !== 'secp521r1') {
      throw new Error(`signing key ${key.kid} is not a P-521 key`);
    }
    verificationKeys.set(key.kid, publicKey);
  }
  return { current: { kid: first.kid, privateKey: createPrivateKey(first.privateKeyPem) }, verificationKeys };
}
