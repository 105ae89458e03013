import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@esm/common';
import { createTestTenant, type TestTenant } from '../test-support/tenant-fixture.js';
import { runMigrations } from './migrate.js';

describe('runMigrations', () => {
  let tenant: TestTenant;
  let app: pg.Client;

  beforeAll(async () => {
    tenant = await createTestTenant('migrate');
    app = new pg.Client(tenant.secret.database.app);
    await app.connect();
    await app.query(`INSERT INTO audit_entries (action, entity_type, summary) VALUES ('object.created', 'object', 'seed')`);
  });

  afterAll(async () => {
    await app.end();
    await tenant.close();
  });

  it('creates every table in schema esm', async () => {
    const result = await tenant.admin.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'esm' ORDER BY table_name",
    );
    expect(result.rows.map((row) => row.table_name)).toEqual([
      'audit_entries',
      'invitations',
      'objects',
      'relations',
      'sign_in_challenges',
      'users',
    ]);
  });

  it('lets the app role insert and read audit entries', async () => {
    const result = await app.query<{ count: number }>('SELECT count(*)::int AS count FROM audit_entries');
    expect(result.rows[0]!.count).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['UPDATE', "UPDATE audit_entries SET summary = 'changed'"],
    ['DELETE', 'DELETE FROM audit_entries'],
    ['TRUNCATE', 'TRUNCATE audit_entries'],
  ])('rejects %s of audit entries by the app role', async (_verb, statement) => {
    await expect(app.query(statement)).rejects.toMatchObject({ code: '42501' });
  });

  it('rejects an update of audit entries by the owner through the trigger', async () => {
    const owner = new pg.Client(tenant.secret.database.owner);
    await owner.connect();
    try {
      await expect(owner.query("UPDATE audit_entries SET summary = 'changed'")).rejects.toMatchObject({ code: '42501' });
    } finally {
      await owner.end();
    }
  });

  it('hides the migrations table from the app role', async () => {
    await expect(app.query('SELECT * FROM esm_migrations.migrations')).rejects.toMatchObject({ code: '42501' });
  });

  it('does nothing when run again', async () => {
    const logger = createLogger('test', { level: 'silent' });
    await runMigrations(tenant.secret.database.owner, tenant.secret.database.app.user, logger);
    const result = await tenant.admin.query<{ count: number }>('SELECT count(*)::int AS count FROM esm_migrations.migrations');
    expect(result.rows[0]!.count).toBe(1);
  });
});
