import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHttpService } from './http-service.js';
import { createLogger } from './logger.js';

describe('request validation messages', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = createHttpService({ logger: createLogger('errors-test', { level: 'silent' }) });
    const body = {
      type: 'object',
      required: ['key'],
      properties: { key: { type: 'string', pattern: '^[a-z]+$' } },
    } as const;
    app.post('/things', { schema: { body } }, async () => ({ ok: true }));
    await app.ready();
  });

  afterAll(async () => app.close());

  function post(language: string, payload: string) {
    return app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'accept-language': language, 'content-type': 'application/json' },
      payload,
    });
  }

  it('names the broken rule in Swedish for a Swedish request', async () => {
    const response = await post('sv', JSON.stringify({ key: 'ABC' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'REQUEST_INVALID',
      message: 'Förfrågan är ogiltig: body/key borde matcha mönstret "^[a-z]+$"',
    });
  });

  it('names the broken rule in English for an English request', async () => {
    const response = await post('en', JSON.stringify({ key: 'ABC' }));
    expect(response.json().error.message).toBe('The request is invalid: body/key must match pattern "^[a-z]+$"');
  });

  it('describes unreadable JSON in Swedish for a Swedish request', async () => {
    const response = await post('sv', '{not json');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toBe('Förfrågan är ogiltig: innehållet kunde inte läsas');
  });
});
