import { AppError, type FieldProblem } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import type { Attributes } from '../model/schemas.js';
import { checkAttributeValue, isMissingValue } from './attribute-values.js';
import { ATTRIBUTE_FIELD_CODES, META_MODEL_ERRORS, RELATION_FIELD_CODES } from './errors.js';
import { joinNames, keyAsName, localizedName, readObjectTypeNames } from './names.js';
import { readObjectType, sourceEndAllowed, targetEndAllowed, toRelationType, RELATION_TYPE_COLUMNS, type AttributeDefinition, type ObjectType } from './meta-model.js';

export { loadMetaModel, type MetaModel } from './meta-model.js';

/** Options of checkObjectInput for callers that write many objects at once. */
export interface ObjectCheckOptions {
  /**
   * Objects that a reference attribute may point to although the database
   * does not have them yet (id to object type), such as the other objects of
   * an import. They are consulted before the database.
   */
  pendingObjects?: ReadonlyMap<string, string>;
}

/**
 * Checks the type and attributes of a new or changed object against the
 * meta-model and returns the attributes to store. Throws 422
 * OBJECT_TYPE_UNKNOWN for a type the meta-model lacks, and 422
 * OBJECT_ATTRIBUTES_INVALID with one `fields` entry (`attributes.<key>`) per
 * unknown, missing or invalid attribute, all found in one pass.
 *
 * The object type and the referenced objects are locked FOR KEY SHARE until
 * the caller's transaction ends, so no administrator changes the type's
 * attributes and no referenced object is deleted in between. Call it in a
 * transaction that may write.
 */
export async function checkObjectInput(
  transaction: Transaction,
  input: { type: string; attributes: Attributes },
  options: ObjectCheckOptions = {},
): Promise<Attributes> {
  const type = await readObjectType(transaction, input.type, { lock: 'key share' });
  if (!type) {
    throw new AppError(META_MODEL_ERRORS.objectTypeUnknown, {
      values: { type: input.type },
      fields: [{ field: 'type', code: META_MODEL_ERRORS.objectTypeUnknown.code }],
    });
  }

  const { problems, references } = findAttributeProblems(type, input.attributes);
  for (const [key, code] of await checkReferences(transaction, references, options.pendingObjects)) problems.set(key, code);

  if (problems.size > 0) {
    const fields: FieldProblem[] = [...problems].map(([key, code]) => ({ field: `attributes.${key}`, code }));
    // Attributes the type defines are named in the user's language, and an unknown key can only be named by itself.
    const definitions = new Map(type.attributes.map((definition) => [definition.key, definition]));
    const names = [...problems.keys()].map((key) => {
      const definition = definitions.get(key);
      return definition ? localizedName(definition) : keyAsName(key);
    });
    throw new AppError(META_MODEL_ERRORS.objectAttributesInvalid, {
      values: { attributes: joinNames(names) },
      fields,
      detail: `object of type ${type.key}: ${fields.map((field) => `${field.field} ${field.code}`).join('; ')}`,
    });
  }
  return { ...input.attributes };
}

/** A reference attribute whose value has the form of an object id, still to be looked up. */
export interface ReferenceValue {
  key: string;
  id: string;
  definition: AttributeDefinition;
}

/**
 * Checks attributes against a loaded object type without the database:
 * returns the field code of each unknown, missing or invalid attribute, and
 * the reference values whose objects are still to be looked up.
 */
export function findAttributeProblems(type: ObjectType, attributes: Attributes): { problems: Map<string, string>; references: ReferenceValue[] } {
  const definitions = new Map(type.attributes.map((definition) => [definition.key, definition]));
  const problems = new Map<string, string>();
  const references: ReferenceValue[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    const definition = definitions.get(key);
    const code = definition ? checkAttributeValue(definition, value) : ATTRIBUTE_FIELD_CODES.unknown;
    if (code) problems.set(key, code);
    else if (definition?.kind === 'reference') references.push({ key, id: value as string, definition });
  }
  for (const definition of type.attributes) {
    const value = Object.hasOwn(attributes, definition.key) ? attributes[definition.key] : undefined;
    if (definition.required && !problems.has(definition.key) && isMissingValue(value)) {
      problems.set(definition.key, ATTRIBUTE_FIELD_CODES.required);
    }
  }
  return { problems, references };
}

/** Returns the reference attributes whose object is missing or of a type the attribute does not accept, with their field codes. */
async function checkReferences(
  transaction: Transaction,
  references: ReferenceValue[],
  pendingObjects: ReadonlyMap<string, string> | undefined,
): Promise<Map<string, string>> {
  const problems = new Map<string, string>();
  if (references.length === 0) return problems;

  const ids = [...new Set(references.map((reference) => reference.id.toLowerCase()))].filter((id) => !pendingObjects?.has(id));
  const found = new Map<string, string>(pendingObjects ?? []);
  if (ids.length > 0) {
    const result = await transaction.query<{ id: string; type: string }>(
      'SELECT id, type FROM objects WHERE id = ANY($1::uuid[]) FOR KEY SHARE',
      [ids],
    );
    for (const row of result.rows) found.set(row.id, row.type);
  }

  for (const { key, id, definition } of references) {
    const objectType = found.get(id.toLowerCase());
    if (objectType === undefined) problems.set(key, ATTRIBUTE_FIELD_CODES.referenceNotFound);
    else if (definition.referenceType !== null && objectType !== definition.referenceType) {
      problems.set(key, ATTRIBUTE_FIELD_CODES.referenceWrongType);
    }
  }
  return problems;
}

/**
 * Checks that a relation type exists and allows a relation from an object of
 * `sourceType` to one of `targetType`. Throws 422 RELATION_TYPE_UNKNOWN or
 * 422 RELATION_NOT_ALLOWED, whose `fields` name `sourceId` and/or `targetId`.
 *
 * The relation type's row is locked FOR SHARE until the caller's transaction
 * ends, so an administrator cannot narrow its allowed ends in between.
 */
export async function checkRelationAllowed(
  transaction: Transaction,
  input: { type: string; sourceType: string; targetType: string },
): Promise<void> {
  const result = await transaction.query(`SELECT ${RELATION_TYPE_COLUMNS} FROM relation_types WHERE key = $1 FOR SHARE`, [input.type]);
  if (!result.rows[0]) {
    throw new AppError(META_MODEL_ERRORS.relationTypeUnknown, {
      values: { type: input.type },
      fields: [{ field: 'type', code: META_MODEL_ERRORS.relationTypeUnknown.code }],
    });
  }

  const relationType = toRelationType(result.rows[0]);
  const fields: FieldProblem[] = [];
  if (!sourceEndAllowed(relationType, input.sourceType)) fields.push({ field: 'sourceId', code: RELATION_FIELD_CODES.sourceNotAllowed });
  if (!targetEndAllowed(relationType, input.targetType)) fields.push({ field: 'targetId', code: RELATION_FIELD_CODES.targetNotAllowed });
  if (fields.length > 0) {
    const typeNames = await readObjectTypeNames(transaction, [input.sourceType, input.targetType]);
    throw new AppError(META_MODEL_ERRORS.relationNotAllowed, {
      values: { type: localizedName(relationType), sourceType: typeNames.get(input.sourceType)!, targetType: typeNames.get(input.targetType)! },
      fields,
      detail: `relation type ${input.type} from ${input.sourceType} to ${input.targetType}`,
    });
  }
}
