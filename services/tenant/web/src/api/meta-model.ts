import { apiRequest, queryString } from './client';

/** Roles an administrator can give an object type; the requirement roles belong to built-in types only. */
export const ASSIGNABLE_ROLES = ['general', 'information', 'organisation_unit'] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

/** Roles of the built-in requirement types, whose objects are created through requirement sets only. */
export const REQUIREMENT_ROLES: readonly string[] = ['requirement_set', 'requirement'];

export const ATTRIBUTE_KINDS = ['text', 'long_text', 'number', 'date', 'choice', 'boolean', 'reference'] as const;
export type AttributeKind = (typeof ATTRIBUTE_KINDS)[number];

export const PROTECTION_FLOWS = ['none', 'source_to_target', 'target_to_source'] as const;
export type ProtectionFlow = (typeof PROTECTION_FLOWS)[number];

/** One allowed value of a choice attribute. */
export interface AttributeChoice {
  key: string;
  sv: string;
  en: string;
}

export interface AttributeDefinition {
  key: string;
  nameSv: string;
  nameEn: string;
  kind: AttributeKind;
  choices: AttributeChoice[];
  /** The object type a reference points to; null for any type and for other kinds. */
  referenceType: string | null;
  required: boolean;
  sortOrder: number;
}

export interface ObjectTypeDefinition {
  key: string;
  nameSv: string;
  nameEn: string;
  /** A lucide icon name. */
  icon: string;
  role: string;
  builtIn: boolean;
  sortOrder: number;
  version: number;
  attributes: AttributeDefinition[];
  objectCount: number;
}

export interface RelationTypeDefinition {
  key: string;
  nameSv: string;
  nameEn: string;
  reverseNameSv: string;
  reverseNameEn: string;
  /** Allowed source types; null allows every type. */
  sourceTypes: string[] | null;
  targetTypes: string[] | null;
  protectionFlow: ProtectionFlow;
  builtIn: boolean;
  sortOrder: number;
  version: number;
  relationCount: number;
}

/** GET /api/meta-model, in full. */
export interface MetaModel {
  objectTypes: ObjectTypeDefinition[];
  relationTypes: RelationTypeDefinition[];
}

export const META_MODEL_PATH = '/api/meta-model';

export interface NewObjectType {
  key: string;
  nameSv: string;
  nameEn: string;
  icon?: string;
  role: AssignableRole;
}

export function createObjectType(input: NewObjectType): Promise<ObjectTypeDefinition> {
  return apiRequest('/api/meta-model/object-types', { method: 'POST', body: input });
}

/** Changes an object type; `version` is the version the change is based on. */
export function updateObjectType(
  typeKey: string,
  changes: { version: number; nameSv?: string; nameEn?: string; icon?: string; role?: AssignableRole },
): Promise<ObjectTypeDefinition> {
  return apiRequest(`/api/meta-model/object-types/${encodeURIComponent(typeKey)}`, { method: 'PATCH', body: changes });
}

export interface NewAttribute {
  key: string;
  nameSv: string;
  nameEn: string;
  kind: AttributeKind;
  choices?: AttributeChoice[];
  referenceType?: string | null;
  required: boolean;
}

function attributesPath(typeKey: string): string {
  return `/api/meta-model/object-types/${encodeURIComponent(typeKey)}/attributes`;
}

export function createAttribute(typeKey: string, input: NewAttribute): Promise<AttributeDefinition> {
  return apiRequest(attributesPath(typeKey), { method: 'POST', body: input });
}

/**
 * Changes an attribute. `version` is the object type's, because attributes
 * have no version of their own. The server rejects a change that stored
 * values do not fit with 409 ATTRIBUTE_VALUES_INCOMPATIBLE.
 */
export function updateAttribute(
  typeKey: string,
  attributeKey: string,
  changes: Omit<NewAttribute, 'key'> & { version: number },
): Promise<AttributeDefinition> {
  return apiRequest(`${attributesPath(typeKey)}/${encodeURIComponent(attributeKey)}`, { method: 'PATCH', body: changes });
}

/** Returns how many stored values removing the attribute would drop. */
export async function previewAttributeRemoval(typeKey: string, attributeKey: string): Promise<number> {
  const preview = await apiRequest<{ values: number }>(`${attributesPath(typeKey)}/${encodeURIComponent(attributeKey)}/removal-preview`);
  return preview.values;
}

/**
 * Removes the attribute and its values. The server rejects the request with
 * 409 ATTRIBUTE_REMOVAL_COUNT_CHANGED when `values` no longer matches, so the
 * user never drops more values than the confirmation showed.
 */
export async function removeAttribute(typeKey: string, attributeKey: string, values: number): Promise<void> {
  await apiRequest(`${attributesPath(typeKey)}/${encodeURIComponent(attributeKey)}${queryString({ values })}`, { method: 'DELETE' });
}

export interface NewRelationType {
  key: string;
  nameSv: string;
  nameEn: string;
  reverseNameSv: string;
  reverseNameEn: string;
  sourceTypes: string[] | null;
  targetTypes: string[] | null;
  protectionFlow: ProtectionFlow;
}

export function createRelationType(input: NewRelationType): Promise<RelationTypeDefinition> {
  return apiRequest('/api/meta-model/relation-types', { method: 'POST', body: input });
}

/** Changes a relation type. Narrowing its ends while relations use them is rejected with 409 RELATION_TYPE_ENDS_IN_USE. */
export function updateRelationType(typeKey: string, changes: Omit<NewRelationType, 'key'> & { version: number }): Promise<RelationTypeDefinition> {
  return apiRequest(`/api/meta-model/relation-types/${encodeURIComponent(typeKey)}`, { method: 'PATCH', body: changes });
}

/** Removes an object type. The server rejects it with 409 while objects, relation types, attributes or rules use the type. */
export async function removeObjectType(typeKey: string, version: number): Promise<void> {
  await apiRequest(`/api/meta-model/object-types/${encodeURIComponent(typeKey)}${queryString({ version })}`, { method: 'DELETE' });
}

/** Removes a relation type. The server rejects it with 409 RELATION_TYPE_IN_USE while relations have it. */
export async function removeRelationType(typeKey: string, version: number): Promise<void> {
  await apiRequest(`/api/meta-model/relation-types/${encodeURIComponent(typeKey)}${queryString({ version })}`, { method: 'DELETE' });
}
