import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayRequest, startTestPlatform, type TestPlatform } from '../support/platform.js';
import { acceptFirstInvitation, deployTenant, nextTotpCode, registerTenant, signInWithTotp } from '../support/tenant-flow.js';

const TOTP_STEP_MS = 30_000;

interface Rotation {
  kid: string;
  previousKid: string;
  retiredKids: string[];
  restarted: boolean;
}

describe('signing key rotation on the running platform', () => {
  let platform: TestPlatform;
  let totpSecret: string;
  let firstToken: string;
  let secondToken: string;
  let firstRotation: Rotation;
  // The newest TOTP time step used; the tenant accepts every step once only.
  let usedStep: number;
  const email = 'owner@rotor.example';
  const host = () => `rotor.${platform.config.baseDomain}`;

  beforeAll(async () => {
    platform = await startTestPlatform();
    await deployTenant(platform, await registerTenant(platform, 'rotor', email));
    totpSecret = await acceptFirstInvitation(platform, 'rotor', email);
    firstToken = await signIn();
  });

  afterAll(async () => {
    await platform?.stop();
  });

  /** Signs in with the code of the step after the current one, waiting first until that step is unused. */
  async function signIn(): Promise<string> {
    while (usedStep !== undefined && Math.floor(Date.now() / TOTP_STEP_MS) + 1 <= usedStep) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const step = Math.floor(Date.now() / TOTP_STEP_MS) + 1;
    const token = await signInWithTotp(platform, 'rotor', email, nextTotpCode(totpSecret));
    usedStep = step;
    return token;
  }

  async function rotate(): Promise<Rotation> {
    const response = await (await platform.admin('cli')).request<Rotation>('POST', '/v1/tenants/rotor/keys/rotate', undefined, { timeoutMs: 120_000 });
    expect(response.status).toBe(200);
    return response.body;
  }

  const me = (token: string) => gatewayRequest(platform, host(), '/api/me', { headers: { authorization: `Bearer ${token}` } });

  it('accepts a token signed before the rotation', async () => {
    const firstKid = decodeProtectedHeader(firstToken).kid;

    firstRotation = await rotate();

    expect(firstRotation).toMatchObject({ previousKid: firstKid, retiredKids: [], restarted: true });
    const response = await me(firstToken);
    expect(response.status).toBe(200);
    expect(response.json().email).toBe(email);
  });

  it('signs new tokens with the new key', { timeout: 120_000 }, async () => {
    secondToken = await signIn();

    expect(decodeProtectedHeader(secondToken).kid).toBe(firstRotation.kid);
    expect((await me(secondToken)).status).toBe(200);
  });

  it('rejects the oldest key after two rotations', async () => {
    const second = await rotate();

    expect(second.retiredKids).toEqual([firstRotation.previousKid]);
    const refused = await me(firstToken);
    expect(refused.status).toBe(401);
    expect(refused.json().error.code).toBe('AUTH_TOKEN_INVALID');
    expect((await me(secondToken)).status).toBe(200);
  });
});
