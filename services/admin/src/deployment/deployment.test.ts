import { createPrivateKey, createPublicKey, createSign, createVerify } from 'node:crypto';
import { rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecretFile, type TenantSecret } from '@esm/common';
import {
  connectRegistry,
  registerAndDeploy,
  registrationBody,
  startAdminTestPlatform,
  waitForDeployment,
  type AdminTestPlatform,
} from '../test-support/admin-test-platform.js';
import { tenantSecretFile } from './run-deployment.js';

interface ErrorReply {
  error: { code: string };
}

const TENANTS = ['dep-full', 'dep-used', 'dep-expired', 'dep-place-a', 'dep-place-b', 'dep-place-c', 'dep-place-d', 'dep-retry'];

describe('deployments', () => {
  let platform: AdminTestPlatform;

  beforeAll(async () => {
    platform = await startAdminTestPlatform({ serverIds: ['server-a', 'server-b'] });
  });

  afterAll(async () => {
    await platform.cleanup(TENANTS);
  });

  const registration = () => platform.client('registration');

  async function register(name: string): Promise<string> {
    const response = await registration().request<{ deploymentToken: string }>('POST', '/v1/registrations', registrationBody(name));
    expect(response.status).toBe(201);
    return response.body.deploymentToken;
  }

  it('full deployment reaches active', async () => {
    const deployment = await registerAndDeploy(platform, 'dep-full');

    expect(deployment).toMatchObject({ tenantName: 'dep-full', state: 'active', finished: true, failed: false });
    expect(deployment.origin).toBe('https://dep-full.esm.localhost:8443');
    expect(deployment.steps).toEqual(['database', 'secret', 'process', 'health', 'invitation'].map((step) => ({ step, status: 'done' })));

    const file = tenantSecretFile(platform, 'dep-full');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const secret = await readSecretFile<TenantSecret>(file);
    expect(secret.tenant).toBe('dep-full');
    expect(secret.firstAdministrator).toEqual({ email: 'admin@dep-full.example', locale: 'sv', mobile: '+46 70 123 45 67' });
    expect(secret.database.app.database).toBe('esm_tenant_dep_full');
    const [key] = secret.signingKeys;
    const privateKey = createPrivateKey(key!.privateKeyPem);
    expect(privateKey.asymmetricKeyDetails?.namedCurve).toBe('secp521r1');
    const signature = createSign('sha512').update('payload').sign(privateKey);
    expect(createVerify('sha512').update('payload').verify(createPublicKey(key!.publicKeyPem), signature)).toBe(true);

    const tenant = await platform.client('cli').request<{ databaseServer: string; history: { fromState: string; toState: string; actor: string }[] }>(
      'GET',
      '/v1/tenants/dep-full',
    );
    expect(tenant.body.databaseServer).toBe('server-a');
    expect(tenant.body.history.map(({ fromState, toState, actor }) => ({ fromState, toState, actor }))).toEqual([
      { fromState: null, toState: 'registered', actor: 'registration' },
      { fromState: 'registered', toState: 'deploying', actor: 'registration' },
      { fromState: 'deploying', toState: 'active', actor: 'registration' },
    ]);
    expect(platform.admin.orchestrator.upstream('dep-full')).not.toBeNull();

    const registry = await connectRegistry(platform);
    const stored = JSON.stringify((await registry.query('SELECT * FROM tenants')).rows) + JSON.stringify((await registry.query('SELECT * FROM deployments')).rows);
    expect(stored).not.toContain(secret.database.app.password);
    await registry.end();
  });

  it('used token returns 410', async () => {
    const token = await register('dep-used');
    const first = await registration().request<{ deploymentId: string }>('POST', '/v1/deployments', { token });
    expect(first.status).toBe(202);
    const again = await registration().request<ErrorReply>('POST', '/v1/deployments', { token });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('DEPLOYMENT_TOKEN_USED');
    await waitForDeployment(platform, first.body.deploymentId);
  });

  it('expired token returns 410', async () => {
    const token = await register('dep-expired');
    const registry = await connectRegistry(platform);
    await registry.query("UPDATE deployment_tokens SET expires_at = now() - interval '1 second' WHERE tenant = 'dep-expired'");
    await registry.end();

    const response = await registration().request<ErrorReply>('POST', '/v1/deployments', { token });
    expect(response.status).toBe(410);
    expect(response.body.error.code).toBe('DEPLOYMENT_TOKEN_EXPIRED');
    const state = await platform.client('cli').request<{ state: string }>('GET', '/v1/tenants/dep-expired');
    expect(state.body.state).toBe('registered');
  });

  it('unknown token returns 400', async () => {
    for (const body of [{ token: 'A'.repeat(43) }, {}, { token: 12 }, { token: 'x'.repeat(500) }]) {
      const response = await registration().request<ErrorReply>('POST', '/v1/deployments', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('DEPLOYMENT_TOKEN_INVALID');
    }
  });

  it('unknown deployment returns 404', async () => {
    const response = await registration().request<ErrorReply>('GET', '/v1/deployments/unknown-id');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('DEPLOYMENT_NOT_FOUND');
  });

  it('placement picks least used server', async () => {
    // Earlier tests placed dep-full and dep-used on server-a and server-b.
    const servers: string[] = [];
    for (const name of ['dep-place-a', 'dep-place-b', 'dep-place-c', 'dep-place-d']) {
      await registerAndDeploy(platform, name);
      servers.push((await platform.client('cli').request<{ databaseServer: string }>('GET', `/v1/tenants/${name}`)).body.databaseServer);
    }
    expect(servers).toEqual(['server-a', 'server-b', 'server-a', 'server-b']);
  });

  it('failed deployment resumes on redeploy', async () => {
    const failMarker = path.join(platform.fakeTenantDir, 'dep-retry.fail');
    await writeFile(failMarker, '');
    const token = await register('dep-retry');
    const started = await registration().request<{ deploymentId: string }>('POST', '/v1/deployments', { token });
    const failed = await waitForDeployment(platform, started.body.deploymentId);

    expect(failed).toMatchObject({ finished: true, failed: true, state: 'deploying' });
    expect(failed.steps.map((step) => step.status)).toEqual(['done', 'done', 'failed', 'pending', 'pending']);
    expect(platform.admin.orchestrator.upstream('dep-retry')).toBeNull();

    const stillFailing = await platform.client('cli').request<ErrorReply>('POST', '/v1/tenants/dep-retry/deploy');
    expect(stillFailing.status).toBe(500);
    expect(stillFailing.body.error.code).toBe('DEPLOYMENT_FAILED');

    await rm(failMarker);
    const resumed = await platform.client('cli').request<{ state: string; history: { toState: string; actor: string }[] }>(
      'POST',
      '/v1/tenants/dep-retry/deploy',
    );
    expect(resumed.status).toBe(200);
    expect(resumed.body.state).toBe('active');
    expect(resumed.body.history.at(-1)).toMatchObject({ toState: 'active', actor: 'cli' });
  });

  it('operator deploy uses the token', async () => {
    const token = await register('dep-operator');
    TENANTS.push('dep-operator');
    const deployed = await platform.client('cli').request<{ state: string }>('POST', '/v1/tenants/dep-operator/deploy');
    expect(deployed.status).toBe(200);
    expect(deployed.body.state).toBe('active');

    const withToken = await registration().request<ErrorReply>('POST', '/v1/deployments', { token });
    expect(withToken.status).toBe(410);
    expect(withToken.body.error.code).toBe('DEPLOYMENT_TOKEN_USED');
    const again = await platform.client('cli').request<{ state: string }>('POST', '/v1/tenants/dep-operator/deploy');
    expect(again.body.state).toBe('active');
  });
});
