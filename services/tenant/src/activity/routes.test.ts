import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHttpService, createLogger } from '@esm/common';
import { registerActivityRoute } from './routes.js';

describe('activity route', () => {
  let app: FastifyInstance;

  beforeEach(async () => {
    app = createHttpService({ logger: createLogger('activity-test', { level: 'silent' }) });
    registerActivityRoute(app);
    app.get('/api/something', async () => ({ ok: true }));
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
  });

  it('reports the last user request', async () => {
    const before = (await app.inject({ method: 'GET', url: '/internal/activity' })).json<{ lastRequestAt: string }>();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await app.inject({ method: 'GET', url: '/api/something' });
    const after = (await app.inject({ method: 'GET', url: '/internal/activity' })).json<{ lastRequestAt: string }>();
    expect(new Date(after.lastRequestAt).getTime()).toBeGreaterThan(new Date(before.lastRequestAt).getTime());
  });

  it('health checks are not activity', async () => {
    const before = (await app.inject({ method: 'GET', url: '/internal/activity' })).json<{ lastRequestAt: string }>();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await app.inject({ method: 'GET', url: '/healthz' });
    const after = (await app.inject({ method: 'GET', url: '/internal/activity' })).json<{ lastRequestAt: string }>();
    expect(after.lastRequestAt).toBe(before.lastRequestAt);
  });

  it('forwarded request returns 404', async () => {
    for (const header of ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']) {
      const response = await app.inject({ method: 'GET', url: '/internal/activity', headers: { [header]: '203.0.113.9' } });
      expect(response.statusCode, header).toBe(404);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('ROUTE_NOT_FOUND');
    }
  });
});
