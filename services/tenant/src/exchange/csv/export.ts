import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { AppError, type Locale } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { loadMetaModel } from '../../meta-model/validate.js';
import type { AttributeDefinition, ObjectType } from '../../meta-model/meta-model.js';
import type { Attributes } from '../../model/schemas.js';
import { EXCHANGE_ERRORS } from '../errors.js';
import { readClassificationScale, type ScaleDimension } from '../scale.js';
import { normaliseHeader, STANDARD_HEADERS } from './columns.js';
import { nameKey, readObjectIndex, type ObjectIndex } from './object-index.js';
import { formatBoolean, formatNumber, guardFormula } from './values.js';

/** A cell of an exported table: text, a number, or empty. */
export type ExportCell = string | number | null;

/** The objects of an export as a table, with a file name without extension. */
export interface ObjectsTable {
  fileName: string;
  headers: string[];
  rows: ExportCell[][];
}

/** An attribute column: its header, and for each object type the attribute it shows. */
interface AttributeColumn {
  header: string;
  definitions: Map<string, AttributeDefinition>;
}

/**
 * Reads the objects of one type, or of every type but the requirement
 * types, as a table: name, description, type, external id, the effective
 * level of each classification dimension, and one column per attribute
 * name. Headers and type names are in `language`, which is also the
 * language the CSV import recognises them in. Throws 404
 * EXCHANGE_EXPORT_TYPE_UNKNOWN for an unknown type.
 */
export async function readObjectsTable(
  transaction: Transaction,
  options: { type?: string; language: Locale; separator: ';' | ',' },
): Promise<ObjectsTable> {
  const metaModel = await loadMetaModel(transaction);
  const scale = await readClassificationScale(transaction);
  const types = options.type === undefined
    ? metaModel.objectTypes.filter((type) => type.role !== 'requirement_set' && type.role !== 'requirement')
    : metaModel.objectTypes.filter((type) => type.key === options.type);
  if (options.type !== undefined && types.length === 0) throw new AppError(EXCHANGE_ERRORS.exportTypeUnknown, { values: { type: options.type } });

  const { language } = options;
  const typesByKey = new Map(types.map((type) => [type.key, type]));
  const attributeColumns = buildAttributeColumns(types, scale, language);
  const headers = [
    STANDARD_HEADERS.name[language][0],
    STANDARD_HEADERS.description[language][0],
    STANDARD_HEADERS.type[language][0],
    STANDARD_HEADERS.externalId[language][0],
    ...scale.map((dimension) => (language === 'sv' ? dimension.nameSv : dimension.nameEn)),
    ...attributeColumns.map((column) => column.header),
  ];

  const objects = await transaction.query(
    `SELECT id, type, name, description, external_id, attributes FROM objects WHERE type = ANY($1::text[]) ORDER BY type, name, id`,
    [types.map((type) => type.key)],
  );
  const levels = await transaction.query(
    `SELECT e.object_id, e.dimension, e.level FROM effective_levels e JOIN objects o ON o.id = e.object_id WHERE o.type = ANY($1::text[])`,
    [types.map((type) => type.key)],
  );
  const levelsByObject = new Map<string, Map<string, number>>();
  for (const row of levels.rows) {
    const map = levelsByObject.get(row.object_id as string) ?? new Map<string, number>();
    map.set(row.dimension as string, row.level as number);
    levelsByObject.set(row.object_id as string, map);
  }
  const hasReferences = types.some((type) => type.attributes.some((attribute) => attribute.kind === 'reference'));
  const index = hasReferences ? await readObjectIndex(transaction) : null;

  const rows = objects.rows.map((row): ExportCell[] => {
    const type = typesByKey.get(row.type as string)!;
    const attributes = row.attributes as Attributes;
    const objectLevels = levelsByObject.get(row.id as string);
    return [
      row.name as string,
      row.description as string,
      language === 'sv' ? type.nameSv : type.nameEn,
      (row.external_id as string | null) ?? null,
      ...scale.map((dimension) => objectLevels?.get(dimension.key) ?? null),
      ...attributeColumns.map((column) => {
        const definition = column.definitions.get(type.key);
        const value = definition ? attributes[definition.key] : undefined;
        return definition && value !== undefined ? formatAttribute(definition, value, { language, separator: options.separator, index }) : null;
      }),
    ];
  });

  let fileName = language === 'sv' ? 'Objekt' : 'Objects';
  if (options.type !== undefined) fileName = language === 'sv' ? types[0]!.nameSv : types[0]!.nameEn;
  return { fileName, headers, rows };
}

/**
 * Groups the attributes of the exported types by their name in the export
 * language, so attributes of several types with one name share a column.
 * A name that is also a standard header or a dimension's name or
 * abbreviation would be read as that column on import, so such an
 * attribute is headed by its key instead.
 */
function buildAttributeColumns(types: readonly ObjectType[], scale: readonly ScaleDimension[], language: Locale): AttributeColumn[] {
  const reserved = new Set<string>();
  for (const forms of Object.values(STANDARD_HEADERS)) for (const form of [...forms.sv, ...forms.en]) reserved.add(normaliseHeader(form));
  for (const dimension of scale) {
    for (const form of [dimension.key, dimension.nameSv, dimension.nameEn, dimension.abbreviationSv, dimension.abbreviationEn]) reserved.add(normaliseHeader(form));
  }

  const columns = new Map<string, AttributeColumn>();
  for (const type of types) {
    for (const attribute of type.attributes) {
      const name = language === 'sv' ? attribute.nameSv : attribute.nameEn;
      const header = reserved.has(normaliseHeader(name)) ? attribute.key : name;
      const column = columns.get(normaliseHeader(header)) ?? { header, definitions: new Map<string, AttributeDefinition>() };
      column.definitions.set(type.key, attribute);
      columns.set(normaliseHeader(header), column);
    }
  }
  return [...columns.values()];
}

/**
 * Formats an attribute value as the CSV import reads it back: yes/no in the
 * export language and a choice by its name. A reference becomes the
 * object's external id, else its name when no other object of the
 * attribute's type has that name, else its id. Numbers stay numbers.
 */
function formatAttribute(
  definition: AttributeDefinition,
  value: string | number | boolean,
  options: { language: Locale; separator: ';' | ','; index: ObjectIndex | null },
): ExportCell {
  switch (definition.kind) {
    case 'number':
      return typeof value === 'number' ? value : String(value);
    case 'boolean':
      return typeof value === 'boolean' ? formatBoolean(value, options.language) : String(value);
    case 'choice': {
      const choice = definition.choices.find((entry) => entry.key === value);
      if (!choice) return String(value);
      return options.language === 'sv' ? choice.sv : choice.en;
    }
    case 'reference': {
      const object = options.index?.byId.get(String(value).toLowerCase());
      if (!object) return String(value);
      if (object.externalId !== null) return object.externalId;
      const namesakes = definition.referenceType === null ? options.index!.byName.get(nameKey(object.name)) : options.index!.byTypeAndName.get(definition.referenceType)?.get(nameKey(object.name));
      return (namesakes?.length ?? 0) === 1 ? object.name : object.id;
    }
    default:
      return String(value);
  }
}

/**
 * Writes a table as CSV for Swedish Excel: UTF-8 with a byte order mark,
 * CRLF line ends, the given separator, numbers with a decimal comma when
 * the separator is `;`, and every text cell guarded by guardFormula.
 */
export function writeObjectsCsv(table: ObjectsTable, separator: ';' | ','): Buffer {
  const records = [table.headers.map(guardFormula), ...table.rows.map((row) => row.map((cell) => formatCsvCell(cell, separator)))];
  const text = stringify(records, { delimiter: separator, record_delimiter: 'windows', quoted_match: /^\s|\s$/ });
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

function formatCsvCell(cell: ExportCell, separator: ';' | ','): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return formatNumber(cell, separator);
  return guardFormula(cell);
}

// Excel rejects sheet names over 31 characters, with any of : \ / ? * [ ],
// starting or ending with an apostrophe, or named History (ExcelJS 4.4
// throws for each).
const SHEET_NAME_FORBIDDEN = /[:\\/?*[\]]/g;

/** Returns a sheet name Excel accepts, from the file name, or `Objects`. */
export function sheetNameOf(fileName: string): string {
  const name = fileName.replace(SHEET_NAME_FORBIDDEN, ' ').slice(0, 31).replace(/^[\s']+|[\s']+$/g, '');
  return name === '' || name.toLowerCase() === 'history' ? 'Objects' : name;
}

/**
 * Writes a table as an XLSX workbook with one sheet. Every text is a
 * string cell and every number a number cell, and no cell is a formula,
 * so a spreadsheet program shows `=HYPERLINK(...)` as text.
 */
export async function writeObjectsXlsx(table: ObjectsTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetNameOf(table.fileName));
  // ExcelJS 4.4 stores a JavaScript string as a string cell whatever it starts with. Only an
  // object with a `formula` property becomes a formula, and no such object is passed here.
  sheet.addRow(table.headers).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row);
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
