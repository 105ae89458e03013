import { AppError } from '@esm/common';
import { ARCHIMATE_ERRORS } from './errors.js';
import { attribute, child, children, preferredText, readArchimateDocument, type ArchimateDocument, type XmlNode } from './xml-document.js';

/** The attribute that keeps an imported item's ArchiMate identifier. */
export const IDENTIFIER_ATTRIBUTE = 'archimate:identifier';

/** An element or relationship, ready to become an object or a relation. */
export interface ArchimateItem {
  identifier: string;
  type: string;
  name: string;
  description: string;
  attributes: Record<string, string>;
}

export interface ArchimateRelationship extends ArchimateItem {
  source: string;
  target: string;
}

/** The importable content of an exchange file. Views and diagrams are left out. */
export interface ArchimateModel {
  elements: ArchimateItem[];
  relationships: ArchimateRelationship[];
}

// The object and relation limits of the model API, checked here so the import fails before writing.
const LIMITS = { type: 100, name: 500, description: 20000, attributes: 200, attributeValue: 20000 };

// The prefix of the attributes the import writes itself, and of properties renamed to stay clear of them.
const RESERVED_PREFIX = 'archimate:';
const PROPERTY_PREFIX = 'archimate:property:';

// Attributes that become columns; any other attribute (accessType, isDirected, modifier) is kept as `archimate:<name>`.
const MAPPED_ATTRIBUTES = new Set(['identifier', 'source', 'target']);

/**
 * Reads an ArchiMate 3 exchange file into elements and relationships and
 * checks it completely, so the import can run all or nothing. Throws a 422
 * error for malformed XML, another format, a duplicate identifier, a
 * relationship to an identifier that is no element, and a relationship that
 * connects to another relationship. The last is valid ArchiMate, but a
 * relation here connects two objects, so such a file is rejected as a whole
 * rather than imported in part.
 */
export function parseArchimateModel(xml: string): ArchimateModel {
  const document = readArchimateDocument(xml);
  const propertyNames = readPropertyDefinitions(document);

  const elements = children(document, child(document, document.model, 'elements'), 'element').map((node, index) =>
    readItem(document, node, propertyNames, `#${index + 1}`),
  );
  const relationships = children(document, child(document, document.model, 'relationships'), 'relationship').map((node, index) =>
    readRelationship(document, node, propertyNames, `#${elements.length + index + 1}`),
  );

  checkIdentifiersUnique([...elements, ...relationships]);
  checkEndpoints(elements, relationships);
  return { elements, relationships };
}

/** Maps property definition identifiers to their names. */
function readPropertyDefinitions(document: ArchimateDocument): Map<string, string> {
  const definitions = children(document, child(document, document.model, 'propertyDefinitions'), 'propertyDefinition');
  const names = new Map<string, string>();
  for (const definition of definitions) {
    const identifier = attribute(definition, 'identifier');
    const name = preferredText(children(document, definition, 'name'));
    if (identifier) names.set(identifier, name || identifier);
  }
  return names;
}

function readItem(document: ArchimateDocument, node: XmlNode, propertyNames: Map<string, string>, position: string): ArchimateItem {
  const identifier = attribute(node, 'identifier');
  const type = node[document.typeAttribute];
  if (!identifier || typeof type !== 'string' || type === '') {
    throw new AppError(ARCHIMATE_ERRORS.itemIncomplete, { values: { identifier: identifier ?? position } });
  }

  const attributes: Record<string, string> = { [IDENTIFIER_ATTRIBUTE]: identifier };
  for (const key of Object.keys(node)) {
    const name = key.slice(2);
    if (key.startsWith('@_') && !name.includes(':') && !MAPPED_ATTRIBUTES.has(name)) attributes[`archimate:${name}`] = String(node[key]);
  }
  for (const property of children(document, child(document, node, 'properties'), 'property')) {
    const reference = attribute(property, 'propertyDefinitionRef') ?? '';
    attributes[propertyAttributeName(propertyNames.get(reference) ?? reference)] = preferredText(children(document, property, 'value')) ?? '';
  }

  const item = {
    identifier,
    type,
    // An unnamed item gets its identifier as name, because an object needs one.
    name: preferredText(children(document, node, 'name')) || identifier,
    description: preferredText(children(document, node, 'documentation')) ?? '',
    attributes,
  };
  checkLimits(item);
  return item;
}

/**
 * Returns the attribute name of a property. Names starting with `archimate:`
 * belong to the import's own attributes, so such a property is stored as
 * `archimate:property:<name>` and cannot overwrite the identifier or an XML
 * attribute. Other names are kept as they are.
 */
export function propertyAttributeName(name: string): string {
  return name.startsWith(RESERVED_PREFIX) ? `${PROPERTY_PREFIX}${name}` : name;
}

function readRelationship(
  document: ArchimateDocument,
  node: XmlNode,
  propertyNames: Map<string, string>,
  position: string,
): ArchimateRelationship {
  const item = readItem(document, node, propertyNames, position);
  const source = attribute(node, 'source');
  const target = attribute(node, 'target');
  if (!source || !target) throw new AppError(ARCHIMATE_ERRORS.itemIncomplete, { values: { identifier: item.identifier } });
  // Relations have no description column, so a relationship's documentation is kept as an attribute.
  if (item.description) item.attributes['archimate:documentation'] = item.description;
  return { ...item, source, target };
}

function checkLimits(item: ArchimateItem): void {
  const values = Object.values(item.attributes);
  const tooLarge =
    item.type.length > LIMITS.type ||
    item.name.length > LIMITS.name ||
    item.description.length > LIMITS.description ||
    values.length > LIMITS.attributes ||
    values.some((value) => value.length > LIMITS.attributeValue);
  if (tooLarge) throw new AppError(ARCHIMATE_ERRORS.itemTooLarge, { values: { identifier: item.identifier } });
}

function checkIdentifiersUnique(items: ArchimateItem[]): void {
  const seen = new Set<string>();
  for (const { identifier } of items) {
    if (seen.has(identifier)) throw new AppError(ARCHIMATE_ERRORS.duplicateIdentifier, { values: { identifier } });
    seen.add(identifier);
  }
}

function checkEndpoints(elements: ArchimateItem[], relationships: ArchimateRelationship[]): void {
  const elementIds = new Set(elements.map((element) => element.identifier));
  const relationshipIds = new Set(relationships.map((relationship) => relationship.identifier));
  for (const relationship of relationships) {
    for (const endpoint of [relationship.source, relationship.target]) {
      if (elementIds.has(endpoint)) continue;
      if (relationshipIds.has(endpoint)) {
        throw new AppError(ARCHIMATE_ERRORS.relationshipEndpointUnsupported, {
          values: { relationship: relationship.identifier, endpoint },
        });
      }
      throw new AppError(ARCHIMATE_ERRORS.missingElement, { values: { relationship: relationship.identifier, element: endpoint } });
    }
  }
}
