import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@esm/common';
import { dropTenantDatabase, provisionTenantDatabase } from '../../../admin/src/provisioning/tenant-database.js';
import { provisioningServer } from '../test-support/tenant-fixture.js';
import { runMigrations } from './migrate.js';

describe('migration 007 on a tenant with objects from before the meta-model', () => {
  const name = `migrate-007-${randomBytes(3).toString('hex')}`;
  let owner: pg.Client;
  let roles: { app: string; readOnly: string };
  let logins: Awaited<ReturnType<typeof provisionTenantDatabase>>;
  const logger = createLogger('test', { level: 'silent' });

  beforeAll(async () => {
    logins = await provisionTenantDatabase(provisioningServer(), name);
    roles = { app: logins.app.user, readOnly: logins.readOnly.user };
    await runMigrations(logins.owner, roles, logger, { count: 6 });
    owner = new pg.Client(logins.owner);
    await owner.connect();
    await owner.query('SET search_path TO esm');
    await owner.query(`
      INSERT INTO objects (id, type, name, attributes) VALUES
        ('00000000-0000-4000-8000-000000000001', 'ApplicationComponent', 'Ledger',
         '{"archimate:identifier": "id-1", "users": 12, "mixed": "a", "critical": true}'),
        ('00000000-0000-4000-8000-000000000002', 'ApplicationComponent', 'Ledger copy',
         '{"archimate:identifier": "id-2", "users": 3, "mixed": 7}'),
        ('00000000-0000-4000-8000-000000000003', 'DataObject', 'Invoice', '{"archimate:identifier": "id-2"}');
      INSERT INTO relations (type, source_id, target_id) VALUES
        ('Serving', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002');
    `);
    await runMigrations(logins.owner, roles, logger);
  });

  afterAll(async () => {
    await owner.end();
    await dropTenantDatabase(provisioningServer(), name);
  });

  it('adds every type in use to the meta-model beside the default types', async () => {
    const objectTypes = await owner.query('SELECT key FROM object_types ORDER BY sort_order, key');
    expect(objectTypes.rows.map((row) => row.key)).toEqual([
      'organisation_unit', 'process', 'information_object', 'application', 'server', 'network',
      'platform_service', 'partner', 'requirement_set', 'requirement', 'ApplicationComponent', 'DataObject',
    ]);
    const relationTypes = await owner.query("SELECT key FROM relation_types WHERE key = 'Serving'");
    expect(relationTypes.rowCount).toBe(1);
  });

  it('defines each attribute in use by the kind of its values, text when they differ', async () => {
    const result = await owner.query(
      "SELECT key, kind FROM attribute_definitions WHERE object_type = 'ApplicationComponent' ORDER BY key",
    );
    expect(result.rows).toEqual([
      { key: 'critical', kind: 'boolean' },
      { key: 'mixed', kind: 'text' },
      { key: 'users', kind: 'number' },
    ]);
    const copy = await owner.query("SELECT attributes FROM objects WHERE name = 'Ledger copy'");
    expect(copy.rows[0].attributes).toEqual({ users: 3, mixed: '7' });
  });

  it('moves a unique ArchiMate identifier to external_id and drops a shared one', async () => {
    const result = await owner.query('SELECT name, external_id, attributes ? $1 AS kept FROM objects ORDER BY name', [
      'archimate:identifier',
    ]);
    expect(result.rows).toEqual([
      { name: 'Invoice', external_id: null, kept: false },
      { name: 'Ledger', external_id: 'id-1', kept: false },
      { name: 'Ledger copy', external_id: null, kept: false },
    ]);
  });

  it('installs the default classification scale with levels 0 to 4 in four dimensions', async () => {
    const result = await owner.query('SELECT dimension, count(*)::int AS levels FROM classification_levels GROUP BY dimension ORDER BY dimension');
    expect(result.rows).toEqual([
      { dimension: 'availability', levels: 5 },
      { dimension: 'confidentiality', levels: 5 },
      { dimension: 'integrity', levels: 5 },
      { dimension: 'traceability', levels: 5 },
    ]);
  });

  it('lets the app role read but not write template credentials', async () => {
    const app = new pg.Client(logins.app);
    await app.connect();
    try {
      await app.query('SET search_path TO esm');
      await expect(app.query('SELECT credential_hash FROM template_credentials')).resolves.toBeDefined();
      await expect(
        app.query("INSERT INTO template_credentials (importer, credential_hash, expires_at) VALUES ('x', '\\x00', now())"),
      ).rejects.toMatchObject({ code: '42501' });
      await expect(
        app.query("INSERT INTO template_sources (template, origin, credential, expires_at) VALUES ('x', 'y', 'z', now())"),
      ).rejects.toMatchObject({ code: '42501' });
    } finally {
      await app.end();
    }
  });
});
