/** Shapes of the classification routes, as docs/architecture.md ("Tenant API") lists them. */

export interface ScaleLevel {
  level: number;
  nameSv: string;
  nameEn: string;
  descriptionSv: string;
  descriptionEn: string;
}

export interface ScaleDimension {
  key: string;
  nameSv: string;
  nameEn: string;
  abbreviationSv: string;
  abbreviationEn: string;
  levels: ScaleLevel[];
}

/** GET /api/classification/scale. */
export interface ClassificationScale {
  version: number;
  dimensions: ScaleDimension[];
}

export interface ObjectSummary {
  id: string;
  name: string;
  type: string;
}

/** A level set by hand: the own level of an information object, an override on any other. */
export interface AssignedLevel {
  level: number;
  justification: string;
  kind: 'own' | 'override';
  version: number;
  updatedAt: string;
  updatedBy: string | null;
}

/** One relation of an explanation, from the object that passes the level on to the one that receives it. */
export interface PathStep {
  relation: {
    id: string;
    type: string;
    sourceId: string;
    targetId: string;
    flow: 'source_to_target' | 'target_to_source';
    nameSv: string;
    nameEn: string;
    reverseNameSv: string;
    reverseNameEn: string;
  };
  from: ObjectSummary;
  to: ObjectSummary;
}

export interface InheritedLevel {
  level: number;
  source: ObjectSummary;
  /** The relations from `source` to the object, in that order. */
  path: PathStep[];
  /** False when the path could not be traced back to the source; `path` then holds the part next to the object. */
  complete: boolean;
}

export interface DimensionClassification {
  dimension: string;
  assigned: AssignedLevel | null;
  inherited: InheritedLevel | null;
  effective: { level: number; origin: 'assigned' | 'inherited' } | null;
}

/** GET /api/objects/:id/classification. */
export interface ObjectClassification {
  object: ObjectSummary;
  dimensions: DimensionClassification[];
  cycle: ObjectSummary[] | null;
}

export type StatementStatus = 'fulfilled' | 'partly_fulfilled' | 'not_fulfilled' | 'not_applicable';

export interface RequirementSummary {
  id: string;
  identifier: string;
  label: string;
  title: string;
  set: { id: string; name: string };
}

export interface ObjectStatement {
  objectId: string;
  requirementId: string;
  status: StatementStatus;
  reason: string;
  comment: string;
  responsible: string;
  decidedOn: string | null;
  version: number;
  updatedAt: string;
  requirement: RequirementSummary & { withdrawn: boolean };
  applicable: boolean;
}

/** GET /api/objects/:id/statements. */
export interface ObjectStatements {
  statements: ObjectStatement[];
  missing: RequirementSummary[];
}
