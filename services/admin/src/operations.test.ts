import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { adminMetrics } from './metrics.js';
import { registerAndDeploy, startAdminTestPlatform, type AdminTestPlatform } from './test-support/admin-test-platform.js';

describe('admin operations endpoints', () => {
  let platform: AdminTestPlatform | undefined;
  let tenants: string[] = [];

  afterEach(async () => {
    await platform?.cleanup(tenants);
    platform = undefined;
    tenants = [];
  });

  it('readyz is 503 without registry', async () => {
    platform = await startAdminTestPlatform();
    const client = platform.client('cli');
    await platform.admin.restored;
    const before = await client.request('GET', '/readyz');

    const maintenance = new pg.Client({ ...inject('postgres'), database: 'postgres' });
    await maintenance.connect();
    await maintenance.query(`DROP DATABASE ${pg.escapeIdentifier(platform.registryDatabase)} WITH (FORCE)`);
    await maintenance.end();
    const after = await client.request<{ error: { code: string } }>('GET', '/readyz');

    expect(before.status).toBe(200);
    expect(after.status).toBe(503);
    expect(after.body.error.code).toBe('SERVICE_NOT_READY');
  });

  it('metrics count deployments and wakes', async () => {
    platform = await startAdminTestPlatform();
    const name = `metrics-${Date.now().toString(36)}`;
    tenants.push(name);
    await registerAndDeploy(platform, name);
    const wake = await platform.client('default-backend').request('POST', `/v1/tenants/${name}/wake`);
    const text = await adminMetrics.metrics();

    expect(wake.status).toBe(200);
    expect(text).toContain(`esm_deployments_total{tenant="${name}",outcome="succeeded",service="admin"} 1`);
    expect(text).toContain(`esm_admin_wakes_total{tenant="${name}",outcome="succeeded",service="admin"} 1`);
    expect(text).toContain('esm_deployment_duration_seconds_count');
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/v1\/tenants\/:name\/wake",status="200",service="admin"\}/);
    expect(text).not.toContain(`route="/v1/tenants/${name}`);
  });
});
