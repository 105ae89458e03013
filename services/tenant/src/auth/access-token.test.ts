import { createPrivateKey, createSecretKey, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestSession,
  createTestTenant,
  createUserWithToken,
  generateSigningKey,
  type TestTenant,
} from '../test-support/tenant-fixture.js';

/** The order n of the P-521 group (SEC 2, secp521r1). ECDSA signature values r and s must lie in [1, n - 1]. */
const P521_ORDER = BigInt(
  '0x01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' +
    'fa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
);
/** Bytes of r and of s in an ES512 signature (RFC 7518, section 3.4). */
const P521_COORDINATE_BYTES = 66;

function toFixedBytes(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(P521_COORDINATE_BYTES * 2, '0'), 'hex');
}

/** Replaces the signature of a compact JWS with `signature`, keeping header and payload. */
function withSignature(token: string, signature: Buffer): string {
  const [header, payload] = token.split('.');
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

describe('access token verification', () => {
  let tenant: TestTenant;
  let user: { id: string; email: string; token: string; sessionId: string };

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
      sid: user.sessionId,
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
    expect(response.json()).toMatchObject({ id: user.id, email: user.email, accessLevel: 'admin' });
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
    ['jku', { jku: 'https://attacker.example/jwks.json' }],
    ['x5u', { x5u: 'https://attacker.example/cert.pem' }],
  ])('rejects a token that points to a key by %s', async (_name, header) => {
    // The attacker's own key under the tenant's kid: only a verifier that
    // fetched the key named in the header would accept it.
    const attacker = generateSigningKey('attacker');
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES512', kid: tenant.secret.signingKeys[0]!.kid, ...header })
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
    ['token without session id', { sid: undefined }],
    ['token with an unknown session id', { sid: randomUUID() }],
    ['token with a session id that is not a UUID', { sid: "' OR 1=1 --" }],
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

  it('rejects the token of a deactivated user', async () => {
    const deactivated = await createUserWithToken(tenant, 'write');
    await tenant.admin.query("UPDATE esm.users SET status = 'deactivated' WHERE id = $1", [deactivated.id]);
    await expectRejected(deactivated.token);
  });

  it("rejects a token naming another user's session", async () => {
    const other = await createUserWithToken(tenant, 'read');
    const key = tenant.secret.signingKeys[0]!;
    await expectRejected(await signWith(key.privateKeyPem, key.kid, { sid: other.sessionId }));
  });

  it('rejects a token of a revoked session', async () => {
    const key = tenant.secret.signingKeys[0]!;
    const sessionId = await createTestSession(tenant, user.id);
    const token = await signWith(key.privateKeyPem, key.kid, { sid: sessionId });
    const accepted = await tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
    expect(accepted.statusCode).toBe(200);

    await tenant.admin.query("UPDATE esm.sessions SET revoked_at = now(), revoked_reason = 'sign-out' WHERE id = $1", [sessionId]);

    await expectRejected(token);
  });

  describe('forged signatures', () => {
    async function validToken() {
      const key = tenant.secret.signingKeys[0]!;
      return signWith(key.privateKeyPem, key.kid);
    }

    function signatureParts(token: string) {
      const signature = Buffer.from(token.split('.')[2]!, 'base64url');
      expect(signature).toHaveLength(2 * P521_COORDINATE_BYTES);
      const r = BigInt(`0x${signature.subarray(0, P521_COORDINATE_BYTES).toString('hex')}`);
      const s = BigInt(`0x${signature.subarray(P521_COORDINATE_BYTES).toString('hex')}`);
      return { r, s };
    }

    it('rejects an all-zero signature', async () => {
      await expectRejected(withSignature(await validToken(), Buffer.alloc(2 * P521_COORDINATE_BYTES)));
    });

    // r + n and s + n are congruent to the real values modulo n, so only a range check rejects them.
    it.each([
      ['r plus the group order', (r: bigint, s: bigint) => [r + P521_ORDER, s]],
      ['s plus the group order', (r: bigint, s: bigint) => [r, s + P521_ORDER]],
      ['r equal to the group order', (_r: bigint, s: bigint) => [P521_ORDER, s]],
      ['s equal to the group order', (r: bigint) => [r, P521_ORDER]],
    ])('rejects a signature with %s', async (_case, change) => {
      const token = await validToken();
      const { r, s } = signatureParts(token);
      const [forgedR, forgedS] = change(r, s) as [bigint, bigint];
      await expectRejected(withSignature(token, Buffer.concat([toFixedBytes(forgedR), toFixedBytes(forgedS)])));
    });

    it.each([
      ['a path', '../../etc/passwd'],
      ['SQL', "' OR 1=1 --"],
    ])('rejects a kid that is %s', async (_case, kid) => {
      const key = tenant.secret.signingKeys[0]!;
      await expectRejected(await signWith(key.privateKeyPem, kid));
    });

    it('rejects a changed payload with the original signature', async () => {
      const reader = await createUserWithToken(tenant, 'read');
      const [header, payload, signature] = reader.token.split('.');
      const claimsOfReader = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
      const raised = Buffer.from(JSON.stringify({ ...claimsOfReader, lvl: 'admin' })).toString('base64url');

      const accepted = await tenant.app.inject({ method: 'GET', url: '/api/me', headers: bearer(reader.token) });
      expect(accepted.statusCode).toBe(200);
      await expectRejected(`${header}.${raised}.${signature}`);
    });
  });
});
