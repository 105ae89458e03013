import { AppError } from '@esm/common';
import { ARCHIMATE_ERRORS } from './errors.js';
import { ELEMENT_TYPE_PATTERN, relationTypeForRelationship } from './type-mapping.js';
import { attribute, child, children, preferredText, readArchimateDocument, type ArchimateDocument, type XmlNode } from './xml-document.js';

/** The relation attribute that keeps a relationship's ArchiMate identifier, which a re-import matches on. */
export const IDENTIFIER_ATTRIBUTE = 'archimate:identifier';

/** An element, ready to become an object. */
export interface ArchimateElement {
  identifier: string;
  type: string;
  name: string;
  description: string;
  /**
   * Property values by property name, in file order. XML attributes of the
   * element other than its identifier and type are kept as `archimate:<name>`.
   */
  properties: Map<string, string>;
}

/** A relationship, ready to become a relation. */
export interface ArchimateRelationship {
  identifier: string;
  type: string;
  name: string;
  source: string;
  target: string;
  /** The relation's attributes: the identifier, other XML attributes, properties and documentation. */
  attributes: Record<string, string>;
}

/** The importable content of an exchange file. Views and diagrams are left out. */
export interface ArchimateModel {
  elements: ArchimateElement[];
  relationships: ArchimateRelationship[];
}

/** An element or relationship as read, before it is split into the two shapes above. */
interface ArchimateItem {
  identifier: string;
  type: string;
  name: string;
  description: string;
  properties: Map<string, string>;
  xmlAttributes: Map<string, string>;
}

// The object and relation limits of the model API, checked here so the import fails before writing.
// A property name becomes an attribute name, which has at most 200 characters.
const LIMITS = { type: 100, name: 500, description: 20000, properties: 200, propertyName: 200, propertyValue: 20000 };

// The prefix of the attributes the import writes itself, and of properties renamed to stay clear of them.
const RESERVED_PREFIX = 'archimate:';
const PROPERTY_PREFIX = 'archimate:property:';

// Attributes that become columns; any other attribute (accessType, isDirected, modifier) is kept as `archimate:<name>`.
const MAPPED_ATTRIBUTES = new Set(['identifier', 'source', 'target']);

/**
 * Reads an ArchiMate 3 exchange file into elements and relationships and
 * checks it completely, so the import can run all or nothing. Throws a 422
 * error for malformed XML, another format, a duplicate identifier, a type
 * that is no ArchiMate 3 element or relationship type, a relationship to an
 * identifier that is no element, and a relationship that connects to
 * another relationship. The last is valid ArchiMate, but a
 * relation here connects two objects, so such a file is rejected as a whole
 * rather than imported in part.
 */
export function parseArchimateModel(xml: string): ArchimateModel {
  const document = readArchimateDocument(xml);
  const propertyNames = readPropertyDefinitions(document);

  const elements = children(document, child(document, document.model, 'elements'), 'element').map((node, index) =>
    toElement(readItem(document, node, propertyNames, `#${index + 1}`)),
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

  const xmlAttributes = new Map<string, string>();
  for (const key of Object.keys(node)) {
    const name = key.slice(2);
    if (key.startsWith('@_') && !name.includes(':') && !MAPPED_ATTRIBUTES.has(name)) xmlAttributes.set(name, String(node[key]));
  }
  const properties = new Map<string, string>();
  for (const property of children(document, child(document, node, 'properties'), 'property')) {
    const reference = attribute(property, 'propertyDefinitionRef') ?? '';
    properties.set(propertyNames.get(reference) ?? reference, preferredText(children(document, property, 'value')) ?? '');
  }

  const item = {
    identifier,
    type,
    // An unnamed item gets its identifier as name, because an object needs one.
    name: preferredText(children(document, node, 'name')) || identifier,
    description: preferredText(children(document, node, 'documentation')) ?? '',
    properties,
    xmlAttributes,
  };
  checkLimits(item);
  return item;
}

/** Checks the element's type and keeps its other XML attributes as properties named `archimate:<name>`. */
function toElement(item: ArchimateItem): ArchimateElement {
  if (!ELEMENT_TYPE_PATTERN.test(item.type)) {
    throw new AppError(ARCHIMATE_ERRORS.typeUnsupported, { values: { identifier: item.identifier, type: item.type } });
  }
  const properties = new Map(item.properties);
  for (const [name, value] of item.xmlAttributes) properties.set(`${RESERVED_PREFIX}${name}`, value);
  return { identifier: item.identifier, type: item.type, name: item.name, description: item.description, properties };
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
  if (relationTypeForRelationship(item.type) === undefined) {
    throw new AppError(ARCHIMATE_ERRORS.typeUnsupported, { values: { identifier: item.identifier, type: item.type } });
  }

  // Built from entries, so a property called __proto__ becomes an ordinary key.
  const attributes = Object.fromEntries([
    [IDENTIFIER_ATTRIBUTE, item.identifier],
    ...[...item.xmlAttributes].map(([name, value]) => [`${RESERVED_PREFIX}${name}`, value]),
    ...[...item.properties].map(([name, value]) => [propertyAttributeName(name), value]),
    // Relations have no description column, so a relationship's documentation is kept as an attribute.
    ...(item.description ? [['archimate:documentation', item.description]] : []),
  ]) as Record<string, string>;
  // A relation name may be empty, unlike an object name, so the identifier fallback is dropped.
  const name = item.name === item.identifier ? '' : item.name;
  return { identifier: item.identifier, type: item.type, name, source, target, attributes };
}

function checkLimits(item: ArchimateItem): void {
  const names = [...item.properties.keys()];
  const values = [...item.properties.values(), ...item.xmlAttributes.values()];
  const tooLarge =
    item.type.length > LIMITS.type ||
    item.name.length > LIMITS.name ||
    item.description.length > LIMITS.description ||
    values.length > LIMITS.properties ||
    names.some((name) => name.length > LIMITS.propertyName) ||
    values.some((value) => value.length > LIMITS.propertyValue);
  if (tooLarge) throw new AppError(ARCHIMATE_ERRORS.itemTooLarge, { values: { identifier: item.identifier } });
}

function checkIdentifiersUnique(items: { identifier: string }[]): void {
  const seen = new Set<string>();
  for (const { identifier } of items) {
    if (seen.has(identifier)) throw new AppError(ARCHIMATE_ERRORS.duplicateIdentifier, { values: { identifier } });
    seen.add(identifier);
  }
}

function checkEndpoints(elements: ArchimateElement[], relationships: ArchimateRelationship[]): void {
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
