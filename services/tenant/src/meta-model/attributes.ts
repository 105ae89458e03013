import { isDeepStrictEqual } from 'node:util';
import { AppError } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../audit/audit.js';
import { notifyChange } from '../live/notify.js';
import { AppErrorWithDetails } from '../model/error-details.js';
import { convertAttributeValue, isMissingValue, type AttributeValue } from './attribute-values.js';
import { localizedName } from './names.js';
import { META_MODEL_ERRORS } from './errors.js';
import { ATTRIBUTE_COLUMNS, readObjectType, toAttributeDefinition, type AttributeDefinition, type AttributeKind, type Choice, type ObjectType } from './meta-model.js';
import { checkVersion } from './version-conflict.js';

export interface NewAttribute {
  key: string;
  nameSv: string;
  nameEn: string;
  kind: AttributeKind;
  choices?: Choice[];
  referenceType?: string | null;
  required?: boolean;
  sortOrder?: number;
}

/** A change of an attribute; `version` is the version of its object type. */
export interface AttributeChanges {
  version: number;
  nameSv?: string;
  nameEn?: string;
  kind?: AttributeKind;
  choices?: Choice[];
  referenceType?: string | null;
  required?: boolean;
  sortOrder?: number;
}

/**
 * Adds an attribute to an object type and raises the type's version. A
 * required attribute is refused with 409 ATTRIBUTE_VALUES_INCOMPATIBLE while
 * objects of the type lack a value, since they would no longer pass the
 * checks.
 */
export async function createAttribute(transaction: Transaction, source: AuditSource, typeKey: string, input: NewAttribute): Promise<AttributeDefinition> {
  const type = await lockObjectType(transaction, typeKey);
  const definition: AttributeDefinition = {
    key: input.key,
    nameSv: input.nameSv,
    nameEn: input.nameEn,
    kind: input.kind,
    choices: input.choices ?? [],
    referenceType: input.referenceType ?? null,
    required: input.required ?? false,
    sortOrder: input.sortOrder ?? nextSortOrder(type),
  };
  await checkDefinitionShape(transaction, definition);
  if (type.attributes.some((attribute) => attribute.key === definition.key)) {
    throw new AppError(META_MODEL_ERRORS.attributeExists, { values: { type: typeKey, attribute: definition.key } });
  }
  const { conversions } = await planValueConversions(transaction, typeKey, definition);

  const result = await transaction.query(
    `INSERT INTO attribute_definitions (object_type, key, name_sv, name_en, kind, choices, reference_type, required, sort_order)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${ATTRIBUTE_COLUMNS}`,
    [typeKey, definition.key, definition.nameSv, definition.nameEn, definition.kind, JSON.stringify(definition.choices),
      definition.referenceType, definition.required, definition.sortOrder],
  );
  const created = toAttributeDefinition(result.rows[0]);
  const changedObjects = await applyValueConversions(transaction, typeKey, definition.key, conversions);
  const version = await raiseTypeVersion(transaction, typeKey);

  await notifyChange(transaction, { entity: 'object-type', action: 'updated', id: typeKey, version, ids: changedObjects });
  await writeAuditEntry(transaction, source, {
    action: 'attribute.created',
    entityType: 'object-type',
    entityId: typeKey,
    before: null,
    after: { ...created, convertedValues: changedObjects.length },
    summary: `attribute ${definition.key} of object type ${typeKey}`,
  });
  return created;
}

/**
 * Changes an attribute and raises its type's version. A change of kind,
 * choices, referenced type or `required` goes through only when every stored
 * value still fits, converted where that loses nothing (see
 * convertAttributeValue). Otherwise nothing changes and the error is 409
 * ATTRIBUTE_VALUES_INCOMPATIBLE with the number of values that would break.
 * Objects whose value was converted get a new version.
 */
export async function changeAttribute(
  transaction: Transaction,
  source: AuditSource,
  typeKey: string,
  attributeKey: string,
  changes: AttributeChanges,
): Promise<AttributeDefinition> {
  const type = await lockObjectType(transaction, typeKey);
  checkVersion(META_MODEL_ERRORS.objectTypeVersionConflict, type, { version: changes.version });
  const before = findAttribute(type, attributeKey);

  const kind = changes.kind ?? before.kind;
  // A kind other than choice and reference cannot keep the old choices or referenced type.
  let referenceType = kind === 'reference' ? before.referenceType : null;
  if (changes.referenceType !== undefined) referenceType = changes.referenceType;
  const after: AttributeDefinition = {
    key: before.key,
    nameSv: changes.nameSv ?? before.nameSv,
    nameEn: changes.nameEn ?? before.nameEn,
    kind,
    choices: changes.choices ?? (kind === 'choice' ? before.choices : []),
    referenceType,
    required: changes.required ?? before.required,
    sortOrder: changes.sortOrder ?? before.sortOrder,
  };
  await checkDefinitionShape(transaction, after);

  const valuesAffected =
    after.kind !== before.kind ||
    !isDeepStrictEqual(after.choices.map((choice) => choice.key), before.choices.map((choice) => choice.key)) ||
    after.referenceType !== before.referenceType ||
    (after.required && !before.required);
  const { conversions } = valuesAffected ? await planValueConversions(transaction, typeKey, after) : { conversions: [] };

  await transaction.query(
    `UPDATE attribute_definitions SET name_sv = $3, name_en = $4, kind = $5, choices = $6, reference_type = $7, required = $8, sort_order = $9
     WHERE object_type = $1 AND key = $2`,
    [typeKey, attributeKey, after.nameSv, after.nameEn, after.kind, JSON.stringify(after.choices), after.referenceType, after.required, after.sortOrder],
  );
  const changedObjects = await applyValueConversions(transaction, typeKey, attributeKey, conversions);
  const version = await raiseTypeVersion(transaction, typeKey);

  await notifyChange(transaction, { entity: 'object-type', action: 'updated', id: typeKey, version, ids: changedObjects });
  await writeAuditEntry(transaction, source, {
    action: 'attribute.changed',
    entityType: 'object-type',
    entityId: typeKey,
    before,
    after: { ...after, convertedValues: changedObjects.length },
    summary: `attribute ${attributeKey} of object type ${typeKey}`,
  });
  return after;
}

/** Counts the objects that hold a value of an attribute, which removing it would drop. */
export async function previewAttributeRemoval(transaction: Transaction, typeKey: string, attributeKey: string): Promise<{ values: number }> {
  const type = await readObjectType(transaction, typeKey);
  if (!type) throw new AppError(META_MODEL_ERRORS.objectTypeNotFound, { values: { type: typeKey } });
  findAttribute(type, attributeKey);
  return { values: await countValues(transaction, typeKey, attributeKey) };
}

/**
 * Removes an attribute and its value from every object of the type. It does
 * so only when `confirmedValues` equals the number of values stored now, so
 * the user confirms what is really dropped. Otherwise it throws 409
 * ATTRIBUTE_REMOVAL_COUNT_CHANGED with the current count in `values`. The
 * audit entry records the count.
 */
export async function removeAttribute(
  transaction: Transaction,
  source: AuditSource,
  typeKey: string,
  attributeKey: string,
  confirmedValues: number,
): Promise<{ values: number }> {
  const type = await lockObjectType(transaction, typeKey);
  const before = findAttribute(type, attributeKey);
  const values = await countValues(transaction, typeKey, attributeKey);
  if (values !== confirmedValues) {
    throw new AppErrorWithDetails(
      META_MODEL_ERRORS.attributeRemovalCountChanged,
      { values },
      { values: { attribute: localizedName(before), values, confirmed: confirmedValues } },
    );
  }

  await transaction.query('DELETE FROM attribute_definitions WHERE object_type = $1 AND key = $2', [typeKey, attributeKey]);
  const changed = await transaction.query<{ id: string }>(
    `UPDATE objects SET attributes = attributes - $2::text, version = version + 1, updated_at = now()
     WHERE type = $1 AND attributes ? $2 RETURNING id`,
    [typeKey, attributeKey],
  );
  const version = await raiseTypeVersion(transaction, typeKey);

  await notifyChange(transaction, { entity: 'object-type', action: 'updated', id: typeKey, version, ids: changed.rows.map((row) => row.id) });
  await writeAuditEntry(transaction, source, {
    action: 'attribute.removed',
    entityType: 'object-type',
    entityId: typeKey,
    before: { ...before, values },
    after: null,
    summary: `attribute ${attributeKey} of object type ${typeKey}, ${values} values dropped`,
  });
  return { values };
}

/** Reads an object type FOR UPDATE, which waits for and then blocks every object check against it, or throws OBJECT_TYPE_NOT_FOUND. */
async function lockObjectType(transaction: Transaction, typeKey: string): Promise<ObjectType> {
  const type = await readObjectType(transaction, typeKey, { lock: 'update' });
  if (!type) throw new AppError(META_MODEL_ERRORS.objectTypeNotFound, { values: { type: typeKey } });
  return type;
}

function findAttribute(type: ObjectType, attributeKey: string): AttributeDefinition {
  const attribute = type.attributes.find((candidate) => candidate.key === attributeKey);
  if (!attribute) throw new AppError(META_MODEL_ERRORS.attributeNotFound, { values: { type: type.key, attribute: attributeKey } });
  return attribute;
}

function nextSortOrder(type: ObjectType): number {
  return Math.max(0, ...type.attributes.map((attribute) => attribute.sortOrder)) + 10;
}

/**
 * Checks what the table's constraints cannot: a choice attribute has at
 * least one choice and unique choice keys, other kinds have none, and only a
 * reference names a referenced type, which must exist.
 */
async function checkDefinitionShape(transaction: Transaction, definition: AttributeDefinition): Promise<void> {
  const choiceKeys = definition.choices.map((choice) => choice.key);
  const choicesValid = definition.kind === 'choice' ? choiceKeys.length > 0 && new Set(choiceKeys).size === choiceKeys.length : choiceKeys.length === 0;
  if (!choicesValid) throw new AppError(META_MODEL_ERRORS.attributeChoicesInvalid);

  if (definition.referenceType === null) return;
  const exists =
    definition.kind === 'reference' &&
    (await transaction.query('SELECT 1 FROM object_types WHERE key = $1 FOR KEY SHARE', [definition.referenceType])).rowCount === 1;
  if (!exists) throw new AppError(META_MODEL_ERRORS.attributeReferenceTypeInvalid, { values: { type: definition.referenceType } });
}

/**
 * Works out how every stored value of the attribute fits `definition`:
 * the values to rewrite, or 409 ATTRIBUTE_VALUES_INCOMPATIBLE with the
 * number of values (and, for a required attribute, of objects without a
 * value) that cannot be kept.
 */
async function planValueConversions(
  transaction: Transaction,
  typeKey: string,
  definition: AttributeDefinition,
): Promise<{ conversions: { id: string; value: AttributeValue }[] }> {
  const stored = await transaction.query<{ id: string; value: AttributeValue }>(
    'SELECT id, attributes -> $2::text AS value FROM objects WHERE type = $1 AND attributes ? $2',
    [typeKey, definition.key],
  );

  let broken = 0;
  const conversions: { id: string; value: AttributeValue }[] = [];
  const references = new Map<string, string>();
  for (const { id, value } of stored.rows) {
    const converted = convertAttributeValue(definition, value);
    if (converted === undefined || (definition.required && isMissingValue(converted))) {
      broken += 1;
      continue;
    }
    if (definition.kind === 'reference') references.set(id, (converted as string).toLowerCase());
    if (converted !== value) conversions.push({ id, value: converted });
  }
  broken += await countBrokenReferences(transaction, definition, references);
  if (definition.required) {
    const missing = await transaction.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM objects WHERE type = $1 AND NOT attributes ? $2',
      [typeKey, definition.key],
    );
    broken += missing.rows[0]!.count;
  }

  if (broken > 0) {
    throw new AppErrorWithDetails(
      META_MODEL_ERRORS.attributeValuesIncompatible,
      { values: broken },
      { values: { attribute: localizedName(definition), values: broken } },
    );
  }
  return { conversions };
}

/** Counts reference values (object id to referenced id) whose object is missing or of a type the definition does not accept. */
async function countBrokenReferences(transaction: Transaction, definition: AttributeDefinition, references: Map<string, string>): Promise<number> {
  if (references.size === 0) return 0;
  const found = await transaction.query<{ id: string; type: string }>('SELECT id, type FROM objects WHERE id = ANY($1::uuid[])', [
    [...new Set(references.values())],
  ]);
  const types = new Map(found.rows.map((row) => [row.id, row.type]));
  let broken = 0;
  for (const target of references.values()) {
    const type = types.get(target);
    if (type === undefined || (definition.referenceType !== null && type !== definition.referenceType)) broken += 1;
  }
  return broken;
}

/** Writes converted values and raises the version of each changed object. Returns the ids of the changed objects. */
async function applyValueConversions(
  transaction: Transaction,
  typeKey: string,
  attributeKey: string,
  conversions: { id: string; value: AttributeValue }[],
): Promise<string[]> {
  if (conversions.length === 0) return [];
  const result = await transaction.query<{ id: string }>(
    `UPDATE objects o SET attributes = jsonb_set(o.attributes, ARRAY[$2::text], c.value), version = o.version + 1, updated_at = now()
     FROM unnest($3::uuid[], $4::jsonb[]) AS c(id, value)
     WHERE o.id = c.id AND o.type = $1 RETURNING o.id`,
    [typeKey, attributeKey, conversions.map((conversion) => conversion.id), conversions.map((conversion) => JSON.stringify(conversion.value))],
  );
  return result.rows.map((row) => row.id);
}

async function raiseTypeVersion(transaction: Transaction, typeKey: string): Promise<number> {
  const result = await transaction.query<{ version: number }>(
    'UPDATE object_types SET version = version + 1, updated_at = now() WHERE key = $1 RETURNING version',
    [typeKey],
  );
  return result.rows[0]!.version;
}

async function countValues(transaction: Transaction, typeKey: string, attributeKey: string): Promise<number> {
  const result = await transaction.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM objects WHERE type = $1 AND attributes ? $2',
    [typeKey, attributeKey],
  );
  return result.rows[0]!.count;
}
