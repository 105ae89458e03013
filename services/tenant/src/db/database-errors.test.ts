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

  it('leaves an error outside class 22 unchanged', () => {
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(translateDatabaseError(syntax)).toBe(syntax);
  });
});
