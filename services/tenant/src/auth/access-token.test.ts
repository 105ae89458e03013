import { createPrivateKey, createSecretKey } from 'node:crypto';
import { SignJWT, exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, generateSigningKey, type TestTenant } from '../test-support/tenant-fixture.js';

describe('access token verification', () => {
  let tenant: TestTenant;
  let user: { id: string; email: string; token: string };

  beforeAll(async () => {
    tenant = await createTestTenant('tokens');
    user = await createUserWithToken(tenant, 'admin');
  });

  afterAll(async () => tenant.close());

  /** Signs claims that are right in every way except what a test changes. */
  function claims(overrides: Record<string, unknown> = {}) {
    const now = Math.floor(Date.now() / 1000);
    return {
      sub: user.id,
      email: user.email,
      lvl: 'admin',
      tid: tenant.name,
      iss: tenant.secret.origin,
      aud: tenant.secret.origin,
      iat: now,
      exp: now + 600,
      ...overrides,
    };
  }

  async function signWith(privateKeyPem: string, kid: string, overrides: Record<string, unknown> = {}) {
    return new SignJWT(claims(overrides)).setProtectedHeader({ alg: 'ES512', kid }).sign(createPrivateKey(privateKeyPem));
  }

  async function expectRejected(token: string) {
    const response = await tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('AUTH_TOKEN_INVALID');
  }

  it('accepts a token signed with the tenant key', async () => {
    const response = await tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(user.token) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: user.id, email: user.email, accessLevel: 'admin' });
  });

  it('rejects a request without a token with AUTH_REQUIRED', async () => {
    const response = await tenant.app.inject({ method: 'GET', url: '/api/me' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('AUTH_REQUIRED');
  });

  it("rejects a token signed by another tenant's key", async () => {
    const other = generateSigningKey(tenant.secret.signingKeys[0]!.kid);
    await expectRejected(await signWith(other.privateKeyPem, other.kid));
  });

  it('rejects a token with alg none', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    await expectRejected(`${encode({ alg: 'none', kid: tenant.secret.signingKeys[0]!.kid })}.${encode(claims())}.`);
  });

  it('rejects an HS512 token keyed with the public key', async () => {
    const key = tenant.secret.signingKeys[0]!;
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS512', kid: key.kid })
      .sign(createSecretKey(Buffer.from(key.publicKeyPem)));
    await expectRejected(token);
  });

  it('rejects a token that carries its own key in the header', async () => {
    const attacker = generateSigningKey('attacker');
    const jwk = await exportJWK(createPrivateKey(attacker.privateKeyPem));
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES512', jwk: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! } })
      .sign(createPrivateKey(attacker.privateKeyPem));
    await expectRejected(token);
  });

  it.each([
    ['wrong audience', { aud: 'https://other.esm.test' }],
    ['wrong issuer', { iss: 'https://other.esm.test' }],
    ['expired token', { iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 60 }],
    ['token without expiry', { exp: undefined }],
    ['token of another tenant name', { tid: 'other' }],
    ['token valid for a year', { exp: Math.floor(Date.now() / 1000) + 365 * 24 * 3600 }],
    ['token valid for 15 minutes and a minute', { exp: Math.floor(Date.now() / 1000) + 16 * 60 }],
    ['token issued a day in the future', { iat: Math.floor(Date.now() / 1000) + 24 * 3600, exp: Math.floor(Date.now() / 1000) + 24 * 3600 + 600 }],
    ['token issued a minute in the future', { iat: Math.floor(Date.now() / 1000) + 60, exp: Math.floor(Date.now() / 1000) + 600 }],
    ['token issued 20 minutes ago that has not expired', { iat: Math.floor(Date.now() / 1000) - 20 * 60, exp: Math.floor(Date.now() / 1000) + 60 }],
    ['token without issue time', { iat: undefined }],
  ])('rejects a %s', async (_case, overrides) => {
    const key = tenant.secret.signingKeys[0]!;
    await expectRejected(await signWith(key.privateKeyPem, key.kid, overrides));
  });

  it('accepts an iat within the clock tolerance', async () => {
    const key = tenant.secret.signingKeys[0]!;
    const issuedAt = Math.floor(Date.now() / 1000) + 2;
    const token = await signWith(key.privateKeyPem, key.kid, { iat: issuedAt, exp: issuedAt + 15 * 60 });
    const response = await tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
    expect(response.statusCode).toBe(200);
  });

  it('rejects a token longer than 8 KiB', async () => {
    const key = tenant.secret.signingKeys[0]!;
    await expectRejected(await signWith(key.privateKeyPem, key.kid, { padding: 'x'.repeat(8 * 1024) }));
  });

  it('rejects the token of a disabled user', async () => {
    const disabled = await createUserWithToken(tenant, 'write');
    await tenant.admin.query("UPDATE esm.users SET status = 'disabled' WHERE id = $1", [disabled.id]);
    await expectRejected(disabled.token);
  });
});
