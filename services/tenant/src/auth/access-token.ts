import { SignJWT, jwtVerify, type JWTHeaderParameters } from 'jose';
import { AppError } from '@esm/common';
import { AUTH_ERRORS } from './errors.js';
import { isAccessLevel, type AccessLevel } from './access-level.js';
import type { TenantKeys } from './signing-keys.js';

/** Lifetime of an access token; a user signs in again after it. */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 15 * 60;

/** Clock difference accepted in the time claims. The signer is this process, so a few seconds are plenty. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** Tokens longer than this are rejected before any decoding, to bound the work an attacker can cause. */
export const MAX_TOKEN_BYTES = 8 * 1024;

/** The claims of a verified token. */
export interface AccessTokenClaims {
  userId: string;
  email: string;
  accessLevel: AccessLevel;
  /** The session the token was issued in; the session check rejects the token once it is revoked. */
  sessionId: string;
  /** Expiry as seconds since the epoch. */
  expiresAt: number;
}

/** The tenant name and public origin that tokens are issued for and accepted from. */
export interface TokenAudience {
  tenant: string;
  origin: string;
}

/** Signs an ES512 access token of the session `sessionId` with the current key, valid for 15 minutes. */
export async function signAccessToken(
  keys: TenantKeys,
  audience: TokenAudience,
  user: { id: string; email: string; accessLevel: AccessLevel },
  sessionId: string,
): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = issuedAt + ACCESS_TOKEN_LIFETIME_SECONDS;
  const token = await new SignJWT({ email: user.email, lvl: user.accessLevel, tid: audience.tenant, sid: sessionId })
    .setProtectedHeader({ alg: 'ES512', kid: keys.current.kid, typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(audience.origin)
    .setAudience(audience.origin)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(keys.current.privateKey);
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/**
 * Verifies an access token and returns its claims, or throws
 * AUTH_TOKEN_INVALID. Only ES512 is accepted, and the key comes only from the
 * tenant's own keys by `kid`: keys named in the token (jku, jwk, x5u) are
 * never used, so a token signed by anyone else fails. Its `iat` must lie in
 * the last 15 minutes and its `exp - iat` must not exceed 15 minutes, each
 * within CLOCK_TOLERANCE_SECONDS. So even a token signed with the real key
 * cannot outlive the lifetime that signAccessToken gives.
 */
export async function verifyAccessToken(keys: TenantKeys, audience: TokenAudience, token: string): Promise<AccessTokenClaims> {
  if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) {
    throw new AppError(AUTH_ERRORS.tokenInvalid, { detail: 'token longer than 8 KiB' });
  }
  const resolveKey = (header: JWTHeaderParameters) => {
    const key = typeof header.kid === 'string' ? keys.verificationKeys.get(header.kid) : undefined;
    if (!key) throw new AppError(AUTH_ERRORS.tokenInvalid, { detail: 'unknown key id' });
    return key;
  };

  let payload;
  try {
    ({ payload } = await jwtVerify(token, resolveKey, {
      algorithms: ['ES512'],
      issuer: audience.origin,
      audience: audience.origin,
      requiredClaims: ['exp', 'iat', 'sub', 'sid'],
      // maxTokenAge rejects an iat older than the lifetime or later than now (both within the tolerance).
      maxTokenAge: ACCESS_TOKEN_LIFETIME_SECONDS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(AUTH_ERRORS.tokenInvalid, { detail: `token rejected: ${(error as Error).name}`, cause: error });
  }

  const { sub, email, lvl, tid, sid, exp, iat } = payload;
  if (
    typeof sub !== 'string' ||
    typeof email !== 'string' ||
    !isAccessLevel(lvl) ||
    tid !== audience.tenant ||
    typeof sid !== 'string' ||
    typeof exp !== 'number'
  ) {
    throw new AppError(AUTH_ERRORS.tokenInvalid, { detail: 'token claims incomplete or for another tenant' });
  }
  // jose checks exp and iat each against the clock but not against each other.
  if (typeof iat !== 'number' || exp - iat > ACCESS_TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) {
    throw new AppError(AUTH_ERRORS.tokenInvalid, { detail: 'token lifetime longer than 15 minutes' });
  }
  return { userId: sub, email, accessLevel: lvl, sessionId: sid, expiresAt: exp };
}
