import { describe, expect, it, vi } from 'vitest';
import { createLogger, type TenantSecret } from '@esm/common';
import { generateSigningKey } from '../test-support/tenant-fixture.js';

describe('dummy password hash', () => {
  it('exists once the app is built', async () => {
    // Fresh modules, so that no earlier test in this worker has built the hash already.
    vi.resetModules();
    const password = await import('./password.js');
    const { buildTenantApp } = await import('../app.js');
    expect(password.readyDummyPasswordHash()).toBeUndefined();

    // The pool connects on first use only, so the app builds without a database.
    const login = { host: '127.0.0.1', port: 1, user: 'nobody', password: 'unused', database: 'unused' };
    const secret = {
      tenant: 'dummy-hash',
      origin: 'https://dummy-hash.esm.test',
      database: { owner: login, app: login, readOnly: login },
      signingKeys: [generateSigningKey()],
      mail: { from: 'ESM <noreply@esm.test>', outboxDir: '/nonexistent' },
      sms: { provider: 'outbox', outboxDir: '/nonexistent' },
      firstAdministrator: { email: 'admin@dummy-hash.example', locale: 'en' },
    } as TenantSecret;
    const app = await buildTenantApp(secret, { logger: createLogger('tenant-test', { level: 'silent' }) });
    try {
      expect(password.readyDummyPasswordHash()).toMatch(/^\$2[ab]\$12\$/);
    } finally {
      await app.close();
    }
  });
});
