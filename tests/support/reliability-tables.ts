import pg from 'pg';

/** A checksum per table: the row count and an MD5 over the text of every row, independent of row order. */
export type TableChecksums = Record<string, string>;

/**
 * Lists the base tables of a schema, so that tables added by later
 * migrations are covered without changing the test.
 */
export async function listTables(pool: pg.Pool, schema = 'esm'): Promise<string[]> {
  const result = await pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema],
  );
  return result.rows.map((row) => row.name);
}

/** Computes the checksum of every table in one statement. The pool's login must be able to read every table. */
export async function checksumTables(pool: pg.Pool, tables: string[], schema = 'esm'): Promise<TableChecksums> {
  const parts = tables.map(
    (table) =>
      `SELECT ${pg.escapeLiteral(table)} AS name,
              count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') AS checksum
       FROM ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)} t`,
  );
  const result = await pool.query<{ name: string; checksum: string }>(parts.join(' UNION ALL '));
  return Object.fromEntries(result.rows.map((row) => [row.name, row.checksum]));
}

/** Names the tables whose checksum differs between two snapshots. */
export function changedTables(before: TableChecksums, after: TableChecksums): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
