import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHttpService } from './http-service.js';
import { createLogger } from './logger.js';

describe('addresses the router cannot use', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = createHttpService({ logger: createLogger('http-service-test', { level: 'silent' }) });
    app.get('/items/:id', async () => ({ ok: true }));
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['a malformed percent-encoding', '/items/%ZZ'],
    ['an over-long path parameter', `/items/${'a'.repeat(200)}`],
  ])('rejects %s with REQUEST_INVALID', async (_case, url) => {
    const response = await app.inject({ method: 'GET', url });

    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
    expect(response.body).not.toContain('FST_ERR');
    expect(response.body).not.toContain('/items/');
  });
});
