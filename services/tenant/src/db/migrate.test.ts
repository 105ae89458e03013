import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@esm/common';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';
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
      'applicability_rules',
      'attribute_definitions',
      'audit_entries',
      'classification_assignments',
      'classification_dimensions',
      'classification_levels',
      'compliance_statements',
      'effective_levels',
      'inherited_levels',
      'invitations',
      'object_types',
      'objects',
      'password_resets',
      'recovery_codes',
      'refresh_tokens',
      'relation_types',
      'relations',
      'requirement_sets',
      'requirements',
      'sessions',
      'sign_in_challenges',
      'sign_in_codes',
      'sign_in_failures',
      'template_credentials',
      'template_sources',
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

  it.each([
    ['UPDATE', "UPDATE audit_entries SET summary = 'changed'"],
    ['DELETE', 'DELETE FROM audit_entries'],
    ['TRUNCATE', 'TRUNCATE audit_entries'],
  ])('rejects %s of audit entries by the owner through the trigger', async (_verb, statement) => {
    const owner = new pg.Client(tenant.secret.database.owner);
    await owner.connect();
    try {
      await expect(owner.query(statement)).rejects.toMatchObject({ code: '42501' });
      const count = await owner.query<{ count: number }>('SELECT count(*)::int AS count FROM audit_entries');
      expect(count.rows[0]!.count).toBeGreaterThanOrEqual(1);
    } finally {
      await owner.end();
    }
  });

  it('hides the migrations table from the app role', async () => {
    await expect(app.query('SELECT * FROM esm_migrations.migrations')).rejects.toMatchObject({ code: '42501' });
  });

  it('does nothing when run again', async () => {
    const logger = createLogger('test', { level: 'silent' });
    const roles = { app: tenant.secret.database.app.user, readOnly: tenant.secret.database.readOnly.user };
    const before = await tenant.admin.query('SELECT name, run_on FROM esm_migrations.migrations ORDER BY id');
    await runMigrations(tenant.secret.database.owner, roles, logger);
    const after = await tenant.admin.query('SELECT name, run_on FROM esm_migrations.migrations ORDER BY id');
    expect(after.rows).toEqual(before.rows);
    expect(after.rows.map((row) => row.name)).toEqual([
      '001-initial-schema',
      '002-hide-secret-columns-from-read-only-role',
      '003-second-factors-and-limits',
      '004-sessions-and-users',
      '005-audit-chain',
      '006-password-resets',
      '007-meta-model-classification-requirements',
      '008-relation-end-checks-archimate-relation-types',
      '009-audit-entry-object-index',
    ]);
  });

  describe('read-only role', () => {
    let readOnly: pg.Client;

    beforeAll(async () => {
      readOnly = new pg.Client(tenant.secret.database.readOnly);
      await readOnly.connect();
      await readOnly.query('SET search_path TO esm');
    });

    afterAll(async () => readOnly.end());

    it.each([
      ['users.totp_secret', 'SELECT totp_secret FROM users'],
      ['users.password_hash', 'SELECT password_hash FROM users'],
      ['every users column', 'SELECT * FROM users'],
      ['invitations.token_hash', 'SELECT token_hash FROM invitations'],
      ['sign_in_challenges.hash', 'SELECT hash FROM sign_in_challenges'],
      ['refresh_tokens.hash', 'SELECT hash FROM refresh_tokens'],
      ['users.totp_pending_secret', 'SELECT totp_pending_secret FROM users'],
      ['users.recovery_code_salt', 'SELECT recovery_code_salt FROM users'],
      ['sign_in_challenges.enrolment_secret', 'SELECT enrolment_secret FROM sign_in_challenges'],
      ['sign_in_codes.code_hash', 'SELECT code_hash FROM sign_in_codes'],
      ['sign_in_codes.challenge_hash', 'SELECT challenge_hash FROM sign_in_codes'],
      ['recovery_codes.hash', 'SELECT hash FROM recovery_codes'],
      ['password_resets.token_hash', 'SELECT token_hash FROM password_resets'],
      ['template_credentials.credential_hash', 'SELECT credential_hash FROM template_credentials'],
      ['template_sources.credential', 'SELECT credential FROM template_sources'],
    ])('cannot read %s', async (_column, statement) => {
      await expect(readOnly.query(statement)).rejects.toMatchObject({ code: '42501' });
    });

    it('reads the columns without secrets', async () => {
      await expect(readOnly.query('SELECT id, email, access_level, status, totp_enabled FROM users')).resolves.toBeDefined();
      await expect(readOnly.query('SELECT id, email, expires_at, used_at FROM invitations')).resolves.toBeDefined();
      await expect(readOnly.query('SELECT user_id, expires_at, used_at FROM sign_in_challenges')).resolves.toBeDefined();
      await expect(readOnly.query('SELECT preferred_factor FROM users')).resolves.toBeDefined();
      await expect(readOnly.query('SELECT created_at, attempts, codes_sent FROM sign_in_challenges')).resolves.toBeDefined();
      await expect(readOnly.query('SELECT factor, expires_at, used_at FROM sign_in_codes')).resolves.toBeDefined();
      await expect(readOnly.query('SELECT user_id, created_at, used_at FROM recovery_codes')).resolves.toBeDefined();
      await expect(readOnly.query('SELECT email, failures, last_attempt_at, locked_until FROM sign_in_failures')).resolves.toBeDefined();
      await expect(readOnly.query('SELECT user_id, created_at, expires_at, used_at FROM password_resets')).resolves.toBeDefined();
      await expect(readOnly.query('SELECT id, importer, expires_at, revoked_at FROM template_credentials')).resolves.toBeDefined();
      await expect(readOnly.query('SELECT template, origin, expires_at FROM template_sources')).resolves.toBeDefined();
    });

    it('hides totp_secret after SET LOCAL ROLE', async () => {
      await app.query('BEGIN');
      try {
        await app.query(`SET LOCAL ROLE ${pg.escapeIdentifier(tenant.secret.database.readOnly.user)}`);
        await expect(app.query('SELECT totp_secret FROM users')).rejects.toMatchObject({ code: '42501' });
      } finally {
        await app.query('ROLLBACK');
      }
      // The app login itself still reads the secret, which sign-in needs.
      await expect(app.query('SELECT totp_secret, password_hash FROM users')).resolves.toBeDefined();
    });

    it('serves the read routes to a read user', async () => {
      const reader = await createUserWithToken(tenant, 'read');
      for (const url of ['/api/me', '/api/objects', '/api/object-types', '/api/stats', '/api/audit']) {
        const response = await tenant.app.inject({ method: 'GET', url, headers: bearer(reader.token) });
        expect(response.statusCode, url).toBe(200);
      }
    });
  });
});
