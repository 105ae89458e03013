import { randomUUID } from 'node:crypto';
import { AppError, fieldMessage, type Locale } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { checkObjectInput, loadMetaModel } from '../../meta-model/validate.js';
import type { Attributes } from '../../model/schemas.js';
import { EXCHANGE_ERRORS, EXCHANGE_PROBLEMS, type Problem } from '../errors.js';
import { readClassificationScale } from '../scale.js';
import { mapColumns } from './columns.js';
import type { CsvEncoding } from './decode.js';
import { nameKey, readObjectIndex, type ObjectIndex } from './object-index.js';
import type { CsvSeparator, CsvTable } from './parse.js';
import { rowsInvalidError, type RowProblem } from './problems.js';
import { readRow, type RowInput } from './read-rows.js';
import { foldName } from './values.js';

/** A level that an import sets by hand on an object. */
export interface PlannedLevel {
  dimension: string;
  level: number;
  justification: string;
}

/** The action of the import on one row, with the values the object gets. */
export interface PlannedRow {
  line: number;
  action: 'create' | 'update' | 'unchanged';
  objectId: string;
  type: string;
  name: string;
  description: string;
  externalId: string | null;
  attributes: Attributes;
  levels: PlannedLevel[];
  /** The fields an update changes: `name`, `description`, `externalId`, `attributes.<key>`, `levels.<dimension>`. */
  changes: string[];
}

/** Everything a CSV import will do, found before anything is written. */
export interface CsvImportPlan {
  encoding: CsvEncoding;
  separator: CsvSeparator;
  /** The language of the header row, or null when it does not tell. */
  language: Locale | null;
  rows: PlannedRow[];
  /** Likely duplicates, reported but not stopping the import. */
  warnings: RowProblem[];
}

/** The justification of levels that a row sets without a justification cell. */
export const DEFAULT_JUSTIFICATION: Record<Locale, string> = {
  sv: 'Nivån sattes av en CSV-import utan motivering.',
  en: 'The level was set by a CSV import without a justification.',
};

interface ExistingObject {
  id: string;
  name: string;
  description: string;
  externalId: string | null;
  attributes: Attributes;
  assigned: Map<string, { level: number; justification: string }>;
  effective: Map<string, number>;
}

/**
 * Plans a CSV import row by row without writing. The plan says which rows
 * create an object and which update one, with the values each object gets,
 * and lists the likely duplicates. Every row is checked, and
 * CSV_ROWS_INVALID lists every problem. A row matches an existing object by external
 * id first, then by its name within the type, ignoring case; a name match
 * skips objects whose external id differs from the row's.
 */
export async function planCsvImport(
  transaction: Transaction,
  table: CsvTable,
  options: { type?: string; encoding: CsvEncoding; locale: Locale },
): Promise<CsvImportPlan> {
  const metaModel = await loadMetaModel(transaction);
  const scale = await readClassificationScale(transaction);
  const { map, problems: headerProblems } = mapColumns(table.header, metaModel, scale, options.locale);
  const malformed = table.malformed ? [table.malformed] : [];
  if (headerProblems.length > 0) throw rowsInvalidError([...headerProblems, ...malformed], options.locale);

  const defaultType = options.type === undefined ? undefined : metaModel.objectTypes.find((type) => type.key === options.type);
  if (options.type !== undefined && !defaultType) {
    const problem = { code: EXCHANGE_PROBLEMS.csvTypeUnknown, values: { type: options.type } };
    throw rowsInvalidError([{ line: table.header.line, column: null, problem }], options.locale);
  }
  if (!defaultType && !map.columns.some((column) => column.target.kind === 'type')) throw new AppError(EXCHANGE_ERRORS.csvTypeMissing);

  const index = await readObjectIndex(transaction);
  const problems: RowProblem[] = [...malformed];
  const inputs: RowInput[] = [];
  const context = { columns: map.columns, headerWidth: table.header.cells.length, metaModel, scale, index, defaultType };
  for (const record of table.rows) {
    const { input, problems: rowProblems } = readRow(record, context);
    problems.push(...rowProblems);
    if (input) inputs.push(input);
  }

  const matches = matchRows(inputs, index, problems);
  const existing = await readExistingObjects(transaction, [...new Set(matches.values())]);
  const justificationLanguage = map.language ?? options.locale;
  const rows: PlannedRow[] = [];
  for (const input of inputs) {
    const matched = matches.get(input);
    const row = await planRow(transaction, input, matched ? existing.get(matched)! : null, DEFAULT_JUSTIFICATION[justificationLanguage], problems, options.locale);
    if (row) rows.push(row);
  }

  if (problems.length > 0) throw rowsInvalidError(problems, options.locale);
  return { encoding: options.encoding, separator: table.separator, language: map.language, rows, warnings: findLikelyDuplicates(rows, index) };
}

/** Matches rows to existing objects, reporting ambiguous names and rows that match the same object. */
function matchRows(inputs: readonly RowInput[], index: ObjectIndex, problems: RowProblem[]): Map<RowInput, string> {
  const matches = new Map<RowInput, string>();
  const claimedBy = new Map<string, number>();
  const claim = (input: RowInput, key: string, column: string | null) => {
    const otherLine = claimedBy.get(key);
    if (otherLine !== undefined) {
      problems.push({ line: input.line, column, problem: { code: EXCHANGE_PROBLEMS.csvRowsMatchSameObject, values: { otherLine } } });
      return false;
    }
    claimedBy.set(key, input.line);
    return true;
  };

  for (const input of inputs) {
    const byExternalId = input.externalId === null ? undefined : index.byExternalId.get(input.externalId);
    if (byExternalId) {
      if (byExternalId.type !== input.type.key) {
        const values = { externalId: input.externalId!, type: byExternalId.type };
        problems.push({ line: input.line, column: null, problem: { code: EXCHANGE_PROBLEMS.csvExternalIdOtherType, values } });
      } else if (claim(input, `object:${byExternalId.id}`, null)) {
        matches.set(input, byExternalId.id);
      }
      continue;
    }

    const sameName = (index.byTypeAndName.get(input.type.key)?.get(nameKey(input.name)) ?? []).filter(
      (object) => input.externalId === null || object.externalId === null || object.externalId === input.externalId,
    );
    if (sameName.length > 1) {
      const values = { count: sameName.length, name: input.name };
      problems.push({ line: input.line, column: null, problem: { code: EXCHANGE_PROBLEMS.csvNameAmbiguous, values } });
    } else if (sameName.length === 1) {
      if (claim(input, `object:${sameName[0]!.id}`, null)) matches.set(input, sameName[0]!.id);
    } else if (input.externalId !== null) {
      claim(input, `external:${input.externalId}`, null);
    }
  }
  return matches;
}

async function readExistingObjects(transaction: Transaction, ids: string[]): Promise<Map<string, ExistingObject>> {
  const objects = new Map<string, ExistingObject>();
  if (ids.length === 0) return objects;
  // Locked, so no other writer changes the rows between this plan and the import's writes.
  const rows = await transaction.query(
    'SELECT id, name, description, external_id, attributes FROM objects WHERE id = ANY($1::uuid[]) FOR UPDATE',
    [ids],
  );
  for (const row of rows.rows) {
    objects.set(row.id as string, {
      id: row.id as string,
      name: row.name as string,
      description: row.description as string,
      externalId: row.external_id as string | null,
      attributes: row.attributes as Attributes,
      assigned: new Map(),
      effective: new Map(),
    });
  }
  const assigned = await transaction.query(
    'SELECT object_id, dimension, level, justification FROM classification_assignments WHERE object_id = ANY($1::uuid[])',
    [ids],
  );
  for (const row of assigned.rows) {
    objects.get(row.object_id as string)!.assigned.set(row.dimension as string, { level: row.level as number, justification: row.justification as string });
  }
  const effective = await transaction.query('SELECT object_id, dimension, level FROM effective_levels WHERE object_id = ANY($1::uuid[])', [ids]);
  for (const row of effective.rows) objects.get(row.object_id as string)!.effective.set(row.dimension as string, row.level as number);
  return objects;
}

/** Builds the planned row of an input and checks its attributes with checkObjectInput; problems go to `problems`. */
async function planRow(
  transaction: Transaction,
  input: RowInput,
  existing: ExistingObject | null,
  defaultJustification: string,
  problems: RowProblem[],
  locale: Locale,
): Promise<PlannedRow | null> {
  const attributes: Attributes = existing ? { ...existing.attributes } : {};
  for (const [key, value] of input.attributes) {
    if (value === null) delete attributes[key];
    else attributes[key] = value;
  }

  const changes: string[] = [];
  if (existing) {
    if (existing.name !== input.name) changes.push('name');
    if (input.description !== undefined && existing.description !== input.description) changes.push('description');
    if (input.externalId !== null && existing.externalId !== input.externalId) changes.push('externalId');
    for (const key of new Set([...Object.keys(existing.attributes), ...Object.keys(attributes)])) {
      if (existing.attributes[key] !== attributes[key]) changes.push(`attributes.${key}`);
    }
  }

  const levels = plannedLevels(input, existing, defaultJustification);
  if (existing) changes.push(...levels.map((level) => `levels.${level.dimension}`));

  const attributesChanged = !existing || changes.some((change) => change.startsWith('attributes.'));
  if (attributesChanged && !(await checkAttributes(transaction, input, attributes, problems, locale))) return null;

  let action: PlannedRow['action'] = 'create';
  if (existing) action = changes.length > 0 ? 'update' : 'unchanged';
  return {
    line: input.line,
    action,
    objectId: existing?.id ?? randomUUID(),
    type: input.type.key,
    name: input.name,
    description: input.description ?? existing?.description ?? '',
    externalId: input.externalId ?? existing?.externalId ?? null,
    attributes,
    levels,
    changes,
  };
}

/**
 * Returns the levels a row sets. A level equal to the object's effective
 * level changes nothing, so re-importing an export (which lists effective
 * levels, inherited ones included) adds no overrides. A justification cell
 * that differs from the stored one is written even when the level stays.
 */
function plannedLevels(input: RowInput, existing: ExistingObject | null, defaultJustification: string): PlannedLevel[] {
  const levels: PlannedLevel[] = [];
  for (const [dimension, level] of input.levels) {
    const assigned = existing?.assigned.get(dimension);
    const justification = input.justification ?? assigned?.justification ?? defaultJustification;
    const unchanged = assigned
      ? assigned.level === level && assigned.justification === justification
      : existing?.effective.get(dimension) === level;
    if (!unchanged) levels.push({ dimension, level, justification });
  }
  return levels;
}

async function checkAttributes(transaction: Transaction, input: RowInput, attributes: Attributes, problems: RowProblem[], locale: Locale): Promise<boolean> {
  try {
    await checkObjectInput(transaction, { type: input.type.key, attributes });
    return true;
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 422) throw error;
    for (const field of error.fields) {
      const key = field.field.replace(/^attributes\./, '');
      const values = { reason: fieldMessage(field.code, locale) };
      problems.push({ line: input.line, column: input.attributeColumns.get(key) ?? key, problem: { code: EXCHANGE_PROBLEMS.csvAttributeInvalid, values } });
    }
    return false;
  }
}

/**
 * Flags rows whose folded name (see foldName) equals that of another row or
 * of an existing object of the same type, other than the object the row
 * updates, and rows that create objects with the same name as another row.
 */
function findLikelyDuplicates(rows: readonly PlannedRow[], index: ObjectIndex): RowProblem[] {
  const warnings: RowProblem[] = [];
  const foldKey = (type: string, name: string) => `${type}\u0000${foldName(name)}`;
  const rowsByFold = groupBy(rows, (row) => foldKey(row.type, row.name));
  const rowObjectIds = new Set(rows.map((row) => row.objectId));
  const others = [...index.byType.values()].flat().filter((object) => !rowObjectIds.has(object.id));
  const objectsByFold = groupBy(others, (object) => foldKey(object.type, object.name));

  // Each row names only the first other row and the first object it may duplicate, so a
  // file of many rows with one name gives one warning per row, not one per pair.
  for (const row of rows) {
    const key = foldKey(row.type, row.name);
    if (foldName(row.name) === '') continue;
    const other = rowsByFold.get(key)?.find((candidate) => candidate !== row);
    if (other) {
      const problem: Problem =
        nameKey(other.name) === nameKey(row.name)
          ? { code: EXCHANGE_PROBLEMS.csvSameName, values: { otherLine: other.line } }
          : { code: EXCHANGE_PROBLEMS.csvLikelyDuplicateRow, values: { name: other.name, otherLine: other.line } };
      warnings.push({ line: row.line, column: null, problem });
    }
    const object = objectsByFold.get(key)?.[0];
    if (object) {
      warnings.push({ line: row.line, column: null, problem: { code: EXCHANGE_PROBLEMS.csvLikelyDuplicateObject, values: { name: object.name } } });
    }
  }
  return warnings;
}

function groupBy<Item>(items: Iterable<Item>, keyOf: (item: Item) => string): Map<string, Item[]> {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
