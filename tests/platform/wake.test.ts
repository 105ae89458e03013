import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayRequest, startTestPlatform, type TestPlatform } from '../support/platform.js';
import { deployTenant, registerTenant, signInFirstAdministrator } from '../support/tenant-flow.js';

describe('waking an inactive tenant through the gateway', () => {
  let platform: TestPlatform;
  let token: string;
  const host = () => `sleepy.${platform.config.baseDomain}`;

  beforeAll(async () => {
    platform = await startTestPlatform();
    await deployTenant(platform, await registerTenant(platform, 'sleepy'));
    token = await signInFirstAdministrator(platform, 'sleepy');
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('answers the request that wakes a stopped tenant', async () => {
    const cli = await platform.admin('cli');
    // A request first, so that the gateway holds the running tenant's route in its cache.
    expect((await gatewayRequest(platform, host(), '/api/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const stopped = await cli.request<{ state: string }>('POST', '/v1/tenants/sleepy/stop');
    expect(stopped.status).toBe(200);
    const route = await (await platform.admin('gateway')).request<{ state: string; upstream: unknown }>('GET', '/v1/routes/sleepy');
    expect(route.body).toMatchObject({ state: 'inactive', upstream: null });

    const response = await gatewayRequest(platform, host(), '/api/me', { headers: { authorization: `Bearer ${token}` } });

    expect(response.status).toBe(200);
    expect(response.json().email).toBe('owner@sleepy.example');
    const after = await cli.request<{ state: string }>('GET', '/v1/tenants/sleepy');
    expect(after.body.state).toBe('active');
  });

  it('passes a write on to a woken tenant with its body', async () => {
    expect((await gatewayRequest(platform, host(), '/api/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const stopped = await (await platform.admin('cli')).request<{ state: string }>('POST', '/v1/tenants/sleepy/stop');
    expect(stopped.body.state).toBe('inactive');

    const response = await gatewayRequest(platform, host(), '/api/objects', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'process', name: 'Handle claim' }),
    });

    expect(response.status).toBe(201);
    expect(response.json().name).toBe('Handle claim');
  });
});
