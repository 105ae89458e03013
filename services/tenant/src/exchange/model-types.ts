import type { AttributeKind, Choice, ObjectTypeRole, ProtectionFlow } from '../meta-model/meta-model.js';
import type { Attributes } from '../model/schemas.js';

/** The parts of a model that an export contains and an import takes. */
export type ModelPart = 'metaModel' | 'requirements' | 'objects';
export const MODEL_PARTS: readonly ModelPart[] = ['metaModel', 'requirements', 'objects'];

/** The value of `format` in every model document. */
export const MODEL_FORMAT = 'esm-model';
/** The format version this service writes and reads. */
export const MODEL_FORMAT_VERSION = 1;

export interface AttributeEntry {
  key: string;
  nameSv: string;
  nameEn: string;
  kind: AttributeKind;
  choices: Choice[];
  referenceType: string | null;
  required: boolean;
  sortOrder: number;
}

export interface ObjectTypeEntry {
  key: string;
  nameSv: string;
  nameEn: string;
  icon: string;
  role: ObjectTypeRole;
  sortOrder: number;
  attributes: AttributeEntry[];
}

export interface RelationTypeEntry {
  key: string;
  nameSv: string;
  nameEn: string;
  reverseNameSv: string;
  reverseNameEn: string;
  sourceTypes: string[] | null;
  targetTypes: string[] | null;
  protectionFlow: ProtectionFlow;
  sortOrder: number;
}

export interface LevelDefinitionEntry {
  level: number;
  nameSv: string;
  nameEn: string;
  descriptionSv: string;
  descriptionEn: string;
}

export interface DimensionEntry {
  key: string;
  nameSv: string;
  nameEn: string;
  abbreviationSv: string;
  abbreviationEn: string;
  sortOrder: number;
  levels: LevelDefinitionEntry[];
}

/** The meta-model and the classification scale. */
export interface MetaModelSection {
  objectTypes: ObjectTypeEntry[];
  relationTypes: RelationTypeEntry[];
  classificationDimensions: DimensionEntry[];
}

/** A level set by hand: the object's own level on an information object, else an override. */
export interface LevelEntry {
  dimension: string;
  level: number;
  justification: string;
}

/** An object. `id` is the exporting tenant's id, which the document's references use; an import gives new ids. */
export interface ObjectEntry {
  id: string;
  type: string;
  name: string;
  description: string;
  externalId: string | null;
  /** Reference attributes hold the `id` of another object in the document. */
  attributes: Attributes;
  levels: LevelEntry[];
}

export interface RequirementSetEntry extends ObjectEntry {
  source: {
    format: 'manual' | 'oscal';
    uuid: string | null;
    version: string | null;
    lastModified: string | null;
    importedAt: string | null;
  };
}

export interface RequirementEntry extends ObjectEntry {
  setId: string;
  parentId: string | null;
  identifier: string;
  label: string;
  kind: 'group' | 'requirement';
  statement: string;
  sortOrder: number;
  withdrawn: boolean;
}

export interface ApplicabilityRuleEntry {
  subjectId: string;
  objectTypes: string[] | null;
  dimension: string | null;
  minLevel: number | null;
}

/** Requirement sets, their requirements (a tree through `parentId`) and applicability rules. */
export interface RequirementsSection {
  sets: RequirementSetEntry[];
  requirements: RequirementEntry[];
  applicabilityRules: ApplicabilityRuleEntry[];
}

export interface RelationEntry {
  type: string;
  name: string;
  sourceId: string;
  targetId: string;
  attributes: Attributes;
}

export interface StatementEntry {
  objectId: string;
  requirementId: string;
  status: 'fulfilled' | 'partly_fulfilled' | 'not_fulfilled' | 'not_applicable';
  reason: string;
  comment: string;
  responsible: string;
  /** YYYY-MM-DD. */
  decidedOn: string | null;
}

/**
 * A model as JSON. A section is present when its part is in `parts`.
 * Relations and statements are present when both their ends are.
 * Inherited levels are left out, since an import computes them again.
 */
export interface ModelDocument {
  format: typeof MODEL_FORMAT;
  formatVersion: typeof MODEL_FORMAT_VERSION;
  exportedAt: string;
  parts: ModelPart[];
  metaModel?: MetaModelSection;
  requirements?: RequirementsSection;
  /** Every object that is neither a requirement set nor a requirement. */
  objects?: ObjectEntry[];
  relations: RelationEntry[];
  statements: StatementEntry[];
}

/** How many of each thing an import wrote. */
export interface ImportCounts {
  objectTypes: number;
  relationTypes: number;
  classificationDimensions: number;
  objects: number;
  levels: number;
  requirementSets: number;
  requirements: number;
  applicabilityRules: number;
  relations: number;
  statements: number;
}
