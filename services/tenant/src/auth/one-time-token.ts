import { createHash, randomBytes } from 'node:crypto';

/**
 * Creates a random one-time token (invitation link, sign-in challenge) and the
 * SHA-256 hash that is stored in its place, so a database dump reveals no
 * usable token.
 */
export function createOneTimeToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOneTimeToken(token) };
}

export function hashOneTimeToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
