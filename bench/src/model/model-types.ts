/** An object type of the default meta-model (migration 007) that the generated model uses. */
export type ObjectTypeKey =
  | 'organisation_unit'
  | 'process'
  | 'information_object'
  | 'application'
  | 'platform_service'
  | 'server'
  | 'network'
  | 'partner';

/** A relation type of the default meta-model (migration 007). */
export type RelationTypeKey =
  | 'part_of'
  | 'responsible_for'
  | 'uses_information'
  | 'supported_by'
  | 'handled_in'
  | 'shared_with'
  | 'depends_on'
  | 'runs_on'
  | 'connected_to'
  | 'provided_by';

/** A relation between two objects, by their index in the model's object list. */
export interface GeneratedRelation {
  id: string;
  type: RelationTypeKey;
  source: number;
  target: number;
}

/** Object indices by type, per domain and shared. */
export interface Pools {
  byDomain: Record<ObjectTypeKey, number[][]>;
  shared: Record<ObjectTypeKey, number[]>;
}

