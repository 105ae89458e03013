import type { Transaction } from '../db/transaction.js';

/** The kinds of attribute value an object type can define. */
export const ATTRIBUTE_KINDS = ['text', 'long_text', 'number', 'date', 'choice', 'boolean', 'reference'] as const;
export type AttributeKind = (typeof ATTRIBUTE_KINDS)[number];

/** The role of an object type, which decides how the platform treats its objects (see the `object_types.role` column). */
export const OBJECT_TYPE_ROLES = ['general', 'information', 'organisation_unit', 'requirement_set', 'requirement'] as const;
export type ObjectTypeRole = (typeof OBJECT_TYPE_ROLES)[number];

/** The roles an administrator may give a type; the requirement roles belong to the built-in types. */
export const ASSIGNABLE_ROLES: readonly ObjectTypeRole[] = ['general', 'information', 'organisation_unit'];

/** The direction in which classification levels travel along relations of a type. */
export const PROTECTION_FLOWS = ['none', 'source_to_target', 'target_to_source'] as const;
export type ProtectionFlow = (typeof PROTECTION_FLOWS)[number];

/** One value of a choice attribute: the stored key and its names. */
export interface Choice {
  key: string;
  sv: string;
  en: string;
}

/** An attribute definition of an object type. */
export interface AttributeDefinition {
  key: string;
  nameSv: string;
  nameEn: string;
  kind: AttributeKind;
  /** The allowed values of a choice attribute; empty for other kinds. */
  choices: Choice[];
  /** The object type a reference attribute points to; null for any type, and for other kinds. */
  referenceType: string | null;
  required: boolean;
  sortOrder: number;
}

/** An object type with its attributes in sort order. */
export interface ObjectType {
  key: string;
  nameSv: string;
  nameEn: string;
  icon: string;
  role: ObjectTypeRole;
  builtIn: boolean;
  sortOrder: number;
  version: number;
  attributes: AttributeDefinition[];
}

/** A relation type: names in both directions, the allowed ends and the protection flow. */
export interface RelationType {
  key: string;
  nameSv: string;
  nameEn: string;
  reverseNameSv: string;
  reverseNameEn: string;
  /** The object types allowed as source; null allows every type. */
  sourceTypes: string[] | null;
  /** The object types allowed as target; null allows every type. */
  targetTypes: string[] | null;
  protectionFlow: ProtectionFlow;
  builtIn: boolean;
  sortOrder: number;
  version: number;
}

/** The tenant's whole meta-model. */
export interface MetaModel {
  objectTypes: ObjectType[];
  relationTypes: RelationType[];
}

export const OBJECT_TYPE_COLUMNS = 'key, name_sv, name_en, icon, role, built_in, sort_order, version';
export const ATTRIBUTE_COLUMNS = 'object_type, key, name_sv, name_en, kind, choices, reference_type, required, sort_order';
export const RELATION_TYPE_COLUMNS =
  'key, name_sv, name_en, reverse_name_sv, reverse_name_en, source_types, target_types, protection_flow, built_in, sort_order, version';

/** Reads every object type with its attributes and every relation type, each in sort order. */
export async function loadMetaModel(transaction: Transaction): Promise<MetaModel> {
  const types = await transaction.query(`SELECT ${OBJECT_TYPE_COLUMNS} FROM object_types ORDER BY sort_order, key`);
  const attributes = await transaction.query(`SELECT ${ATTRIBUTE_COLUMNS} FROM attribute_definitions ORDER BY sort_order, key`);
  const relationTypes = await transaction.query(`SELECT ${RELATION_TYPE_COLUMNS} FROM relation_types ORDER BY sort_order, key`);

  const attributesByType = new Map<string, AttributeDefinition[]>();
  for (const row of attributes.rows) {
    const list = attributesByType.get(row.object_type as string) ?? [];
    list.push(toAttributeDefinition(row));
    attributesByType.set(row.object_type as string, list);
  }
  return {
    objectTypes: types.rows.map((row) => toObjectType(row, attributesByType.get(row.key as string) ?? [])),
    relationTypes: relationTypes.rows.map(toRelationType),
  };
}

/**
 * The row lock that a read of an object type takes. Changes to a type's
 * attributes lock it FOR UPDATE, and checks of objects against the type lock
 * it FOR KEY SHARE, which conflicts only with FOR UPDATE. So an object is
 * never checked against definitions that a concurrent transaction is
 * changing, while objects of one type are still written concurrently.
 */
export type ObjectTypeLock = 'none' | 'key share' | 'update';

/** Reads one object type with its attributes, or returns null. */
export async function readObjectType(transaction: Transaction, key: string, options: { lock?: ObjectTypeLock } = {}): Promise<ObjectType | null> {
  let lock = '';
  if (options.lock === 'update') lock = 'FOR UPDATE';
  if (options.lock === 'key share') lock = 'FOR KEY SHARE';
  const type = await transaction.query(`SELECT ${OBJECT_TYPE_COLUMNS} FROM object_types WHERE key = $1 ${lock}`, [key]);
  if (!type.rows[0]) return null;
  const attributes = await transaction.query(
    `SELECT ${ATTRIBUTE_COLUMNS} FROM attribute_definitions WHERE object_type = $1 ORDER BY sort_order, key`,
    [key],
  );
  return toObjectType(type.rows[0], attributes.rows.map(toAttributeDefinition));
}

/** Reads one relation type, or returns null. With `lock`, the row is locked FOR UPDATE. */
export async function readRelationType(transaction: Transaction, key: string, options: { lock?: boolean } = {}): Promise<RelationType | null> {
  const result = await transaction.query(`SELECT ${RELATION_TYPE_COLUMNS} FROM relation_types WHERE key = $1 ${options.lock ? 'FOR UPDATE' : ''}`, [key]);
  return result.rows[0] ? toRelationType(result.rows[0]) : null;
}

export function toObjectType(row: Record<string, unknown>, attributes: AttributeDefinition[]): ObjectType {
  return {
    key: row.key as string,
    nameSv: row.name_sv as string,
    nameEn: row.name_en as string,
    icon: row.icon as string,
    role: row.role as ObjectTypeRole,
    builtIn: row.built_in as boolean,
    sortOrder: row.sort_order as number,
    version: row.version as number,
    attributes,
  };
}

export function toAttributeDefinition(row: Record<string, unknown>): AttributeDefinition {
  return {
    key: row.key as string,
    nameSv: row.name_sv as string,
    nameEn: row.name_en as string,
    kind: row.kind as AttributeKind,
    choices: row.choices as Choice[],
    referenceType: row.reference_type as string | null,
    required: row.required as boolean,
    sortOrder: row.sort_order as number,
  };
}

export function toRelationType(row: Record<string, unknown>): RelationType {
  return {
    key: row.key as string,
    nameSv: row.name_sv as string,
    nameEn: row.name_en as string,
    reverseNameSv: row.reverse_name_sv as string,
    reverseNameEn: row.reverse_name_en as string,
    sourceTypes: row.source_types as string[] | null,
    targetTypes: row.target_types as string[] | null,
    protectionFlow: row.protection_flow as ProtectionFlow,
    builtIn: row.built_in as boolean,
    sortOrder: row.sort_order as number,
    version: row.version as number,
  };
}

/** Tells whether a relation type allows a relation from an object of `sourceType` to one of `targetType`. */
export function relationEndsAllowed(relationType: Pick<RelationType, 'sourceTypes' | 'targetTypes'>, sourceType: string, targetType: string): boolean {
  return sourceEndAllowed(relationType, sourceType) && targetEndAllowed(relationType, targetType);
}

export function sourceEndAllowed(relationType: Pick<RelationType, 'sourceTypes'>, sourceType: string): boolean {
  return relationType.sourceTypes === null || relationType.sourceTypes.includes(sourceType);
}

export function targetEndAllowed(relationType: Pick<RelationType, 'targetTypes'>, targetType: string): boolean {
  return relationType.targetTypes === null || relationType.targetTypes.includes(targetType);
}

/** The meta-model as `GET /api/meta-model` returns it: every type with the number of objects or relations that have it. */
export interface MetaModelView {
  objectTypes: (ObjectType & { objectCount: number })[];
  relationTypes: (RelationType & { relationCount: number })[];
}

/** Reads the meta-model with the number of objects of each object type and relations of each relation type. */
export async function describeMetaModel(transaction: Transaction): Promise<MetaModelView> {
  const metaModel = await loadMetaModel(transaction);
  const objectCounts = await transaction.query<{ type: string; count: number }>('SELECT type, count(*)::int AS count FROM objects GROUP BY type');
  const relationCounts = await transaction.query<{ type: string; count: number }>('SELECT type, count(*)::int AS count FROM relations GROUP BY type');
  const objectsByType = new Map(objectCounts.rows.map((row) => [row.type, row.count]));
  const relationsByType = new Map(relationCounts.rows.map((row) => [row.type, row.count]));
  return {
    objectTypes: metaModel.objectTypes.map((type) => ({ ...type, objectCount: objectsByType.get(type.key) ?? 0 })),
    relationTypes: metaModel.relationTypes.map((type) => ({ ...type, relationCount: relationsByType.get(type.key) ?? 0 })),
  };
}
