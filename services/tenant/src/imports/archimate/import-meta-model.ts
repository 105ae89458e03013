import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { MAX_TEXT_LENGTH } from '../../meta-model/attribute-values.js';
import { loadMetaModel, type AttributeDefinition, type AttributeKind, type ObjectType } from '../../meta-model/meta-model.js';
import { ARCHIMATE_ERRORS } from './errors.js';
import type { ArchimateElement } from './parse.js';
import { attributeKeyFor, namesOfOwnType, objectTypeForElement, ownObjectTypeKey } from './type-mapping.js';

/** The part of the meta-model an import writes into, after the types and attributes it needs exist. */
export interface ImportMetaModel {
  /** The object type of each element, by element identifier. */
  typeOfElement: Map<string, ObjectType>;
  /** The attribute that a property of an element of a type goes to, by type key and property name. */
  attributeFor(typeKey: string, propertyName: string): AttributeDefinition;
  createdObjectTypes: string[];
  /** The attributes the import defined, as `<type>.<attribute>`. */
  createdAttributes: string[];
}

// Object types the import creates sort after the default ones.
const OWN_TYPE_SORT_ORDER = 1000;

/**
 * Decides the object type of every element and adds to the meta-model what
 * the elements need. An element type without a counterpart gets an object
 * type of its own (`archimate_<type>`), and a property name that the type
 * has no attribute for gets a text attribute. An element that matches an
 * existing object keeps that object's type, since a user may have refined
 * it (an organisation unit that is really a partner).
 *
 * Only administrators change the meta-model, so without
 * `mayChangeMetaModel` a file that needs a new type or attribute is
 * rejected with 403 ARCHIMATE_META_MODEL_CHANGE_DENIED.
 *
 * The object types written into are locked FOR UPDATE in key order, which
 * serialises the import with attribute changes and with object checks
 * against those types. Types that get attributes have their version raised.
 */
export async function prepareImportMetaModel(
  transaction: Transaction,
  elements: ArchimateElement[],
  existingTypes: Map<string, string>,
  options: { mayChangeMetaModel: boolean },
): Promise<ImportMetaModel> {
  const knownTypes = new Set((await transaction.query<{ key: string }>('SELECT key FROM object_types')).rows.map((row) => row.key));
  const typeKeyOfElement = new Map<string, string>();
  const ownTypes = new Map<string, string>();
  for (const element of elements) {
    const existing = existingTypes.get(element.identifier);
    const mapped = objectTypeForElement(element.type);
    // A default type that an administrator removed counts as no counterpart.
    const key = existing ?? (knownTypes.has(mapped) ? mapped : ownObjectTypeKey(element.type));
    if (!existing && !knownTypes.has(key)) ownTypes.set(key, element.type);
    typeKeyOfElement.set(element.identifier, key);
  }

  if (!options.mayChangeMetaModel && ownTypes.size > 0) denyMetaModelChange([...ownTypes.keys()].sort());
  const createdObjectTypes = await createOwnTypes(transaction, ownTypes);
  const usedTypeKeys = [...new Set(typeKeyOfElement.values())].sort();
  await transaction.query('SELECT key FROM object_types WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE', [usedTypeKeys]);
  const types = new Map((await loadMetaModel(transaction)).objectTypes.map((type) => [type.key, type]));

  const attributes = new Map<string, Map<string, AttributeDefinition>>();
  const newAttributes = new Map<string, AttributeDefinition[]>();
  for (const typeKey of usedTypeKeys) {
    const typeElements = elements.filter((element) => typeKeyOfElement.get(element.identifier) === typeKey);
    const { byProperty, created } = resolveAttributes(types.get(typeKey)!, typeElements);
    attributes.set(typeKey, byProperty);
    if (created.length > 0) newAttributes.set(typeKey, created);
  }

  const createdAttributes = [...newAttributes].flatMap(([typeKey, created]) => created.map((definition) => `${typeKey}.${definition.key}`));
  if (!options.mayChangeMetaModel && createdAttributes.length > 0) denyMetaModelChange(createdAttributes);
  for (const [typeKey, created] of newAttributes) {
    await insertAttributes(transaction, typeKey, created);
    types.get(typeKey)!.attributes.push(...created);
  }

  return {
    typeOfElement: new Map([...typeKeyOfElement].map(([identifier, key]) => [identifier, types.get(key)!])),
    attributeFor: (typeKey, propertyName) => attributes.get(typeKey)!.get(propertyName)!,
    createdObjectTypes,
    createdAttributes,
  };
}

/** Throws ARCHIMATE_META_MODEL_CHANGE_DENIED naming how many types or attributes (`<type>.<attribute>`) are missing and the first. */
function denyMetaModelChange(missing: string[]): never {
  throw new AppError(ARCHIMATE_ERRORS.metaModelChangeDenied, { values: { count: missing.length, example: missing[0]! } });
}

/** Inserts the import's own object types that do not exist yet and returns their keys. */
async function createOwnTypes(transaction: Transaction, ownTypes: Map<string, string>): Promise<string[]> {
  if (ownTypes.size === 0) return [];
  const entries = [...ownTypes].sort(([a], [b]) => a.localeCompare(b));
  const names = entries.map(([, elementType]) => namesOfOwnType(elementType));
  const result = await transaction.query<{ key: string }>(
    `INSERT INTO object_types (key, name_sv, name_en, sort_order)
     SELECT key, name_sv, name_en, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS item(key, name_sv, name_en)
     ON CONFLICT (key) DO NOTHING RETURNING key`,
    [entries.map(([key]) => key), names.map((name) => name.nameSv), names.map((name) => name.nameEn), OWN_TYPE_SORT_ORDER],
  );
  return result.rows.map((row) => row.key).sort();
}

/**
 * Finds the attribute of each property name used by the elements of a type:
 * one whose Swedish or English name is the property name, else one whose key
 * is the key derived from it, else a new one. A new attribute is long text
 * when some value has a line break or more than 2,000 characters, else text.
 */
function resolveAttributes(
  type: ObjectType,
  elements: ArchimateElement[],
): { byProperty: Map<string, AttributeDefinition>; created: AttributeDefinition[] } {
  const byProperty = new Map<string, AttributeDefinition>();
  const created: AttributeDefinition[] = [];
  const takenKeys = new Set(type.attributes.map((definition) => definition.key));
  let sortOrder = Math.max(0, ...type.attributes.map((definition) => definition.sortOrder));

  for (const element of elements) {
    for (const [name, value] of element.properties) {
      const known = byProperty.get(name);
      if (known) {
        // A value seen later may still need long text, as long as the import defines the attribute itself.
        if (created.includes(known) && known.kind === 'text' && !fitsText(value)) known.kind = 'long_text';
        continue;
      }
      const existing =
        type.attributes.find((definition) => definition.nameEn === name || definition.nameSv === name) ??
        type.attributes.find((definition) => definition.key === attributeKeyFor(name));
      if (existing) {
        byProperty.set(name, existing);
        continue;
      }
      sortOrder += 10;
      const definition = newTextAttribute(uniqueKey(attributeKeyFor(name), takenKeys), name, fitsText(value) ? 'text' : 'long_text', sortOrder);
      takenKeys.add(definition.key);
      created.push(definition);
      byProperty.set(name, definition);
    }
  }
  return { byProperty, created };
}

function newTextAttribute(key: string, name: string, kind: AttributeKind, sortOrder: number): AttributeDefinition {
  return { key, nameSv: name, nameEn: name, kind, choices: [], referenceType: null, required: false, sortOrder };
}

function fitsText(value: string): boolean {
  return value.length <= MAX_TEXT_LENGTH && !/[\r\n]/.test(value);
}

/** Returns `key`, or `key_2`, `key_3` … when two property names give the same key. */
function uniqueKey(key: string, takenKeys: Set<string>): string {
  if (!takenKeys.has(key)) return key;
  let suffix = 2;
  while (takenKeys.has(`${key}_${suffix}`)) suffix += 1;
  return `${key}_${suffix}`;
}

async function insertAttributes(transaction: Transaction, typeKey: string, definitions: AttributeDefinition[]): Promise<void> {
  await transaction.query(
    `INSERT INTO attribute_definitions (object_type, key, name_sv, name_en, kind, sort_order)
     SELECT $1, key, name_sv, name_en, kind, sort_order FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[])
       AS item(key, name_sv, name_en, kind, sort_order)`,
    [
      typeKey,
      definitions.map((definition) => definition.key),
      definitions.map((definition) => definition.nameSv),
      definitions.map((definition) => definition.nameEn),
      definitions.map((definition) => definition.kind),
      definitions.map((definition) => definition.sortOrder),
    ],
  );
  await transaction.query('UPDATE object_types SET version = version + 1, updated_at = now() WHERE key = $1', [typeKey]);
}
