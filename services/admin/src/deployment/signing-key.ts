import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { randomSecret, type SigningKey } from '@esm/common';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Generates an ES512 signing key (ECDSA on P-521) with a random key id, as PEM (PKCS #8 and SPKI). */
export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPairAsync('ec', {
    namedCurve: 'secp521r1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { kid: randomSecret(16), privateKeyPem: privateKey, publicKeyPem: publicKey, createdAt: new Date().toISOString() };
}
