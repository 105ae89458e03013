import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { MAX_TOKEN_BYTES, verifyAccessToken, type AccessTokenClaims, type TokenAudience } from '../access-token.js';
import type { TenantKeys } from '../signing-keys.js';

/**
 * Maximum number of verified tokens kept. An entry is a few hundred bytes
 * (an estimate), so the cache stays within a few MiB. A busy tenant that
 * exceeds it only verifies some signatures again.
 */
export const VERIFIED_TOKEN_CACHE_MAX_ENTRIES = 10_000;

/** Claims of tokens whose signature and claims were verified, by SHA-256 of the token. */
export type VerifiedTokenCache = LRUCache<string, AccessTokenClaims>;

/** Creates an empty cache. Each tenant app has its own, so entries verified for one tenant's keys and audience never serve another. */
export function createVerifiedTokenCache(maxEntries = VERIFIED_TOKEN_CACHE_MAX_ENTRIES): VerifiedTokenCache {
  return new LRUCache<string, AccessTokenClaims>({ max: maxEntries });
}

/**
 * Verifies an access token like verifyAccessToken, but runs the ES512
 * verification once per token: the claims of a valid token are kept until
 * its `exp`. Only successful verifications are cached, so a forged token
 * costs its verification every time. The session and user checks are not
 * cached, so revocation and level changes still apply at once.
 */
export async function verifyAccessTokenCached(
  cache: VerifiedTokenCache,
  keys: TenantKeys,
  audience: TokenAudience,
  token: string,
): Promise<AccessTokenClaims> {
  // verifyAccessToken rejects a token over MAX_TOKEN_BYTES before any work, so it is not hashed here either.
  if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) return verifyAccessToken(keys, audience, token);

  const key = createHash('sha256').update(token, 'utf8').digest('base64url');
  const cached = cache.get(key);
  if (cached && cached.expiresAt * 1000 > Date.now()) return cached;

  const claims = await verifyAccessToken(keys, audience, token);
  const remainingMs = claims.expiresAt * 1000 - Date.now();
  if (remainingMs > 0) cache.set(key, claims, { ttl: remainingMs });
  return claims;
}
