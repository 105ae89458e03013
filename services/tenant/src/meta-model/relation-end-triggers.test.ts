import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@esm/common';
import { createTestTenant, type TestTenant } from '../test-support/tenant-fixture.js';
import { withTransaction, type DatabaseAccess } from '../db/transaction.js';

describe('relation end triggers', () => {
  let tenant: TestTenant;
  let app: pg.Pool;
  let database: DatabaseAccess;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    tenant = await createTestTenant('triggers');
    app = new pg.Pool({ ...tenant.secret.database.app, max: 2 });
    database = { pool: app, readOnlyRole: tenant.secret.database.readOnly.user };
    const objects: [string, string][] = [['information', 'information_object'], ['application', 'application'], ['process', 'process'], ['partner', 'partner']];
    for (const [name, type] of objects) {
      const result = await tenant.admin.query<{ id: string }>('INSERT INTO esm.objects (type, name) VALUES ($1, $2) RETURNING id', [type, name]);
      ids[name] = result.rows[0]!.id;
    }
  });

  afterAll(async () => {
    await app.end();
    await tenant.close();
  });

  async function relationCount(): Promise<number> {
    const result = await tenant.admin.query<{ count: number }>('SELECT count(*)::int AS count FROM esm.relations');
    return result.rows[0]!.count;
  }

  async function failureOf(statement: string, values: unknown[]): Promise<{ code?: string; detail?: string }> {
    return app.query(statement, values).then(
      () => ({}),
      (error: { code?: string; detail?: string }) => error,
    );
  }

  it('accept an allowed relation inserted by the app role', async () => {
    await app.query("INSERT INTO relations (type, source_id, target_id) VALUES ('handled_in', $1, $2)", [ids.information, ids.application]);
    expect(await relationCount()).toBe(1);
  });

  it('reject a disallowed relation inserted by the app role with SQLSTATE ES001', async () => {
    const before = await relationCount();
    const error = await failureOf("INSERT INTO relations (type, source_id, target_id) VALUES ('handled_in', $1, $2)", [ids.application, ids.information]);
    expect(error.code).toBe('ES001');
    expect(JSON.parse(error.detail!)).toMatchObject({ type: 'handled_in', sourceType: 'application', targetType: 'information_object' });
    expect(await relationCount()).toBe(before);
  });

  it('reject a bulk insert when one row breaks the rule, inserting none', async () => {
    const before = await relationCount();
    const error = await failureOf(
      `INSERT INTO relations (type, source_id, target_id)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[])`,
      [['handled_in', 'shared_with'], [ids.information, ids.information], [ids.application, ids.process]],
    );
    expect(error.code).toBe('ES001');
    expect(await relationCount()).toBe(before);
  });

  it('reject changing a relation to ends its type does not allow', async () => {
    const error = await failureOf("UPDATE relations SET target_id = $1 WHERE type = 'handled_in'", [ids.partner]);
    expect(error.code).toBe('ES001');
    const stored = await tenant.admin.query("SELECT target_id FROM esm.relations WHERE type = 'handled_in'");
    expect(stored.rows).toEqual([{ target_id: ids.application }]);
  });

  it('reject changing an object type that a relation does not allow', async () => {
    const error = await failureOf("UPDATE objects SET type = 'process' WHERE id = $1", [ids.application]);
    expect(error.code).toBe('ES001');
    const stored = await tenant.admin.query('SELECT type FROM esm.objects WHERE id = $1', [ids.application]);
    expect(stored.rows).toEqual([{ type: 'application' }]);
  });

  it('accept changing an object type that every relation allows', async () => {
    await app.query("UPDATE objects SET type = 'platform_service' WHERE id = $1", [ids.application]);
    await app.query("UPDATE objects SET type = 'application' WHERE id = $1", [ids.application]);
  });

  it('reject narrowing the allowed ends of a relation type in use', async () => {
    const error = await failureOf("UPDATE relation_types SET target_types = '{platform_service}' WHERE key = 'handled_in'", []);
    expect(error.code).toBe('ES001');
    const stored = await tenant.admin.query("SELECT target_types FROM esm.relation_types WHERE key = 'handled_in'");
    expect(stored.rows).toEqual([{ target_types: ['application', 'platform_service'] }]);
  });

  it('become 422 RELATION_NOT_ALLOWED in a request transaction', async () => {
    const error = await withTransaction(database, { readOnly: false }, (transaction) =>
      transaction.query("INSERT INTO relations (type, source_id, target_id) VALUES ('runs_on', $1, $2)", [ids.process, ids.partner]),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(422);
    expect((error as AppError).code).toBe('RELATION_NOT_ALLOWED');
    expect((error as AppError).userMessage('en')).toContain('runs_on');
    expect((error as AppError).userMessage('en')).toContain('process');
  });
});
