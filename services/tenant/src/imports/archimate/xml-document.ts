import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '@esm/common';
import { ARCHIMATE_ERRORS } from './errors.js';

export const ARCHIMATE_NAMESPACE = 'http://www.opengroup.org/xsd/archimate/3.0/';
const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

/** A parsed XML element as fast-xml-parser returns it: attributes under `@_name`, text under `#text`. */
export type XmlNode = Record<string, unknown>;

/** Element names that may repeat and are therefore always read as arrays. */
const REPEATING = new Set(['element', 'relationship', 'name', 'documentation', 'property', 'propertyDefinition', 'value']);

/** The root `model` element and the prefixes needed to read its children. */
export interface ArchimateDocument {
  model: XmlNode;
  /** Prefix of ArchiMate elements including the colon, or '' for the default namespace. */
  prefix: string;
  /** The attribute key of `xsi:type` under the document's own prefix for XML Schema instance. */
  typeAttribute: string;
}

/** Deepest element nesting the parser accepts (fast-xml-parser's default, set here so the line search below uses the same limit). */
const MAX_NESTED_ELEMENTS = 100;

/**
 * Checks well-formedness, parses, and checks that the root is `model` in the
 * ArchiMate 3 namespace. Throws ARCHIMATE_MALFORMED with the line of the first
 * error, or ARCHIMATE_FORMAT_UNSUPPORTED.
 *
 * The parser keeps its own protections: it rejects external and parameter
 * entities (and never fetches them), entity values over 10,000 characters,
 * more than MAX_NESTED_ELEMENTS nested elements and names such as
 * `__proto__`. Those rejections are ARCHIMATE_MALFORMED too.
 *
 * NOTE: namespace prefixes are read from the root element's declarations
 * only. Exchange files from Archi and other tools declare them there, but a
 * file that redeclares a prefix on an inner element is read wrongly.
 */
export function readArchimateDocument(xml: string): ArchimateDocument {
  // XML 1.0 allows no U+0000 anywhere, but the validator lets it through and PostgreSQL cannot store it.
  const nul = xml.indexOf('\0');
  if (nul >= 0) throw new AppError(ARCHIMATE_ERRORS.malformed, { values: { line: lineAt(xml, nul) }, detail: 'NUL character in the file' });

  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    throw new AppError(ARCHIMATE_ERRORS.malformed, {
      values: { line: validation.err.line },
      detail: `${validation.err.code}: ${validation.err.msg}`,
    });
  }

  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    // Decodes numeric character references such as &#233; and &#x2013;, which the XML-only decoder leaves as they are.
    htmlEntities: true,
    isArray: (tagName, _path, _isLeaf, isAttribute) => !isAttribute && REPEATING.has(localName(tagName)),
    maxNestedTags: MAX_NESTED_ELEMENTS,
  });
  let parsed: XmlNode;
  try {
    parsed = parser.parse(xml) as XmlNode;
  } catch (error) {
    throw new AppError(ARCHIMATE_ERRORS.malformed, {
      values: { line: lineOfParserRejection(xml) },
      detail: `XML parser rejected the file: ${(error as Error).message}`,
      cause: error,
    });
  }
  const rootKey = Object.keys(parsed).find((key) => !key.startsWith('?') && !key.startsWith('#'));
  const root = rootKey ? parsed[rootKey] : undefined;
  if (!rootKey || localName(rootKey) !== 'model' || typeof root !== 'object' || root === null) {
    throw new AppError(ARCHIMATE_ERRORS.formatUnsupported, { detail: `root element ${rootKey ?? 'missing'}` });
  }

  const model = root as XmlNode;
  const prefix = rootKey.includes(':') ? rootKey.slice(0, rootKey.indexOf(':') + 1) : '';
  const namespace = model[prefix ? `@_xmlns:${prefix.slice(0, -1)}` : '@_xmlns'];
  if (namespace !== ARCHIMATE_NAMESPACE) {
    throw new AppError(ARCHIMATE_ERRORS.formatUnsupported, { detail: `root namespace ${String(namespace)}` });
  }
  const xsiDeclaration = Object.keys(model).find((key) => key.startsWith('@_xmlns:') && model[key] === XSI_NAMESPACE);
  const xsiPrefix = xsiDeclaration ? xsiDeclaration.slice('@_xmlns:'.length) : 'xsi';
  return { model, prefix, typeAttribute: `@_${xsiPrefix}:type` };
}

/** Returns the child elements called `name` (in the ArchiMate namespace) of a node, always as an array. */
export function children(document: ArchimateDocument, node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[document.prefix + name];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  // An empty element parses as '' and a text-only one as a string; wrap both as nodes.
  return list.map((item) => (typeof item === 'object' && item !== null ? (item as XmlNode) : { '#text': String(item) }));
}

/** Returns the first child element called `name`, or undefined. */
export function child(document: ArchimateDocument, node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(document, node, name)[0];
}

/** Returns the text of the English variant when present, else of the first. */
export function preferredText(variants: XmlNode[]): string | undefined {
  const english = variants.find((variant) => /^en(-|$)/i.test(String(variant['@_xml:lang'] ?? '')));
  const chosen = english ?? variants[0];
  return chosen === undefined ? undefined : String(chosen['#text'] ?? '');
}

/** Returns an attribute's value as a string, or undefined. */
export function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return value === undefined ? undefined : String(value);
}

/**
 * Finds the line of what the parser rejected, because its errors carry no
 * position: the DOCTYPE (where every entity is declared), else an element
 * with a reserved name, else the first element nested too deep.
 *
 * NOTE: the nesting count reads tags with a regular expression and counts
 * tags inside comments and CDATA sections too, so for such files the line is
 * approximate. Line 1 stands for a rejection none of the three explains.
 */
function lineOfParserRejection(xml: string): number {
  const doctype = xml.indexOf('<!DOCTYPE');
  if (doctype >= 0) return lineAt(xml, doctype);

  const reservedName = /<\/?(?:[^\s<>/:]+:)?(?:__proto__|constructor|prototype)[\s/>]/.exec(xml);
  if (reservedName) return lineAt(xml, reservedName.index);

  let open = 0;
  for (const tag of xml.matchAll(/<(\/?)[A-Za-z_][^>]*?(\/?)>/g)) {
    if (tag[1]) open -= 1;
    else if (!tag[2]) {
      if (open > MAX_NESTED_ELEMENTS) return lineAt(xml, tag.index);
      open += 1;
    }
  }
  return 1;
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}
