import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '@esm/common';
import { generateSigningKey } from '../../test-support/tenant-fixture.js';
import { ACCESS_TOKEN_LIFETIME_SECONDS, signAccessToken } from '../access-token.js';
import { loadTenantKeys, type TenantKeys } from '../signing-keys.js';
import { createVerifiedTokenCache, verifyAccessTokenCached } from './verified-token-cache.js';

const audience = { tenant: 'cache', origin: 'https://cache.esm.test' };
const keys = loadTenantKeys([generateSigningKey()]);
// The same key id with no usable key behind it: a verification that reaches the signature check fails.
const keysWithoutVerification: TenantKeys = { current: keys.current, verificationKeys: new Map() };
const user = { id: randomUUID(), email: 'user@cache.example', accessLevel: 'write' as const };

async function expectTokenInvalid(promise: Promise<unknown>) {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('AUTH_TOKEN_INVALID');
}

describe('verified token cache', () => {
  afterEach(() => vi.useRealTimers());

  it('verifies the signature of a token once', async () => {
    const cache = createVerifiedTokenCache();
    const { token } = await signAccessToken(keys, audience, user, randomUUID());

    const first = await verifyAccessTokenCached(cache, keys, audience, token);
    // Without a verification key only a cached result can succeed.
    const second = await verifyAccessTokenCached(cache, keysWithoutVerification, audience, token);

    expect(second).toEqual(first);
    expect(cache.size).toBe(1);
  });

  it('does not cache a rejected token', async () => {
    const cache = createVerifiedTokenCache();
    const { token } = await signAccessToken(keys, audience, user, randomUUID());
    await expectTokenInvalid(verifyAccessTokenCached(cache, keysWithoutVerification, audience, token));
    expect(cache.size).toBe(0);
  });

  it('drops an entry at token expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const cache = createVerifiedTokenCache();
    const { token } = await signAccessToken(keys, audience, user, randomUUID());
    await verifyAccessTokenCached(cache, keys, audience, token);

    vi.setSystemTime(Date.now() + (ACCESS_TOKEN_LIFETIME_SECONDS + 60) * 1000);

    await expectTokenInvalid(verifyAccessTokenCached(cache, keys, audience, token));
  });

  it('evicts the least recently used', async () => {
    const cache = createVerifiedTokenCache(2);
    const tokens = await Promise.all([1, 2, 3].map(async () => (await signAccessToken(keys, audience, user, randomUUID())).token));
    for (const token of tokens) await verifyAccessTokenCached(cache, keys, audience, token);

    expect(cache.size).toBe(2);
    await expectTokenInvalid(verifyAccessTokenCached(cache, keysWithoutVerification, audience, tokens[0]!));
  });
});
