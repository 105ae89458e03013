import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@esm/common';
import { startAdmin } from '../start-admin.js';
import {
  fakeTenantStarts,
  registerAndDeploy,
  registrationBody,
  startAdminTestPlatform,
  type AdminTestPlatform,
} from '../test-support/admin-test-platform.js';

interface TenantReply {
  state: string;
  history: { fromState: string | null; toState: string; actor: string }[];
}

interface ErrorReply {
  error: { code: string; state?: string };
}

const TENANTS = ['life-cycle', 'life-wake', 'life-broken', 'life-restore'];

describe('tenant transitions', () => {
  let platform: AdminTestPlatform;

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    await registerAndDeploy(platform, 'life-cycle');
    await registerAndDeploy(platform, 'life-wake');
  });

  afterAll(async () => {
    await platform.cleanup(TENANTS);
  });

  const cli = (action: string, name: string) => platform.client('cli').request<TenantReply & ErrorReply>('POST', `/v1/tenants/${name}/${action}`);

  it('stop, start, archive are idempotent', async () => {
    const stopped = await cli('stop', 'life-cycle');
    expect(stopped.status).toBe(200);
    expect(stopped.body.state).toBe('inactive');
    expect(platform.admin.orchestrator.upstream('life-cycle')).toBeNull();
    expect((await cli('stop', 'life-cycle')).body.state).toBe('inactive');

    const started = await cli('start', 'life-cycle');
    expect(started.body.state).toBe('active');
    expect(platform.admin.orchestrator.upstream('life-cycle')).not.toBeNull();
    expect((await cli('start', 'life-cycle')).body.state).toBe('active');

    const archived = await cli('archive', 'life-cycle');
    expect(archived.body.state).toBe('archived');
    expect(platform.admin.orchestrator.upstream('life-cycle')).toBeNull();
    const again = await cli('archive', 'life-cycle');
    expect(again.status).toBe(200);

    expect(again.body.history.slice(3).map(({ fromState, toState, actor }) => ({ fromState, toState, actor }))).toEqual([
      { fromState: 'active', toState: 'inactive', actor: 'cli' },
      { fromState: 'inactive', toState: 'active', actor: 'cli' },
      { fromState: 'active', toState: 'archived', actor: 'cli' },
    ]);
  });

  it('illegal transition returns 409', async () => {
    const response = await cli('start', 'life-cycle');
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'TENANT_STATE_CONFLICT', state: 'archived' });
    expect((await cli('stop', 'life-cycle')).status).toBe(409);
    expect((await cli('deploy', 'life-cycle')).status).toBe(409);
  });

  it('unknown tenant returns 404', async () => {
    for (const name of ['no-such-tenant', 'Bad_Name']) {
      const response = await cli('stop', name);
      expect(response.status, name).toBe(404);
      expect(response.body.error.code).toBe('TENANT_NOT_FOUND');
    }
  });

  it('concurrent wakes start once', async () => {
    expect((await cli('stop', 'life-wake')).body.state).toBe('inactive');
    const startsBefore = (await fakeTenantStarts(platform, 'life-wake')).length;

    const backend = platform.client('default-backend');
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => backend.request<{ state: string; upstream: { port: number } }>('POST', '/v1/tenants/life-wake/wake')),
    );

    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.body.state).toBe('active');
      expect(reply.body.upstream.port).toBe(replies[0]!.body.upstream.port);
    }
    expect((await fakeTenantStarts(platform, 'life-wake')).length).toBe(startsBefore + 1);
    const history = (await platform.client('cli').request<TenantReply>('GET', '/v1/tenants/life-wake')).body.history;
    expect(history.at(-1)).toMatchObject({ fromState: 'inactive', toState: 'active', actor: 'default-backend' });
  });

  it('gateway gets active upstream only', async () => {
    const gateway = platform.client('gateway');
    const active = await gateway.request<{ state: string; upstream: { host: string; port: number } | null }>('GET', '/v1/routes/life-wake');
    expect(active.body).toEqual({ state: 'active', upstream: platform.admin.orchestrator.upstream('life-wake') });
    const archived = await gateway.request<{ state: string; upstream: unknown }>('GET', '/v1/routes/life-cycle');
    expect(archived.body).toEqual({ state: 'archived', upstream: null });
    expect((await gateway.request<ErrorReply>('GET', '/v1/routes/no-such-tenant')).status).toBe(404);
  });

  it('wake rejects other states', async () => {
    const backend = platform.client('default-backend');
    for (const name of ['life-cycle']) {
      const response = await backend.request<ErrorReply>('POST', `/v1/tenants/${name}/wake`);
      expect(response.status).toBe(409);
      expect(response.body.error).toMatchObject({ code: 'TENANT_NOT_WAKEABLE', state: 'archived' });
    }
    const registered = await platform.client('registration').request('POST', '/v1/registrations', registrationBody('life-registered'));
    expect(registered.status).toBe(201);
    const response = await backend.request<ErrorReply>('POST', '/v1/tenants/life-registered/wake');
    expect(response.body.error).toMatchObject({ code: 'TENANT_NOT_WAKEABLE', state: 'registered' });
    expect((await backend.request<{ state: string }>('GET', '/v1/tenants/life-registered/state')).body).toEqual({ state: 'registered' });
  });

  it('failed wake returns 503', async () => {
    await registerAndDeploy(platform, 'life-broken');
    expect((await cli('stop', 'life-broken')).body.state).toBe('inactive');
    await writeFile(path.join(platform.fakeTenantDir, 'life-broken.fail'), '');

    const response = await platform.client('default-backend').request<ErrorReply>('POST', '/v1/tenants/life-broken/wake');
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('TENANT_START_FAILED');
    const state = await platform.client('default-backend').request<{ state: string }>('GET', '/v1/tenants/life-broken/state');
    expect(state.body.state).toBe('inactive');
  });

  it('admin start restores active tenants', async () => {
    await registerAndDeploy(platform, 'life-restore');
    const second = await startAdmin(platform.config, {
      logger: createLogger('admin-test', { level: 'silent' }),
      registryDatabase: platform.registryDatabase,
      port: 0,
      localOrchestrator: { tenantEntry: platform.fakeTenantScript },
    });
    try {
      await second.restored;
      expect(second.orchestrator.upstream('life-restore')).not.toBeNull();
      expect(second.orchestrator.upstream('life-wake')).not.toBeNull();
      expect(second.orchestrator.upstream('life-cycle')).toBeNull();
    } finally {
      await second.close();
    }
  });
});
