import { randomUUID } from 'node:crypto';
import { AppError, type Locale } from '@esm/common';
import type { ErrorObject } from 'ajv';
import type { Transaction } from '../db/transaction.js';
import { loadMetaModel, type MetaModel } from '../meta-model/validate.js';
import { EXCHANGE_ERRORS, EXCHANGE_PROBLEMS } from './errors.js';
import {
  buildEffectiveMetaModel,
  checkMetaModelReferences,
  checkMetaModelSection,
  type EffectiveMetaModel,
  type MetaModelMode,
} from './model-meta-model-checks.js';
import { checkUnique, ProblemList } from './model-problems.js';
import { validateModelDocumentSchema } from './model-schema.js';
import { readClassificationScale } from './scale.js';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ApplicabilityRuleEntry,
  type MetaModelSection,
  type ModelDocument,
  type ModelPart,
  type ObjectEntry,
  type RelationEntry,
  type RequirementEntry,
  type RequirementSetEntry,
  type StatementEntry,
} from './model-types.js';

export { documentInvalidError } from './model-problems.js';
export type { MetaModelMode } from './model-meta-model-checks.js';

/** A checked document, cut to the parts to import, with the new id of every object. */
export interface PreparedModelImport {
  parts: ModelPart[];
  mode: MetaModelMode;
  metaModel: MetaModelSection | null;
  /** The tenant's meta-model before the import. */
  target: MetaModel;
  objects: ObjectEntry[];
  sets: RequirementSetEntry[];
  requirements: RequirementEntry[];
  applicabilityRules: ApplicabilityRuleEntry[];
  relations: RelationEntry[];
  statements: StatementEntry[];
  /** New ids by the document's ids in lower case. */
  newIds: Map<string, string>;
  /** The attributes of each object with references mapped to new ids, by the object's document id. */
  attributes: Map<string, ObjectEntry['attributes']>;
  /** A JSON pointer to each object in the document, for problems found later. */
  paths: Map<string, string>;
}

/**
 * Checks a model document completely against the format, against itself
 * and against the tenant, without writing. Every reference must resolve.
 * Every type, dimension and level must exist in the meta-model that the
 * import leaves, and no external id or requirement source may be in use.
 * Relations, statements and reference values that point to objects of a
 * part not imported are left out. Throws EXCHANGE_FORMAT_UNSUPPORTED or
 * EXCHANGE_DOCUMENT_INVALID with every problem found.
 */
export async function prepareModelImport(
  transaction: Transaction,
  input: unknown,
  parts: readonly ModelPart[],
  locale: Locale,
): Promise<PreparedModelImport> {
  assertModelFormat(input);
  const problems = new ProblemList();
  if (!validateModelDocumentSchema(input)) {
    for (const error of validateModelDocumentSchema.errors ?? []) addSchemaProblem(problems, error);
    problems.throwIfAny(locale);
  }
  const document = input as ModelDocument;
  const selected = document.parts.filter((part) => parts.includes(part));

  const target = await loadMetaModel(transaction);
  const targetScale = await readClassificationScale(transaction);
  const objectCount = await countObjects(transaction);
  const metaModel = selected.includes('metaModel') ? (document.metaModel ?? null) : null;
  let mode: MetaModelMode = 'keep';
  if (metaModel) mode = objectCount === 0 ? 'replace' : 'merge';
  if (metaModel) checkMetaModelSection(metaModel, target, problems);
  const effective = buildEffectiveMetaModel(target, targetScale, metaModel, mode);
  if (metaModel) checkMetaModelReferences(metaModel, effective, problems);

  const objects = selected.includes('objects') ? (document.objects ?? []) : [];
  const requirementsSection = selected.includes('requirements') ? document.requirements : undefined;
  const sets = requirementsSection?.sets ?? [];
  const requirements = requirementsSection?.requirements ?? [];

  // Every object of the document, imported or not, so a reference to a part left out is not taken for a broken one.
  const documentIds = new Set<string>();
  const paths = new Map<string, string>();
  const entries: [ObjectEntry, string, 'object' | 'set' | 'requirement'][] = [
    ...(document.objects ?? []).map((entry, index) => [entry, `/objects/${index}`, 'object'] as [ObjectEntry, string, 'object']),
    ...(document.requirements?.sets ?? []).map((entry, index) => [entry, `/requirements/sets/${index}`, 'set'] as [ObjectEntry, string, 'set']),
    ...(document.requirements?.requirements ?? []).map(
      (entry, index) => [entry, `/requirements/requirements/${index}`, 'requirement'] as [ObjectEntry, string, 'requirement'],
    ),
  ];
  for (const [entry, path] of entries) {
    const id = entry.id.toLowerCase();
    if (documentIds.has(id)) problems.add(`${path}/id`, EXCHANGE_PROBLEMS.duplicateKey, { key: entry.id });
    documentIds.add(id);
    paths.set(id, path);
  }

  const importedEntries = new Set<ObjectEntry>([...objects, ...sets, ...requirements]);
  const imported = entries.filter(([entry]) => importedEntries.has(entry));
  const newIds = new Map(imported.map(([entry]) => [entry.id.toLowerCase(), randomUUID()]));
  const typeOf = new Map(imported.map(([entry]) => [entry.id.toLowerCase(), entry.type]));
  const externalIds = await readTakenExternalIds(transaction, imported.map(([entry]) => entry.externalId).filter((id): id is string => id !== null));
  const attributes = new Map<string, ObjectEntry['attributes']>();
  const seenExternalIds = new Set<string>();
  for (const [entry, path, section] of imported) {
    checkObjectEntry(entry, path, section, effective, problems);
    if (entry.externalId !== null) {
      if (seenExternalIds.has(entry.externalId)) problems.add(`${path}/externalId`, EXCHANGE_PROBLEMS.duplicateKey, { key: entry.externalId });
      if (externalIds.has(entry.externalId)) problems.add(`${path}/externalId`, EXCHANGE_PROBLEMS.externalIdTaken, { externalId: entry.externalId });
      seenExternalIds.add(entry.externalId);
    }
    attributes.set(entry.id.toLowerCase(), mapReferences(entry, path, effective, { newIds, documentIds }, problems));
  }

  if (requirementsSection) await checkRequirements(transaction, requirementsSection, effective, problems);
  const relations = selectRelations(document.relations, effective, { typeOf, documentIds }, problems);
  const requirementIds = new Set(requirements.map((requirement) => requirement.id.toLowerCase()));
  const statements = selectStatements(document.statements, { typeOf, documentIds, requirementIds }, problems);

  problems.throwIfAny(locale);
  return {
    parts: selected,
    mode,
    metaModel,
    target,
    objects,
    sets,
    requirements,
    applicabilityRules: requirementsSection?.applicabilityRules ?? [],
    relations,
    statements,
    newIds,
    attributes,
    paths,
  };
}

/** Throws EXCHANGE_FORMAT_UNSUPPORTED unless the value claims to be a model document of format version 1. */
export function assertModelFormat(input: unknown): void {
  const header = input as Partial<ModelDocument> | null;
  if (typeof header !== 'object' || header === null || header.format !== MODEL_FORMAT || header.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new AppError(EXCHANGE_ERRORS.modelFormatUnsupported);
  }
}

/** Counts the tenant's objects. */
export async function countObjects(transaction: Transaction): Promise<number> {
  const result = await transaction.query<{ count: number }>('SELECT count(*)::int AS count FROM objects');
  return result.rows[0]!.count;
}

function addSchemaProblem(problems: ProblemList, error: ErrorObject): void {
  if (error.keyword === 'required') {
    problems.add(error.instancePath, EXCHANGE_PROBLEMS.propertyMissing, { property: String(error.params.missingProperty) });
  } else if (error.keyword === 'additionalProperties') {
    problems.add(error.instancePath, EXCHANGE_PROBLEMS.propertyUnknown, { property: String(error.params.additionalProperty) });
  } else if (error.keyword !== 'anyOf') {
    // anyOf repeats the problems of its branches, which are reported one by one.
    const limit = ['limit', 'type', 'allowedValues', 'allowedValue', 'pattern'].map((name) => error.params[name]).find((value) => value !== undefined);
    problems.add(error.instancePath, EXCHANGE_PROBLEMS.valueInvalid, { rule: limit === undefined ? error.keyword : `${error.keyword} ${JSON.stringify(limit)}` });
  }
}

const EXPECTED_ROLES = { object: null, set: 'requirement_set', requirement: 'requirement' } as const;

function checkObjectEntry(entry: ObjectEntry, path: string, section: 'object' | 'set' | 'requirement', effective: EffectiveMetaModel, problems: ProblemList): void {
  const type = effective.types.get(entry.type);
  if (!type) {
    problems.add(`${path}/type`, EXCHANGE_PROBLEMS.unresolved, { reference: entry.type });
  } else {
    const expectedRole = EXPECTED_ROLES[section];
    const reserved = type.role === 'requirement_set' || type.role === 'requirement';
    if (expectedRole ? type.role !== expectedRole : reserved) problems.add(`${path}/type`, EXCHANGE_PROBLEMS.typeReserved, { type: entry.type });
  }
  checkUnique(entry.levels, (level) => level.dimension, `${path}/levels`, problems);
  entry.levels.forEach((level, index) => {
    const levels = effective.dimensions.get(level.dimension);
    if (!levels) problems.add(`${path}/levels/${index}/dimension`, EXCHANGE_PROBLEMS.unresolved, { reference: level.dimension });
    else if (!levels.has(level.level)) problems.add(`${path}/levels/${index}/level`, EXCHANGE_PROBLEMS.levelUnknown, { dimension: level.dimension, level: level.level });
  });
}

/**
 * Returns the object's attributes with every reference attribute pointing
 * to the new id of its object. A reference to an object of a part not
 * imported is dropped; one to an id the document lacks is a problem.
 */
function mapReferences(
  entry: ObjectEntry,
  path: string,
  effective: EffectiveMetaModel,
  ids: { newIds: Map<string, string>; documentIds: Set<string> },
  problems: ProblemList,
): ObjectEntry['attributes'] {
  const definitions = effective.types.get(entry.type)?.attributes;
  const attributes = { ...entry.attributes };
  for (const [key, value] of Object.entries(entry.attributes)) {
    if (definitions?.get(key)?.kind !== 'reference' || typeof value !== 'string') continue;
    const newId = ids.newIds.get(value.toLowerCase());
    if (newId) attributes[key] = newId;
    else if (ids.documentIds.has(value.toLowerCase())) delete attributes[key];
    else problems.add(`${path}/attributes/${key}`, EXCHANGE_PROBLEMS.unresolved, { reference: value });
  }
  return attributes;
}

async function checkRequirements(
  transaction: Transaction,
  section: NonNullable<ModelDocument['requirements']>,
  effective: EffectiveMetaModel,
  problems: ProblemList,
): Promise<void> {
  const sourceUuids = section.sets.map((set) => set.source.uuid).filter((uuid): uuid is string => uuid !== null);
  const inUse = await transaction.query<{ source_uuid: string }>('SELECT source_uuid FROM requirement_sets WHERE source_uuid = ANY($1::text[])', [sourceUuids]);
  const usedUuids = new Set(inUse.rows.map((row) => row.source_uuid));
  checkUnique(section.sets.filter((set) => set.source.uuid !== null), (set) => set.source.uuid!, '/requirements/sets', problems);
  section.sets.forEach((set, index) => {
    if (set.source.uuid !== null && usedUuids.has(set.source.uuid)) {
      problems.add(`/requirements/sets/${index}/source/uuid`, EXCHANGE_PROBLEMS.sourceTaken, { sourceUuid: set.source.uuid });
    }
  });

  const setIds = new Set(section.sets.map((set) => set.id.toLowerCase()));
  const byId = new Map(section.requirements.map((requirement) => [requirement.id.toLowerCase(), requirement]));
  checkUnique(section.requirements, (requirement) => `${requirement.setId.toLowerCase()} ${requirement.identifier}`, '/requirements/requirements', problems);
  section.requirements.forEach((requirement, index) => {
    const path = `/requirements/requirements/${index}`;
    if (!setIds.has(requirement.setId.toLowerCase())) problems.add(`${path}/setId`, EXCHANGE_PROBLEMS.unresolved, { reference: requirement.setId });
    if (requirement.parentId === null) return;
    const parent = byId.get(requirement.parentId.toLowerCase());
    if (!parent || parent.setId.toLowerCase() !== requirement.setId.toLowerCase()) {
      problems.add(`${path}/parentId`, EXCHANGE_PROBLEMS.unresolved, { reference: requirement.parentId });
    } else if (hasParentCycle(requirement, byId)) {
      problems.add(`${path}/parentId`, EXCHANGE_PROBLEMS.parentCycle);
    }
  });

  section.applicabilityRules.forEach((rule, index) => {
    const path = `/requirements/applicabilityRules/${index}`;
    const subject = rule.subjectId.toLowerCase();
    if (!setIds.has(subject) && !byId.has(subject)) problems.add(`${path}/subjectId`, EXCHANGE_PROBLEMS.unresolved, { reference: rule.subjectId });
    (rule.objectTypes ?? []).forEach((type, typeIndex) => {
      if (!effective.types.has(type)) problems.add(`${path}/objectTypes/${typeIndex}`, EXCHANGE_PROBLEMS.unresolved, { reference: type });
    });
    if ((rule.dimension === null) !== (rule.minLevel === null)) problems.add(path, EXCHANGE_PROBLEMS.ruleLevelIncomplete);
    if (rule.dimension !== null && !effective.dimensions.has(rule.dimension)) {
      problems.add(`${path}/dimension`, EXCHANGE_PROBLEMS.unresolved, { reference: rule.dimension });
    }
  });
}

function hasParentCycle(requirement: RequirementEntry, byId: Map<string, RequirementEntry>): boolean {
  const seen = new Set<string>([requirement.id.toLowerCase()]);
  let parentId = requirement.parentId?.toLowerCase() ?? null;
  while (parentId !== null) {
    if (seen.has(parentId)) return true;
    seen.add(parentId);
    parentId = byId.get(parentId)?.parentId?.toLowerCase() ?? null;
  }
  return false;
}

/** Returns the relations whose both ends are imported, checking their types and ends. */
function selectRelations(
  relations: readonly RelationEntry[],
  effective: EffectiveMetaModel,
  ids: { typeOf: Map<string, string>; documentIds: Set<string> },
  problems: ProblemList,
): RelationEntry[] {
  const selected: RelationEntry[] = [];
  relations.forEach((relation, index) => {
    const path = `/relations/${index}`;
    const ends = [relation.sourceId, relation.targetId].map((id) => id.toLowerCase());
    let complete = true;
    for (const [end, id] of [['sourceId', ends[0]!], ['targetId', ends[1]!]] as const) {
      if (!ids.documentIds.has(id)) problems.add(`${path}/${end}`, EXCHANGE_PROBLEMS.unresolved, { reference: relation[end] });
      if (!ids.typeOf.has(id)) complete = false;
    }
    if (!complete) return;
    const type = effective.relationTypes.get(relation.type);
    const sourceType = ids.typeOf.get(ends[0]!)!;
    const targetType = ids.typeOf.get(ends[1]!)!;
    if (!type) {
      problems.add(`${path}/type`, EXCHANGE_PROBLEMS.unresolved, { reference: relation.type });
    } else if ((type.sourceTypes && !type.sourceTypes.includes(sourceType)) || (type.targetTypes && !type.targetTypes.includes(targetType))) {
      problems.add(path, EXCHANGE_PROBLEMS.relationNotAllowed, { type: relation.type, sourceType, targetType });
    }
    selected.push(relation);
  });
  return selected;
}

/** Returns the statements whose object and requirement are imported, checking them. */
function selectStatements(
  statements: readonly StatementEntry[],
  ids: { typeOf: Map<string, string>; documentIds: Set<string>; requirementIds: Set<string> },
  problems: ProblemList,
): StatementEntry[] {
  checkUnique(statements, (statement) => `${statement.objectId.toLowerCase()} ${statement.requirementId.toLowerCase()}`, '/statements', problems);
  const selected: StatementEntry[] = [];
  statements.forEach((statement, index) => {
    const path = `/statements/${index}`;
    const objectId = statement.objectId.toLowerCase();
    const requirementId = statement.requirementId.toLowerCase();
    if (!ids.documentIds.has(objectId)) problems.add(`${path}/objectId`, EXCHANGE_PROBLEMS.unresolved, { reference: statement.objectId });
    if (!ids.documentIds.has(requirementId)) problems.add(`${path}/requirementId`, EXCHANGE_PROBLEMS.unresolved, { reference: statement.requirementId });
    if (statement.status === 'not_applicable' && statement.reason.trim() === '') problems.add(`${path}/reason`, EXCHANGE_PROBLEMS.reasonMissing);
    if (ids.typeOf.has(objectId) && ids.requirementIds.has(requirementId)) selected.push(statement);
  });
  return selected;
}

async function readTakenExternalIds(transaction: Transaction, externalIds: string[]): Promise<Set<string>> {
  if (externalIds.length === 0) return new Set();
  const result = await transaction.query<{ external_id: string }>('SELECT external_id FROM objects WHERE external_id = ANY($1::text[])', [externalIds]);
  return new Set(result.rows.map((row) => row.external_id));
}
