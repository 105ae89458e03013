import { AppError } from '@esm/common';
import { OSCAL_ERRORS } from '../errors.js';
import {
  chooseLabel,
  MAX_CATALOG_DEPTH,
  MAX_CATALOG_ENTRIES,
  proseFromMarkdown,
  type CatalogDocument,
  type CatalogEntry,
  type CatalogParameter,
  type CatalogPart,
} from './catalog.js';

type JsonObject = Record<string, unknown>;

/**
 * Reads an OSCAL catalog in JSON (`{ "catalog": { ... } }`). Throws
 * OSCAL_MALFORMED with the line of a syntax error, OSCAL_FORMAT_UNSUPPORTED
 * when the root contains no catalog, and OSCAL_ITEM_INCOMPLETE or
 * OSCAL_CATALOG_TOO_LARGE for groups and controls it cannot read.
 */
export function readJsonCatalog(text: string): CatalogDocument {
  // A byte order mark is allowed before JSON text but JSON.parse rejects it.
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch (error) {
    const position = /at position (\d+)/.exec((error as Error).message);
    const line = position ? lineAt(json, Number(position[1])) : json.split('\n').length;
    throw new AppError(OSCAL_ERRORS.malformed, { values: { line }, detail: (error as Error).message, cause: error });
  }
  const catalog = isObject(root) ? root.catalog : undefined;
  if (!isObject(catalog)) throw new AppError(OSCAL_ERRORS.formatUnsupported, { detail: 'no catalog object at the root' });

  const metadata = isObject(catalog.metadata) ? catalog.metadata : {};
  const reader = new JsonCatalogReader();
  const entries = [
    ...reader.readEntries(catalog.controls, 'requirement', 1, 'catalog'),
    ...reader.readEntries(catalog.groups, 'group', 1, 'catalog'),
  ];
  reader.readParameters(catalog.params, 'catalog');
  return {
    uuid: typeof catalog.uuid === 'string' ? catalog.uuid : '',
    title: typeof metadata.title === 'string' ? metadata.title : '',
    version: typeof metadata.version === 'string' ? metadata.version : '',
    lastModified: typeof metadata['last-modified'] === 'string' ? metadata['last-modified'] : null,
    parameters: reader.parameters,
    entries,
  };
}

/**
 * Walks groups and controls and collects the parameters of the whole catalog
 * in one map, so prose can insert a parameter declared anywhere in it.
 * NOTE: when two parameters share an id, the one read last wins.
 */
class JsonCatalogReader {
  readonly parameters = new Map<string, CatalogParameter>();
  private entryCount = 0;

  readEntries(value: unknown, kind: CatalogEntry['kind'], depth: number, owner: string): CatalogEntry[] {
    return objectList(value, owner).map((item) => this.readEntry(item, kind, depth));
  }

  private readEntry(item: JsonObject, kind: CatalogEntry['kind'], depth: number): CatalogEntry {
    this.entryCount += 1;
    if (this.entryCount > MAX_CATALOG_ENTRIES || depth > MAX_CATALOG_DEPTH) throw catalogTooLarge();
    const title = typeof item.title === 'string' ? item.title : '';
    // OSCAL makes a group's id optional. Such a group is matched on re-import by its title.
    const id = typeof item.id === 'string' ? item.id : kind === 'group' ? title : '';
    const identifier = id || `#${this.entryCount}`;
    if (!id || !title) throw new AppError(OSCAL_ERRORS.itemIncomplete, { values: { identifier } });

    this.readParameters(item.params, identifier);
    const children = [
      ...this.readEntries(item.controls, 'requirement', depth + 1, identifier),
      ...(kind === 'group' ? this.readEntries(item.groups, 'group', depth + 1, identifier) : []),
    ];
    return {
      kind,
      identifier: id,
      title: proseFromMarkdown(title),
      label: readLabel(item.props, identifier),
      parts: readParts(item.parts, identifier, depth + 1),
      children,
    };
  }

  readParameters(value: unknown, owner: string): void {
    for (const item of objectList(value, owner)) {
      if (typeof item.id !== 'string') throw new AppError(OSCAL_ERRORS.itemIncomplete, { values: { identifier: owner } });
      const select = isObject(item.select) ? item.select : null;
      this.parameters.set(item.id, {
        id: item.id,
        label: typeof item.label === 'string' ? item.label : '',
        values: stringList(item.values, owner),
        select: select && {
          howMany: typeof select['how-many'] === 'string' ? select['how-many'] : 'one',
          choices: stringList(select.choice, owner).map(proseFromMarkdown),
        },
      });
    }
  }
}

function readParts(value: unknown, owner: string, depth: number): CatalogPart[] {
  if (depth > MAX_CATALOG_DEPTH) throw catalogTooLarge();
  return objectList(value, owner).map((part) => ({
    name: typeof part.name === 'string' ? part.name : '',
    label: readLabel(part.props, owner),
    title: proseFromMarkdown(typeof part.title === 'string' ? part.title : ''),
    prose: proseFromMarkdown(typeof part.prose === 'string' ? part.prose : ''),
    parts: readParts(part.parts, owner, depth + 1),
  }));
}

function readLabel(props: unknown, owner: string): string {
  const labels = objectList(props, owner)
    .filter((prop) => prop.name === 'label' && typeof prop.value === 'string')
    .map((prop) => ({ value: prop.value as string, hasClass: prop.class !== undefined }));
  return chooseLabel(labels);
}

/** Returns a list of objects, or [] when absent. Any other value makes the owner incomplete. */
function objectList(value: unknown, owner: string): JsonObject[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isObject)) throw new AppError(OSCAL_ERRORS.itemIncomplete, { values: { identifier: owner } });
  return value;
}

function stringList(value: unknown, owner: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new AppError(OSCAL_ERRORS.itemIncomplete, { values: { identifier: owner } });
  }
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function catalogTooLarge(): AppError {
  return new AppError(OSCAL_ERRORS.catalogTooLarge, { values: { maxItems: MAX_CATALOG_ENTRIES, maxDepth: MAX_CATALOG_DEPTH } });
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}
