import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@esm/common';
import { createTestTenant, type TestTenant } from '../test-support/tenant-fixture.js';
import { createAppPool, STATEMENT_TIMEOUT_MS } from './pool.js';
import { withTransaction, type DatabaseAccess } from './transaction.js';

describe('a transaction whose connection drops', () => {
  let tenant: TestTenant;
  let pool: pg.Pool;
  let database: DatabaseAccess;

  beforeAll(async () => {
    tenant = await createTestTenant('transaction');
    pool = createAppPool(tenant.secret.database.app, createLogger('transaction-test', { level: 'silent' }));
    database = { pool, readOnlyRole: tenant.secret.database.readOnly.user };
  });

  afterAll(async () => {
    await pool.end();
    await tenant.close();
  });

  async function terminateBackend(pid: number): Promise<void> {
    await tenant.admin.query('SELECT pg_terminate_backend($1)', [pid]);
  }

  it('runs statements under the pool statement timeout', async () => {
    const result = await pool.query<{ timeout: number }>(
      "SELECT setting::int AS timeout FROM pg_settings WHERE name = 'statement_timeout'",
    );
    expect(result.rows[0]!.timeout).toBe(STATEMENT_TIMEOUT_MS);
  });

  it('fails with SERVICE_UNAVAILABLE when the connection drops between statements', async () => {
    const attempt = withTransaction(database, { readOnly: false }, async (transaction) => {
      const { rows } = await transaction.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await terminateBackend(rows[0]!.pid);
      // Lets the client see the end of its connection while no statement runs, when pg emits 'error' on it.
      await sleep(200);
      await transaction.query('SELECT 1');
    });

    await expect(attempt).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('fails with SERVICE_UNAVAILABLE when the connection drops during a statement', async () => {
    const attempt = withTransaction(database, { readOnly: false }, async (transaction) => {
      const { rows } = await transaction.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const sleeping = transaction.query('SELECT pg_sleep(10)');
      // The statement can fail before the termination query returns, while nothing awaits it yet;
      // this handler keeps that from counting as an unhandled rejection, and `await sleeping` still throws.
      sleeping.catch(() => undefined);
      await sleep(100);
      await terminateBackend(rows[0]!.pid);
      await sleeping;
    });

    await expect(attempt).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('runs the next transaction on a new connection', async () => {
    const result = await withTransaction(database, { readOnly: true }, async (transaction) => (await transaction.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one);

    expect(result).toBe(1);
  });
});

describe('a transaction with rollBack', () => {
  let tenant: TestTenant;
  let pool: pg.Pool;
  let database: DatabaseAccess;

  beforeAll(async () => {
    tenant = await createTestTenant('transaction-roll-back');
    pool = createAppPool(tenant.secret.database.app, createLogger('transaction-test', { level: 'silent' }));
    database = { pool, readOnlyRole: tenant.secret.database.readOnly.user };
  });

  afterAll(async () => {
    await pool.end();
    await tenant.close();
  });

  const countObjects = async () => (await tenant.admin.query<{ count: number }>('SELECT count(*)::int AS count FROM esm.objects')).rows[0]!.count;

  it('returns the result and keeps no write', async () => {
    const before = await countObjects();

    const inserted = await withTransaction(database, { readOnly: false, rollBack: true }, async (transaction) => {
      await transaction.query("INSERT INTO objects (type, name) VALUES ('process', 'Rolled back')");
      return (await transaction.query<{ count: number }>('SELECT count(*)::int AS count FROM objects')).rows[0]!.count;
    });

    expect(inserted).toBe(before + 1);
    expect(await countObjects()).toBe(before);
  });

  it('commits without rollBack', async () => {
    const before = await countObjects();

    await withTransaction(database, { readOnly: false }, (transaction) => transaction.query("INSERT INTO objects (type, name) VALUES ('process', 'Committed')"));

    expect(await countObjects()).toBe(before + 1);
  });
});
