import { LRUCache } from 'lru-cache';
import type { AccessTokenClaims } from '@esm/tenant/dist/auth/access-token.js';
import { VERIFIED_TOKEN_CACHE_MAX_ENTRIES } from '@esm/tenant/dist/auth/sessions/verified-token-cache.js';

/**
 * The tenant's verified-token cache with a switch: while `enabled` is false
 * it finds and stores nothing, so every request runs the full ES512
 * verification. Switching it back on starts empty, and the first request of
 * each token fills it again.
 */
export class SwitchableTokenCache extends LRUCache<string, AccessTokenClaims> {
  private enabled = true;

  constructor() {
    super({ max: VERIFIED_TOKEN_CACHE_MAX_ENTRIES });
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.clear();
  }

  override get(key: string, options?: LRUCache.GetOptions<string, AccessTokenClaims, unknown>): AccessTokenClaims | undefined {
    return this.enabled ? super.get(key, options) : undefined;
  }

  override set(key: string, value: AccessTokenClaims | undefined, options?: LRUCache.SetOptions<string, AccessTokenClaims, unknown>): this {
    return this.enabled ? super.set(key, value, options) : this;
  }
}
