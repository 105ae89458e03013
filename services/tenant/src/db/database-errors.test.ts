import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { AppError } from '@esm/common';
import { translateDatabaseError } from './database-errors.js';
import { withTransaction, type DatabaseAccess } from './transaction.js';

describe('translateDatabaseError', () => {
  let database: DatabaseAccess;

  beforeAll(() => {
    database = { pool: new pg.Pool({ ...inject('postgres'), database: 'postgres', max: 1 }), readOnlyRole: 'unused' };
  });

  afterAll(async () => database.pool.end());

  async function rejectionOf(statement: string, values: unknown[]): Promise<unknown> {
    return withTransaction(database, { readOnly: false }, (transaction) => transaction.query(statement, values)).catch(
      (error: unknown) => error,
    );
  }

  it.each([
    ['22021', 'a NUL in text', 'SELECT $1::text', ['a\u0000b']],
    ['22P05', 'a NUL escape in JSON', 'SELECT $1::jsonb', ['{"a": "\\u0000"}']],
    ['22003', 'a bigint overflow', 'SELECT $1::bigint', ['9999999999999999999']],
    ['22P02', 'an invalid uuid', 'SELECT $1::uuid', ['not-a-uuid']],
  ])('turns SQLSTATE %s (%s) into REQUEST_INVALID', async (sqlState, _case, statement, values) => {
    const error = await rejectionOf(statement, values);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('REQUEST_INVALID');
    expect((error as AppError).status).toBe(400);
    expect(((error as AppError).cause as { code: string }).code).toBe(sqlState);
  });

  it.each([['40P01'], ['40001']])('turns SQLSTATE %s into a 409 CHANGE_CONCURRENT the client may retry', (sqlState) => {
    const aborted = Object.assign(new Error('deadlock detected'), { code: sqlState });
    const translated = translateDatabaseError(aborted) as AppError;
    expect(translated).toBeInstanceOf(AppError);
    expect(translated.code).toBe('CHANGE_CONCURRENT');
    expect(translated.status).toBe(409);
  });

  it('turns a real deadlock between two transactions into CHANGE_CONCURRENT for one of them', async () => {
    const pool = new pg.Pool({ ...inject('postgres'), database: 'postgres', max: 2 });
    const access: DatabaseAccess = { pool, readOnlyRole: 'unused' };
    const table = `deadlock_${process.pid}_${Date.now()}`;
    await pool.query(`CREATE TABLE ${table} (id int PRIMARY KEY); INSERT INTO ${table} VALUES (1), (2)`);
    try {
      let bothLocked: () => void = () => {};
      let firstLocks = 0;
      const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
      const lockInOrder = (first: number, second: number) =>
        withTransaction(access, { readOnly: false }, async (transaction) => {
          await transaction.query(`SELECT * FROM ${table} WHERE id = $1 FOR UPDATE`, [first]);
          if (++firstLocks === 2) bothLocked();
          await barrier;
          await transaction.query(`SELECT * FROM ${table} WHERE id = $1 FOR UPDATE`, [second]);
        });
      const results = await Promise.allSettled([lockInOrder(1, 2), lockInOrder(2, 1)]);
      const rejected = results.filter((result) => result.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(((rejected[0] as PromiseRejectedResult).reason as AppError).code).toBe('CHANGE_CONCURRENT');
    } finally {
      await pool.query(`DROP TABLE ${table}`);
      await pool.end();
    }
  });

  it('turns a statement stopped by statement_timeout into 503 REQUEST_TIMED_OUT', async () => {
    const error = await withTransaction(database, { readOnly: false }, async (transaction) => {
      await transaction.query("SET LOCAL statement_timeout = '50ms'");
      await transaction.query('SELECT pg_sleep(1)');
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('REQUEST_TIMED_OUT');
    expect((error as AppError).status).toBe(503);
  });

  it('leaves an error outside class 22 unchanged', () => {
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(translateDatabaseError(syntax)).toBe(syntax);
  });
});
