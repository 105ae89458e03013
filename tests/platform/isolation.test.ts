import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { SignJWT, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths, tenantOrigin, type TenantSecret } from '@esm/common';
import { gatewayRequest, startTestPlatform, type TestPlatform } from '../support/platform.js';
import { deployTenant, registerTenant, signInFirstAdministrator } from '../support/tenant-flow.js';

describe('tenant isolation over real connections', () => {
  let platform: TestPlatform;
  let alpha: TenantSecret;
  let beta: TenantSecret;
  let alphaToken: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    await Promise.all(['alpha', 'beta'].map(async (name) => deployTenant(platform, await registerTenant(platform, name))));
    const secretFile = (name: string) => path.join(dataPaths(platform.config).tenantSecretsDir, `${name}.json`);
    alpha = JSON.parse(await readFile(secretFile('alpha'), 'utf8')) as TenantSecret;
    beta = JSON.parse(await readFile(secretFile('beta'), 'utf8')) as TenantSecret;
    alphaToken = await signInFirstAdministrator(platform, 'alpha');
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it("rejects tenant A's app role on tenant B's database", async () => {
    const client = new pg.Client({ ...alpha.database.app, database: beta.database.app.database });
    await expect(client.connect()).rejects.toMatchObject({ code: '42501' });
  });

  it("rejects tenant A's owner role on tenant B's database", async () => {
    const client = new pg.Client({ ...alpha.database.owner, database: beta.database.owner.database });
    await expect(client.connect()).rejects.toMatchObject({ code: '42501' });
  });

  it('rejects an insert by the read-only role', async () => {
    const client = new pg.Client(alpha.database.readOnly);
    await client.connect();
    try {
      await expect(
        client.query("INSERT INTO esm.objects (id, type, name) VALUES (gen_random_uuid(), 'process', 'forged')"),
      ).rejects.toMatchObject({ code: '42501' });
      const count = await client.query("SELECT count(*)::int AS n FROM esm.objects WHERE name = 'forged'");
      expect(count.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('accepts a token on the tenant that signed it', async () => {
    const response = await gatewayRequest(platform, `alpha.${platform.config.baseDomain}`, '/api/me', {
      headers: { authorization: `Bearer ${alphaToken}` },
    });
    expect(response.status).toBe(200);
  });

  it('rejects a token signed by tenant A at tenant B', async () => {
    const response = await gatewayRequest(platform, `beta.${platform.config.baseDomain}`, '/api/me', {
      headers: { authorization: `Bearer ${alphaToken}` },
    });
    expect(response.status).toBe(401);
    expect(response.json().error.code).toBe('AUTH_TOKEN_INVALID');
  });

  it("rejects a token with B's issuer and audience signed with A's key", async () => {
    const key = alpha.signingKeys[0]!;
    const origin = tenantOrigin(platform.config, 'beta');
    const forged = await new SignJWT({ lvl: 'admin', tid: 'beta', email: 'owner@beta.example' })
      .setProtectedHeader({ alg: 'ES512', kid: beta.signingKeys[0]!.kid })
      .setSubject('00000000-0000-0000-0000-000000000000')
      .setIssuer(origin)
      .setAudience(origin)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(await importPKCS8(key.privateKeyPem, 'ES512'));
    const response = await gatewayRequest(platform, `beta.${platform.config.baseDomain}`, '/api/me', {
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(response.status).toBe(401);
    expect(response.json().error.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('keeps tenant secrets readable by their owner only', async () => {
    const { stat } = await import('node:fs/promises');
    const info = await stat(path.join(dataPaths(platform.config).tenantSecretsDir, 'alpha.json'));
    expect(info.mode & 0o777).toBe(0o600);
  });
});
