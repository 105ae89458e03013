import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { MODEL_ERRORS } from '../errors.js';
import { decodePageCursor, encodePageCursor, type CursorKeyFormat, type PageCursor } from '../page-cursor.js';
import type { ObjectTypeRole } from '../../meta-model/meta-model.js';
import { OBJECT_COLUMNS, toObjectView, type ObjectView } from './object-view.js';
import { buildSearchQuery } from './search-query.js';

/** The orders a list can take; a leading minus means descending. The id breaks ties in each. */
export const OBJECT_SORTS = ['name', '-name', 'updatedAt', '-updatedAt', 'type'] as const;
export type ObjectSort = (typeof OBJECT_SORTS)[number];

/** The prefix of the query parameters that filter on attributes: `attribute.<key>`, `attribute.<key>.min`, `attribute.<key>.max`. */
export const ATTRIBUTE_FILTER_PREFIX = 'attribute.';

/** One attribute filter as the query string gives it. */
export interface AttributeFilterParameter {
  /** The parameter name after `attribute.`, such as `owner` or `user_count.min`. */
  name: string;
  value: string;
}

export interface ObjectListQuery {
  type?: string;
  /** Words to find in names and descriptions. */
  q?: string;
  attributeFilters: AttributeFilterParameter[];
  /** Leaves out the objects whose type has one of these roles. */
  excludeRoles?: ObjectTypeRole[];
  sort: ObjectSort;
  limit: number;
  /** The `next` value of the previous page. */
  after?: string;
}

interface SortSpec {
  /** Sort columns before the id, each with the SQL that writes its cursor key. */
  columns: { column: string; cursorKey: string; fromCursor: (parameter: string) => string }[];
  descending: boolean;
  keyFormats: CursorKeyFormat[];
}

// updated_at goes into the cursor as whole microseconds since 1970, because
// a JavaScript Date would drop the microseconds PostgreSQL stores and the
// cursor would then skip or repeat rows.
const NAME = { column: 'name', cursorKey: 'name', fromCursor: (parameter: string) => `${parameter}::text` };
const TYPE = { column: 'type', cursorKey: 'type', fromCursor: (parameter: string) => `${parameter}::text` };
const UPDATED_AT = {
  column: 'updated_at',
  cursorKey: "(extract(epoch FROM updated_at) * 1000000)::bigint::text",
  fromCursor: (parameter: string) => `('epoch'::timestamptz + ${parameter}::bigint * interval '1 microsecond')`,
};

// Each order matches an index of migrations 001 and 007 (objects_name_id,
// objects_type_name_id, objects_updated_at_id, objects_type_updated_at_id),
// so a page is read in index order and stops after `limit` rows.
const SORTS: Record<ObjectSort, SortSpec> = {
  name: { columns: [NAME], descending: false, keyFormats: ['text'] },
  '-name': { columns: [NAME], descending: true, keyFormats: ['text'] },
  updatedAt: { columns: [UPDATED_AT], descending: false, keyFormats: ['integer'] },
  '-updatedAt': { columns: [UPDATED_AT], descending: true, keyFormats: ['integer'] },
  type: { columns: [TYPE, NAME], descending: false, keyFormats: ['text', 'text'] },
};

/** Collects the values of a statement and returns their `$n` placeholders. */
class StatementParameters {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Lists one page of objects that match every filter, in the requested order,
 * starting after the cursor's row. The cursor names the last row by its sort
 * keys and id rather than by an offset, so rows inserted or deleted before it
 * meanwhile neither repeat nor skip rows on the next page.
 */
export async function listObjects(transaction: Transaction, query: ObjectListQuery): Promise<ObjectPage> {
  const sort = SORTS[query.sort];
  const cursor = query.after === undefined ? undefined : decodePageCursor(query.after, query.sort, sort.keyFormats);
  const parameters = new StatementParameters();
  const conditions: string[] = [];
  if (query.type !== undefined) conditions.push(`type = ${parameters.add(query.type)}`);
  if (query.excludeRoles !== undefined && query.excludeRoles.length > 0) {
    // ARRAY(...) is computed once per statement, so each row is tested against a short list of type keys.
    conditions.push(`type <> ALL (ARRAY(SELECT key FROM object_types WHERE role = ANY(${parameters.add(query.excludeRoles)}::text[])))`);
  }
  for (const filter of await resolveAttributeFilters(transaction, query.type, query.attributeFilters)) {
    conditions.push(filterCondition(filter, parameters));
  }
  if (cursor) conditions.push(cursorCondition(sort, cursor, parameters));
  const page = { sort: query.sort, limit: query.limit, conditions, parameters };

  if (query.q === undefined) return readPage(transaction, 'objects', page);
  const search = buildSearchQuery(query.q, parameters);
  // A query with no words in it (only punctuation, say) matches nothing rather than everything.
  if (search === null) return { objects: [], next: null };

  // PostgreSQL estimates every search at the same share of the rows (0.5%),
  // because the tsquery is computed while the statement runs, so for a rare
  // word it would walk the sort index and test every row of the table. The
  // count of matches decides instead: a few are read through the search
  // index and sorted, many are found early in sort order. Sequential scans
  // are off for both statements, so the count and the subquery use the
  // search index. A rollback undoes the setting as well.
  await transaction.query('SET LOCAL enable_seqscan = off');
  let result: ObjectPage;
  if (await hasFewMatches(transaction, query.q)) {
    // OFFSET 0 keeps PostgreSQL from merging the subquery into the outer query.
    result = await readPage(transaction, `(SELECT ${OBJECT_COLUMNS} FROM objects WHERE search_vector @@ ${search} OFFSET 0) AS objects`, page);
  } else {
    result = await readPage(transaction, 'objects', { ...page, conditions: [...conditions, `search_vector @@ ${search}`] });
  }
  await transaction.query('RESET enable_seqscan');
  return result;
}

/** One page of a list and the cursor of the next, or null on the last page. */
export interface ObjectPage {
  objects: ObjectView[];
  next: string | null;
}

function cursorCondition(sort: SortSpec, cursor: PageCursor, parameters: StatementParameters): string {
  const sortColumns = [...sort.columns.map((column) => column.column), 'id'];
  const cursorValues = sort.columns.map((column, index) => column.fromCursor(parameters.add(cursor.keys[index])));
  cursorValues.push(`${parameters.add(cursor.id)}::uuid`);
  return `(${sortColumns.join(', ')}) ${sort.descending ? '<' : '>'} (${cursorValues.join(', ')})`;
}

/** Reads `limit` rows of `source` in sort order, plus one to learn whether another page follows. */
async function readPage(
  transaction: Transaction,
  source: string,
  page: { sort: ObjectSort; limit: number; conditions: string[]; parameters: StatementParameters },
): Promise<ObjectPage> {
  const sort = SORTS[page.sort];
  const direction = sort.descending ? 'DESC' : 'ASC';
  const orderBy = [...sort.columns.map((column) => column.column), 'id'].map((column) => `${column} ${direction}`);
  const cursorKeys = sort.columns.map((column, index) => `${column.cursorKey} AS cursor_key_${index}`);
  const result = await transaction.query(
    `SELECT ${OBJECT_COLUMNS}, ${cursorKeys.join(', ')} FROM ${source}
     ${page.conditions.length > 0 ? `WHERE ${page.conditions.join(' AND ')}` : ''}
     ORDER BY ${orderBy.join(', ')}
     LIMIT ${page.parameters.add(page.limit + 1)}`,
    page.parameters.values,
  );

  const rows = result.rows.slice(0, page.limit);
  const last = rows.at(-1);
  const next =
    result.rows.length > page.limit && last
      ? encodePageCursor({ sort: page.sort, keys: sort.columns.map((_column, index) => last[`cursor_key_${index}`] as string), id: last.id as string })
      : null;
  return { objects: rows.map(toObjectView), next };
}

/** Most search matches that a list reads through the search index and sorts, instead of reading the list in sort order. */
const MAX_MATCHES_TO_SORT = 1000;

/** Tells whether the search matches at most MAX_MATCHES_TO_SORT objects; the count stops there. */
async function hasFewMatches(transaction: Transaction, q: string): Promise<boolean> {
  // A statement of its own, with only the search words as parameters.
  const parameters = new StatementParameters();
  const search = buildSearchQuery(q, parameters);
  const result = await transaction.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM (SELECT 1 FROM objects WHERE search_vector @@ ${search} LIMIT ${MAX_MATCHES_TO_SORT + 1}) AS matches`,
    parameters.values,
  );
  return result.rows[0]!.count <= MAX_MATCHES_TO_SORT;
}

/** An attribute filter with the values it may match, one per kind the attribute has. */
interface ResolvedFilter {
  key: string;
  /** Exact values: the object matches when its attribute equals any of them. */
  equals?: (string | number | boolean)[];
  /** Range bounds, each usable for number or date attributes. */
  min?: RangeBound[];
  max?: RangeBound[];
}

/** A range bound read as a number (for number attributes) or as a YYYY-MM-DD string (for dates). */
type RangeBound = number | string;

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Turns `attribute.*` parameters into filters, reading the kind of each key
 * from the meta-model: of the filtered type when there is one, else of every
 * type with that key. A key may itself end in `.min` or `.max`; a parameter
 * that names a defined key as a whole is an equality filter on it.
 */
async function resolveAttributeFilters(
  transaction: Transaction,
  type: string | undefined,
  parameters: AttributeFilterParameter[],
): Promise<ResolvedFilter[]> {
  if (parameters.length === 0) return [];
  const candidateKeys = parameters.flatMap(({ name }) => [name, name.replace(/\.(min|max)$/, '')]);
  const definitions = await transaction.query<{ key: string; kind: string }>(
    'SELECT DISTINCT key, kind FROM attribute_definitions WHERE key = ANY($1::text[]) AND ($2::text IS NULL OR object_type = $2)',
    [candidateKeys, type ?? null],
  );
  const kindsByKey = new Map<string, Set<string>>();
  for (const row of definitions.rows) kindsByKey.set(row.key, (kindsByKey.get(row.key) ?? new Set()).add(row.kind));

  const filters = new Map<string, ResolvedFilter>();
  for (const { name, value } of parameters) {
    const bound = kindsByKey.has(name) ? null : /^(.*)\.(min|max)$/.exec(name);
    const key = bound ? bound[1]! : name;
    const kinds = kindsByKey.get(key);
    if (!kinds) throw new AppError(MODEL_ERRORS.objectFilterAttributeUnknown, { values: { attribute: key } });

    const filter = filters.get(key) ?? { key };
    filters.set(key, filter);
    const parameterName = `${ATTRIBUTE_FILTER_PREFIX}${name}`;
    if (bound) filter[bound[2] as 'min' | 'max'] = rangeBounds(parameterName, value, kinds);
    else filter.equals = exactValues(parameterName, value, kinds);
  }
  return [...filters.values()];
}

/** Reads a filter value as each kind of the attribute can hold it; throws when none can. */
function exactValues(parameterName: string, value: string, kinds: Set<string>): (string | number | boolean)[] {
  const values: (string | number | boolean)[] = [];
  if (['text', 'long_text', 'choice', 'reference', 'date'].some((kind) => kinds.has(kind))) values.push(value);
  const number = parseNumber(value);
  if (kinds.has('number') && number !== null) values.push(number);
  if (kinds.has('boolean') && (value === 'true' || value === 'false')) values.push(value === 'true');
  if (values.length === 0) throw new AppError(MODEL_ERRORS.objectFilterValueInvalid, { values: { filter: parameterName } });
  return values;
}

function rangeBounds(parameterName: string, value: string, kinds: Set<string>): RangeBound[] {
  const bounds: RangeBound[] = [];
  const number = parseNumber(value);
  if (kinds.has('number') && number !== null) bounds.push(number);
  if (kinds.has('date') && DATE_PATTERN.test(value)) bounds.push(value);
  if (bounds.length === 0) throw new AppError(MODEL_ERRORS.objectFilterValueInvalid, { values: { filter: parameterName } });
  return bounds;
}

function parseNumber(value: string): number | null {
  if (value.trim() === '') return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/**
 * Builds the SQL condition of one filter. Equality uses jsonb containment,
 * which the objects_attributes GIN index serves. A range is a JSON path
 * comparison, which is false for a value of another JSON type, so a text
 * attribute of the same key on another type never makes the query fail.
 */
function filterCondition(filter: ResolvedFilter, parameters: StatementParameters): string {
  const parts: string[] = [];
  if (filter.equals) {
    const alternatives = filter.equals.map((value) => `attributes @> ${parameters.add(JSON.stringify({ [filter.key]: value }))}::jsonb`);
    parts.push(`(${alternatives.join(' OR ')})`);
  }
  if (filter.min || filter.max) {
    const key = parameters.add(filter.key);
    // A number bound compares only with numbers and a date bound only with
    // strings, so each pairing of bounds of one JSON type is one alternative.
    const alternatives: string[] = [];
    for (const jsonType of ['number', 'string'] as const) {
      const min = filter.min?.find((bound) => typeof bound === jsonType);
      const max = filter.max?.find((bound) => typeof bound === jsonType);
      if ((filter.min && min === undefined) || (filter.max && max === undefined)) continue;
      const tests = [min !== undefined ? '@ >= $min' : null, max !== undefined ? '@ <= $max' : null].filter(Boolean).join(' && ');
      const variables = parameters.add(JSON.stringify({ min: min ?? null, max: max ?? null }));
      alternatives.push(`jsonb_path_exists(attributes -> ${key}, '$ ? (${tests})', ${variables}::jsonb)`);
    }
    if (alternatives.length === 0) throw new AppError(MODEL_ERRORS.objectFilterValueInvalid, { values: { filter: `${ATTRIBUTE_FILTER_PREFIX}${filter.key}` } });
    parts.push(`(${alternatives.join(' OR ')})`);
  }
  return parts.join(' AND ');
}
