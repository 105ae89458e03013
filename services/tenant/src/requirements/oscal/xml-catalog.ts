import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '@esm/common';
import { OSCAL_ERRORS } from '../errors.js';
import {
  chooseLabel,
  MAX_CATALOG_DEPTH,
  MAX_CATALOG_ENTRIES,
  type CatalogDocument,
  type CatalogEntry,
  type CatalogParameter,
  type CatalogPart,
  type Prose,
} from './catalog.js';

export const OSCAL_NAMESPACE = 'http://csrc.nist.gov/ns/oscal/1.0';

/**
 * An element or text node as fast-xml-parser returns it with `preserveOrder`:
 * `{ name: [children], ':@': { '@_attribute': value } }` or `{ '#text': text }`.
 * Order matters here because prose mixes text with `<insert>` elements.
 */
type OrderedNode = Record<string, unknown>;

/** Deepest element nesting the parser accepts: fast-xml-parser's default (5.12), written out so the line search uses the same limit. */
const MAX_NESTED_ELEMENTS = 100;

// Markup-multiline block elements. Each starts a new line of the rendered text.
const BLOCK_ELEMENTS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'ol', 'ul', 'li', 'table', 'tr', 'blockquote']);

// Children of a part that are structure rather than prose.
const PART_STRUCTURE = new Set(['title', 'prop', 'link', 'part']);

/**
 * Reads an OSCAL catalog in XML. Throws OSCAL_MALFORMED with the line of the
 * first problem for XML that is not well-formed, contains a NUL character or a
 * DOCTYPE, nests elements more than 100 deep or uses an element name such as
 * `__proto__`. A DOCTYPE is rejected as a whole because OSCAL never needs one
 * and it is where entity expansion and external entities are declared.
 * Throws OSCAL_FORMAT_UNSUPPORTED when the root is not an OSCAL catalog.
 *
 * NOTE: the namespace prefix is read from the root element only, so a file
 * that binds the OSCAL namespace to another prefix on an inner element is
 * read as if that element were missing.
 */
export function readXmlCatalog(xml: string): CatalogDocument {
  const nodes = parseOrderedXml(xml);
  const root = nodes.find((node) => elementName(node) !== null && !elementName(node)!.startsWith('?'));
  const rootName = root ? elementName(root)! : '';
  const prefix = rootName.includes(':') ? rootName.slice(0, rootName.indexOf(':') + 1) : '';
  const namespace = root ? attribute(root, prefix ? `xmlns:${prefix.slice(0, -1)}` : 'xmlns') : undefined;
  if (!root || rootName !== `${prefix}catalog` || namespace !== OSCAL_NAMESPACE) {
    throw new AppError(OSCAL_ERRORS.formatUnsupported, { detail: `root element ${rootName || 'missing'} in namespace ${String(namespace)}` });
  }

  const reader = new XmlCatalogReader(prefix);
  const metadata = reader.child(root, 'metadata');
  const entries: CatalogEntry[] = [];
  for (const node of reader.children(root)) {
    const name = reader.localName(node);
    if (name === 'param') reader.readParameter(node, 'catalog');
    else if (name === 'control' || name === 'group') entries.push(reader.readEntry(node, 1));
  }
  const lastModified = reader.child(metadata, 'last-modified');
  return {
    uuid: attribute(root, 'uuid') ?? '',
    title: reader.plainText(reader.child(metadata, 'title')),
    version: reader.plainText(reader.child(metadata, 'version')),
    lastModified: lastModified ? reader.plainText(lastModified) : null,
    parameters: reader.parameters,
    entries,
  };
}

function parseOrderedXml(xml: string): OrderedNode[] {
  // XML 1.0 allows no U+0000 anywhere, but the validator lets it through and PostgreSQL cannot store it.
  const nul = xml.indexOf('\0');
  if (nul >= 0) throw malformed(lineAt(xml, nul), 'NUL character in the file');
  const doctype = xml.indexOf('<!DOCTYPE');
  if (doctype >= 0) throw malformed(lineAt(xml, doctype), 'DOCTYPE in the file');
  const validation = XMLValidator.validate(xml);
  if (validation !== true) throw malformed(validation.err.line, `${validation.err.code}: ${validation.err.msg}`);

  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    // Whitespace next to inline elements separates words, so text is kept and collapsed later.
    trimValues: false,
    // Decodes numeric character references such as &#233;, which the XML-only decoder leaves as they are.
    htmlEntities: true,
    maxNestedTags: MAX_NESTED_ELEMENTS,
  });
  try {
    return parser.parse(xml) as OrderedNode[];
  } catch (error) {
    throw malformed(lineOfParserRejection(xml), `XML parser rejected the file: ${(error as Error).message}`, error);
  }
}

class XmlCatalogReader {
  readonly parameters = new Map<string, CatalogParameter>();
  private entryCount = 0;

  constructor(private readonly prefix: string) {}

  /** Returns the name of an element in the OSCAL namespace without its prefix, or null for text and foreign elements. */
  localName(node: OrderedNode): string | null {
    const name = elementName(node);
    if (name === null || !name.startsWith(this.prefix) || name.slice(this.prefix.length).includes(':')) return null;
    return name.slice(this.prefix.length);
  }

  children(node: OrderedNode | undefined, name?: string): OrderedNode[] {
    if (!node) return [];
    const key = elementName(node);
    const list = key === null ? [] : (node[key] as OrderedNode[]);
    return name === undefined ? list : list.filter((child) => this.localName(child) === name);
  }

  child(node: OrderedNode | undefined, name: string): OrderedNode | undefined {
    return this.children(node, name)[0];
  }

  /** Returns the text of an element with its inline markup dropped and whitespace collapsed. */
  plainText(node: OrderedNode | undefined): string {
    const prose: Prose = [];
    this.collectProse(this.children(node), prose);
    return prose
      .map((run) => (typeof run === 'string' ? run : run.parameterId))
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
  }

  readEntry(node: OrderedNode, depth: number): CatalogEntry {
    this.entryCount += 1;
    if (this.entryCount > MAX_CATALOG_ENTRIES || depth > MAX_CATALOG_DEPTH) throw catalogTooLarge();
    const kind = this.localName(node) === 'group' ? 'group' : 'requirement';
    const titleNode = this.child(node, 'title');
    const plainTitle = this.plainText(titleNode);
    // OSCAL makes a group's id optional. Such a group is matched on re-import by its title.
    const id = attribute(node, 'id') ?? (kind === 'group' ? plainTitle : '');
    const identifier = id || `#${this.entryCount}`;
    if (!id || !plainTitle) throw new AppError(OSCAL_ERRORS.itemIncomplete, { values: { identifier } });

    const parts: CatalogPart[] = [];
    const children: CatalogEntry[] = [];
    for (const child of this.children(node)) {
      const name = this.localName(child);
      if (name === 'param') this.readParameter(child, identifier);
      else if (name === 'part') parts.push(this.readPart(child, depth + 1));
      else if (name === 'control' || (name === 'group' && kind === 'group')) children.push(this.readEntry(child, depth + 1));
    }
    return { kind, identifier: id, title: this.inlineProse(titleNode), label: this.readLabel(node), parts, children };
  }

  readParameter(node: OrderedNode, owner: string): void {
    const id = attribute(node, 'id');
    if (!id) throw new AppError(OSCAL_ERRORS.itemIncomplete, { values: { identifier: owner } });
    const select = this.child(node, 'select');
    this.parameters.set(id, {
      id,
      label: this.plainText(this.child(node, 'label')),
      values: this.children(node, 'value').map((value) => this.plainText(value)),
      select: select
        ? {
            howMany: attribute(select, 'how-many') ?? 'one',
            choices: this.children(select, 'choice').map((choice) => this.inlineProse(choice)),
          }
        : null,
    });
  }

  private readPart(node: OrderedNode, depth: number): CatalogPart {
    if (depth > MAX_CATALOG_DEPTH) throw catalogTooLarge();
    const prose: Prose = [];
    this.collectProse(
      this.children(node).filter((child) => !PART_STRUCTURE.has(this.localName(child) ?? '')),
      prose,
    );
    return {
      name: attribute(node, 'name') ?? '',
      label: this.readLabel(node),
      title: this.inlineProse(this.child(node, 'title')),
      prose,
      parts: this.children(node, 'part').map((part) => this.readPart(part, depth + 1)),
    };
  }

  private readLabel(node: OrderedNode): string {
    const labels = this.children(node, 'prop')
      .filter((prop) => attribute(prop, 'name') === 'label' && attribute(prop, 'value') !== undefined)
      .map((prop) => ({ value: attribute(prop, 'value')!, hasClass: attribute(prop, 'class') !== undefined }));
    return chooseLabel(labels);
  }

  private inlineProse(node: OrderedNode | undefined): Prose {
    const prose: Prose = [];
    this.collectProse(this.children(node), prose);
    return prose;
  }

  /**
   * Appends the text of markup to `prose` in document order. Line breaks and
   * indentation inside text are layout only, so they become single spaces.
   * Block elements start new lines, and list items get a bullet or a number.
   */
  private collectProse(nodes: OrderedNode[], prose: Prose, listNumber?: { next: number }): void {
    for (const node of nodes) {
      if (typeof node['#text'] === 'string') {
        prose.push(node['#text'].replace(/\s+/g, ' '));
        continue;
      }
      const name = this.localName(node);
      if (name === null) continue;
      if (name === 'insert') {
        const reference = attribute(node, 'id-ref') ?? '';
        prose.push(attribute(node, 'type') === 'param' ? { parameterId: reference } : reference);
      } else if (name === 'td' || name === 'th') {
        this.collectProse(this.children(node), prose);
        prose.push(' | ');
      } else if (BLOCK_ELEMENTS.has(name)) {
        prose.push('\n');
        if (name === 'li') prose.push(listNumber ? `${listNumber.next++}. ` : '- ');
        // Items of an ordered list get numbers, and items of any other list get bullets.
        this.collectProse(this.children(node), prose, name === 'ol' ? { next: 1 } : undefined);
        prose.push('\n');
      } else {
        this.collectProse(this.children(node), prose);
      }
    }
  }
}

/** Returns the key of an element node, or null for a text node. */
function elementName(node: OrderedNode): string | null {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text') ?? null;
}

function attribute(node: OrderedNode, name: string): string | undefined {
  const attributes = node[':@'] as Record<string, unknown> | undefined;
  const value = attributes?.[`@_${name}`];
  return value === undefined ? undefined : String(value);
}

function malformed(line: number, detail: string, cause?: unknown): AppError {
  return new AppError(OSCAL_ERRORS.malformed, { values: { line }, detail, cause });
}

function catalogTooLarge(): AppError {
  return new AppError(OSCAL_ERRORS.catalogTooLarge, { values: { maxItems: MAX_CATALOG_ENTRIES, maxDepth: MAX_CATALOG_DEPTH } });
}

/**
 * Finds the line of what the parser rejected, because its errors carry no
 * position: an element with a reserved name, else the first element nested
 * too deep. Line 1 stands for a rejection that neither explains.
 *
 * NOTE: the nesting count reads tags with a regular expression, so tags
 * inside comments and CDATA sections count too and the line is approximate.
 */
function lineOfParserRejection(xml: string): number {
  const reservedName = /<\/?(?:[^\s<>/:]+:)?(?:__proto__|constructor|prototype)[\s/>]/.exec(xml);
  if (reservedName) return lineAt(xml, reservedName.index);
  let open = 0;
  for (const tag of xml.matchAll(/<(\/?)[A-Za-z_][^>]*?(\/?)>/g)) {
    if (tag[1]) open -= 1;
    else if (!tag[2]) {
      if (open >= MAX_NESTED_ELEMENTS) return lineAt(xml, tag.index);
      open += 1;
    }
  }
  return 1;
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}
