import type { MetaModel, ObjectType } from '../../meta-model/meta-model.js';
import type { AttributeValue } from '../../meta-model/attribute-values.js';
import { EXCHANGE_PROBLEMS } from '../errors.js';
import type { ScaleDimension } from '../scale.js';
import { normaliseHeader, type Column } from './columns.js';
import { nameKey, type ObjectIndex } from './object-index.js';
import type { CsvRecord } from './parse.js';
import type { RowProblem } from './problems.js';
import { parseBoolean, parseChoice, parseLevel, parseNumber, unguardFormula } from './values.js';

/** Maximum lengths of name, description, external id and justification, as the database allows. */
const MAX_LENGTHS = { name: 500, description: 20000, externalId: 500, justification: 5000 } as const;

/**
 * The values one row requests. A field whose column the file lacks is undefined,
 * so an update leaves it as it is. An attribute mapped to null is removed.
 */
export interface RowInput {
  line: number;
  type: ObjectType;
  name: string;
  description: string | undefined;
  /** Null when the cell is empty: an empty cell never removes an external id. */
  externalId: string | null;
  justification: string | null;
  levels: Map<string, number>;
  attributes: Map<string, AttributeValue | null>;
  /** The header of the column each attribute key came from, for problems that checkObjectInput finds. */
  attributeColumns: Map<string, string>;
}

/** The columns, meta-model, scale and objects that reading rows needs. */
export interface RowContext {
  columns: Column[];
  headerWidth: number;
  metaModel: MetaModel;
  scale: readonly ScaleDimension[];
  index: ObjectIndex;
  /** The object type from the request, for rows without a Type cell. */
  defaultType: ObjectType | undefined;
}

/** Reads the cells of one row into a RowInput, or returns every problem in the row. */
export function readRow(record: CsvRecord, context: RowContext): { input: RowInput | null; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const problem = (column: string | null, code: string, values?: Record<string, string | number>) =>
    problems.push({ line: record.line, column, problem: { code, values } });

  if (record.cells.length < context.headerWidth || record.cells.slice(context.headerWidth).some((cell) => cell.trim() !== '')) {
    problem(null, EXCHANGE_PROBLEMS.csvColumnCount, { actual: record.cells.length, expected: context.headerWidth });
    return { input: null, problems };
  }

  const cells = new Map<Column, string>();
  for (const column of context.columns) {
    const cell = unguardFormula(record.cells[column.index] ?? '');
    if (cell.includes('\0')) problem(column.header, EXCHANGE_PROBLEMS.csvNulCharacter);
    else cells.set(column, cell);
  }
  const cellOf = (kind: Column['target']['kind']) => {
    const column = context.columns.find((candidate) => candidate.target.kind === kind);
    return column && cells.has(column) ? { column, value: cells.get(column)! } : undefined;
  };
  const checkLength = (entry: { column: Column; value: string } | undefined, max: number) => {
    if (entry && entry.value.length > max) problem(entry.column.header, EXCHANGE_PROBLEMS.csvValueTooLong, { max });
  };

  const type = readType(cellOf('type'), context, problem);
  const name = cellOf('name');
  if (name && name.value.trim() === '') problem(name.column.header, EXCHANGE_PROBLEMS.csvValueMissing);
  checkLength(name, MAX_LENGTHS.name);
  const description = cellOf('description');
  checkLength(description, MAX_LENGTHS.description);
  const externalId = cellOf('externalId');
  checkLength(externalId, MAX_LENGTHS.externalId);
  const justification = cellOf('justification');
  checkLength(justification, MAX_LENGTHS.justification);

  const levels = new Map<string, number>();
  const attributes = new Map<string, AttributeValue | null>();
  const attributeColumns = new Map<string, string>();
  for (const [column, cell] of cells) {
    if (column.target.kind === 'dimension') {
      const dimension = context.scale.find((entry) => entry.key === (column.target as { dimension: string }).dimension)!;
      if (cell.trim() === '') continue;
      const level = parseLevel(cell, dimension);
      if (level === null) {
        problem(column.header, EXCHANGE_PROBLEMS.csvLevelInvalid, { value: cell, levels: dimension.levels.map((entry) => entry.level).join(', ') });
      } else {
        levels.set(dimension.key, level);
      }
    }
    if (column.target.kind === 'attribute' && type) {
      const key = column.target.keysByType.get(type.key);
      if (key === undefined) {
        if (cell.trim() !== '') problem(column.header, EXCHANGE_PROBLEMS.csvAttributeNotOfType, { type: type.key });
        continue;
      }
      attributeColumns.set(key, column.header);
      const value = readAttributeCell(cell, type, key, context, (code, values) => problem(column.header, code, values));
      if (value !== undefined) attributes.set(key, value);
    }
  }

  if (!type || !name || problems.length > 0) return { input: null, problems };
  return {
    input: {
      line: record.line,
      type,
      name: name.value,
      description: description?.value,
      externalId: externalId && externalId.value.trim() !== '' ? externalId.value : null,
      justification: justification && justification.value.trim() !== '' ? justification.value : null,
      levels,
      attributes,
      attributeColumns,
    },
    problems,
  };
}

function readType(
  cell: { column: Column; value: string } | undefined,
  context: RowContext,
  problem: (column: string | null, code: string, values?: Record<string, string | number>) => void,
): ObjectType | undefined {
  if (!cell || cell.value.trim() === '') return context.defaultType;
  const wanted = normaliseHeader(cell.value);
  const type = context.metaModel.objectTypes.find(
    (candidate) => candidate.key === cell.value.trim() || normaliseHeader(candidate.nameSv) === wanted || normaliseHeader(candidate.nameEn) === wanted,
  );
  if (!type) {
    problem(cell.column.header, EXCHANGE_PROBLEMS.csvTypeUnknown, { type: cell.value });
    return undefined;
  }
  if (type.role === 'requirement_set' || type.role === 'requirement') {
    problem(cell.column.header, EXCHANGE_PROBLEMS.csvTypeReserved, { type: type.key });
    return undefined;
  }
  return type;
}

/**
 * Reads an attribute cell by the attribute's kind. Returns null for an
 * empty cell (the attribute is removed), undefined after reporting a
 * problem, and the value otherwise. Text and dates are passed on as they
 * are, for checkObjectInput to check.
 */
function readAttributeCell(
  cell: string,
  type: ObjectType,
  key: string,
  context: RowContext,
  problem: (code: string, values?: Record<string, string | number>) => void,
): AttributeValue | null | undefined {
  const definition = type.attributes.find((attribute) => attribute.key === key)!;
  if (cell.trim() === '') return null;
  const invalid = () => problem(EXCHANGE_PROBLEMS.csvValueInvalid, { value: cell, kind: definition.kind });
  switch (definition.kind) {
    case 'number': {
      const value = parseNumber(cell);
      if (value === null) invalid();
      return value ?? undefined;
    }
    case 'boolean': {
      const value = parseBoolean(cell);
      if (value === null) invalid();
      return value ?? undefined;
    }
    case 'choice': {
      const value = parseChoice(cell, definition);
      if (value === 'ambiguous') problem(EXCHANGE_PROBLEMS.csvChoiceAmbiguous, { value: cell });
      else if (value === null) invalid();
      return value === null || value === 'ambiguous' ? undefined : value;
    }
    case 'date':
      return cell.trim();
    case 'reference':
      return resolveReference(cell.trim(), definition.referenceType, context.index, problem);
    default:
      return cell;
  }
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds the object a reference cell names: by id, then by external id, then by name within the attribute's type. */
function resolveReference(
  text: string,
  referenceType: string | null,
  index: ObjectIndex,
  problem: (code: string, values?: Record<string, string | number>) => void,
): string | undefined {
  if (UUID_PATTERN.test(text) && index.byId.has(text.toLowerCase())) return text.toLowerCase();
  const byExternalId = index.byExternalId.get(text);
  if (byExternalId) return byExternalId.id;
  const named = referenceType === null ? index.byName.get(nameKey(text)) : index.byTypeAndName.get(referenceType)?.get(nameKey(text));
  if (!named || named.length === 0) {
    problem(EXCHANGE_PROBLEMS.csvReferenceNotFound, { value: text });
    return undefined;
  }
  if (named.length > 1) {
    problem(EXCHANGE_PROBLEMS.csvReferenceAmbiguous, { value: text });
    return undefined;
  }
  return named[0]!.id;
}
