import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { authenticator } from 'otplib';
import { createLogger } from '@esm/common';
import { buildTenantApp } from '../app.js';
import { createTestTenant, type TestTenant } from '../test-support/tenant-fixture.js';
import { createSignInUser, freshClientAddress } from '../test-support/sign-in.js';

/**
 * Walks a sign-in with every kind of secret a request carries, through an
 * app whose log is captured at the most detailed level, then searches the
 * log and the audit table for each secret.
 */
describe('secrets in logs and audit entries', () => {
  let tenant: TestTenant;
  let app: FastifyInstance;
  const lines: string[] = [];
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    tenant = await createTestTenant('secrets');
    const logger = createLogger('tenant-secrets-test', { level: 'trace' }, { write: (line: string) => lines.push(line) });
    app = await buildTenantApp(tenant.secret, { logger });

    const user = await createSignInUser(tenant, { password: 'Hemligt-Lösenord-4711' });
    secrets.password = user.password;
    secrets.totpSecret = user.totpSecret;
    secrets.wrongPassword = 'Fel-Lösenord-0815-xyz';
    const address = freshClientAddress();
    const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url, headers: { 'x-forwarded-for': address, origin: tenant.secret.origin, ...headers }, payload });

    await post('/api/auth/password', { email: user.email, password: secrets.wrongPassword });
    const first = await post('/api/auth/password', { email: user.email, password: user.password });
    secrets.challenge = first.json().challenge;
    secrets.wrongCode = authenticator.clone({ epoch: Date.now() + 10 * 60_000 }).generate(user.totpSecret);
    await post('/api/auth/second-factor', { challenge: secrets.challenge, factor: 'totp', code: secrets.wrongCode });
    secrets.code = authenticator.generate(user.totpSecret);
    const second = await post('/api/auth/second-factor', { challenge: secrets.challenge, factor: 'totp', code: secrets.code });
    expect(second.statusCode).toBe(200);
    secrets.accessToken = second.json().accessToken;
    const cookie = String(second.headers['set-cookie']).split(';')[0]!;
    secrets.refreshToken = cookie.split('=')[1]!;

    const refreshed = await post('/api/auth/refresh', {}, { cookie });
    expect(refreshed.statusCode).toBe(200);
    secrets.refreshedAccessToken = refreshed.json().accessToken;
    await app.inject({ method: 'GET', url: '/api/me?token=' + secrets.accessToken, headers: { authorization: `Bearer ${secrets.accessToken}` } });
  });

  afterAll(async () => {
    await app?.close();
    await tenant?.close();
  });

  it('keeps every secret out of the log', () => {
    expect(lines.length).toBeGreaterThan(10);
    const log = lines.join('\n');
    for (const [name, value] of Object.entries(secrets)) {
      expect(log.includes(value), `${name} appears in the log`).toBe(false);
    }
  });

  it('keeps every secret out of the audit entries', async () => {
    const entries = await tenant.admin.query('SELECT * FROM esm.audit_entries');
    expect(entries.rowCount).toBeGreaterThan(0);
    const audit = JSON.stringify(entries.rows);
    for (const [name, value] of Object.entries(secrets)) {
      expect(audit.includes(value), `${name} appears in an audit entry`).toBe(false);
    }
  });
});
