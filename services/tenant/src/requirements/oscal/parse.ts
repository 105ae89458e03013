import { AppError } from '@esm/common';
import { OSCAL_ERRORS } from '../errors.js';
import { renderProse, renderSections, splitEntryParts, type CatalogDocument, type CatalogEntry } from './catalog.js';
import { readJsonCatalog } from './json-catalog.js';
import { readXmlCatalog } from './xml-catalog.js';

/** A group or control ready to become a requirement object, with its texts rendered and its parameters resolved. */
export interface OscalItem {
  identifier: string;
  /** The identifier of the enclosing group or control, null at the top. */
  parentIdentifier: string | null;
  kind: 'group' | 'requirement';
  label: string;
  title: string;
  statement: string;
  /** Guidance, examples and other explanations; the object's description. */
  description: string;
  /** Position in the document, which orders siblings. */
  sortOrder: number;
}

/** A checked catalog: its source details and its items in document order, every parent before its children. */
export interface OscalCatalog {
  uuid: string;
  title: string;
  version: string;
  lastModified: Date | null;
  items: OscalItem[];
}

// The column limits of objects and requirements, checked here so the import fails before writing.
const LIMITS = { identifier: 200, label: 200, title: 500, statement: 100_000, description: 20_000, uuid: 200, version: 200 };

/**
 * Reads and checks an OSCAL catalog completely, so the import can run all or
 * nothing. Every control and nested control (enhancement) becomes a
 * requirement and every group a group. Throws a 422 error for a malformed
 * file, another OSCAL model than a catalog, missing metadata, a group or
 * control without id or title, a duplicate id, or a value over the limits.
 */
export function parseOscalCatalog(text: string, format: 'json' | 'xml'): OscalCatalog {
  const document = format === 'json' ? readJsonCatalog(text) : readXmlCatalog(text);
  const catalog = { ...checkMetadata(document), items: [] as OscalItem[] };
  const seen = new Set<string>();
  const visit = (entry: CatalogEntry, parentIdentifier: string | null) => {
    if (seen.has(entry.identifier)) throw new AppError(OSCAL_ERRORS.duplicateIdentifier, { values: { identifier: entry.identifier } });
    seen.add(entry.identifier);
    catalog.items.push(buildItem(document, entry, parentIdentifier, catalog.items.length));
    for (const child of entry.children) visit(child, entry.identifier);
  };
  for (const entry of document.entries) visit(entry, null);
  return catalog;
}

function checkMetadata(document: CatalogDocument): Omit<OscalCatalog, 'items'> {
  const lastModified = document.lastModified === null ? null : new Date(document.lastModified);
  const invalid =
    document.uuid === '' ||
    document.uuid.length > LIMITS.uuid ||
    document.title === '' ||
    document.title.length > LIMITS.title ||
    document.version.length > LIMITS.version ||
    [document.uuid, document.title, document.version].some((value) => value.includes('\0')) ||
    (lastModified !== null && Number.isNaN(lastModified.getTime()));
  if (invalid) throw new AppError(OSCAL_ERRORS.metadataInvalid, { detail: `uuid ${document.uuid.slice(0, 100)}` });
  return { uuid: document.uuid, title: document.title, version: document.version, lastModified };
}

function buildItem(document: CatalogDocument, entry: CatalogEntry, parentIdentifier: string | null, sortOrder: number): OscalItem {
  const parts = splitEntryParts(entry);
  const item: OscalItem = {
    identifier: entry.identifier,
    parentIdentifier,
    kind: entry.kind,
    label: entry.label,
    // A title is one line, even when its markup held block elements.
    title: renderProse(entry.title, document.parameters).replace(/\n/g, ' '),
    statement: renderSections(parts.statement, document.parameters),
    description: truncate(renderSections(parts.description, document.parameters), LIMITS.description),
    sortOrder,
  };
  const invalid =
    item.identifier.length > LIMITS.identifier ||
    item.label.length > LIMITS.label ||
    item.title === '' ||
    item.title.length > LIMITS.title ||
    item.statement.length > LIMITS.statement ||
    [item.identifier, item.label, item.title, item.statement, item.description].some((value) => value.includes('\0'));
  if (invalid) throw new AppError(OSCAL_ERRORS.itemInvalid, { values: { identifier: item.identifier.slice(0, LIMITS.identifier) } });
  return item;
}

/**
 * Shortens text to `limit` characters, ending with an ellipsis.
 *
 * NOTE: a description over 20,000 characters (the object column's limit) is
 * cut, so the end of a very long guidance text is lost. The statement is
 * never cut: a catalog with a longer statement is rejected instead.
 */
function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
