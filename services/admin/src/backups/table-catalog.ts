import pg from 'pg';

/** One table of a tenant's schema as the backup sees it. */
export interface TableInfo {
  name: string;
  /** Stored columns in their table order; generated columns are left out because COPY FROM cannot fill them. */
  columns: string[];
  /** The primary key columns, or every column when there is none, so a dump has the same row order each time. */
  orderBy: string[];
}

/** Anything that runs queries: a client inside the backup's or restore's transaction. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * Reads the tables of `schema` from the catalog and returns them in
 * dependency order: a table comes after every table its foreign keys
 * reference. Tables inside a reference cycle follow in name order.
 */
export async function listTablesInDependencyOrder(client: Queryable, schema: string): Promise<TableInfo[]> {
  const tables = await client.query<{ name: string; columns: string[]; key: string[] | null }>(
    `SELECT c.relname AS name,
            array(SELECT a.attname::text FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                   ORDER BY a.attnum) AS columns,
            (SELECT array_agg(a.attname::text ORDER BY array_position(i.indkey::int2[], a.attnum))
               FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
              WHERE i.indrelid = c.oid AND i.indisprimary) AS key
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
    [schema],
  );
  const references = await client.query<{ child: string; parent: string }>(
    `SELECT child.relname AS child, parent.relname AS parent
       FROM pg_constraint f
       JOIN pg_class child ON child.oid = f.conrelid
       JOIN pg_class parent ON parent.oid = f.confrelid
       JOIN pg_namespace n ON n.oid = child.relnamespace AND n.oid = parent.relnamespace
      WHERE f.contype = 'f' AND n.nspname = $1 AND child.oid <> parent.oid`,
    [schema],
  );
  const infos = tables.rows.map((row) => ({ name: row.name, columns: row.columns, orderBy: row.key ?? row.columns }));
  return sortByDependencies(infos, references.rows);
}

/**
 * Orders tables so that referenced tables come first (Kahn's algorithm).
 * Written here because it is a dozen lines over the catalog rows and must
 * also place tables in a cycle, which generic sorting packages reject.
 */
export function sortByDependencies<T extends { name: string }>(tables: T[], references: { child: string; parent: string }[]): T[] {
  const pending = new Map(tables.map((table) => [table.name, new Set<string>()]));
  for (const { child, parent } of references) {
    if (pending.has(parent)) pending.get(child)?.add(parent);
  }
  const byName = new Map(tables.map((table) => [table.name, table]));
  const ordered: T[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter(([, parents]) => parents.size === 0).map(([name]) => name);
    // A cycle leaves no table ready; take the first by name and go on.
    const next = ready.length > 0 ? ready : [[...pending.keys()].sort()[0]!];
    for (const name of next.sort()) {
      pending.delete(name);
      ordered.push(byName.get(name)!);
      for (const parents of pending.values()) parents.delete(name);
    }
  }
  return ordered;
}

/** Quotes a table of `schema` for SQL. */
export function qualifiedName(schema: string, table: string): string {
  return `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
}

/** The query whose CSV output is a table's backup file; restore runs it again to compare checksums. */
export function dumpQuery(schema: string, table: TableInfo): string {
  const columns = table.columns.map((column) => pg.escapeIdentifier(column)).join(', ');
  const order = table.orderBy.map((column) => pg.escapeIdentifier(column)).join(', ');
  return `COPY (SELECT ${columns} FROM ${qualifiedName(schema, table.name)} ORDER BY ${order}) TO STDOUT (FORMAT csv)`;
}

/**
 * Session settings that make CSV output of dates, times, intervals, floats
 * and bytea the same on every connection, so that a restored table dumps to
 * the same bytes as its backup file and the SHA-256 can be compared.
 */
export const STABLE_OUTPUT_SETTINGS = [
  "SET TimeZone = 'UTC'",
  "SET DateStyle = 'ISO, YMD'",
  "SET IntervalStyle = 'iso_8601'",
  'SET extra_float_digits = 1',
  "SET bytea_output = 'hex'",
];
