import type { MetaModel } from '../meta-model/validate.js';
import { EXCHANGE_PROBLEMS } from './errors.js';
import type { AttributeEntry, MetaModelSection } from './model-types.js';
import { checkUnique, type ProblemList } from './model-problems.js';

/**
 * The way an imported meta-model combines with the tenant's. A tenant without
 * objects takes the document's meta-model and scale as they are ('replace').
 * A tenant with objects keeps its own types, attributes, relation types and
 * dimensions, and the document's entries overwrite those with the same key
 * ('merge'). Without the metaModel part the tenant's stays ('keep').
 */
export type MetaModelMode = 'replace' | 'merge' | 'keep';

/** An object type as it is once the document's meta-model is applied. */
export interface EffectiveType {
  role: string;
  builtIn: boolean;
  attributes: Map<string, Pick<AttributeEntry, 'kind' | 'referenceType'>>;
}

/** The meta-model and scale the imported objects must fit. */
export interface EffectiveMetaModel {
  types: Map<string, EffectiveType>;
  relationTypes: Map<string, { sourceTypes: string[] | null; targetTypes: string[] | null; builtIn: boolean }>;
  dimensions: Map<string, Set<number>>;
}

/** Checks keys for duplicates, choices for form, and the built-in types' roles. */
export function checkMetaModelSection(section: MetaModelSection, target: MetaModel, problems: ProblemList): void {
  const targetTypes = new Map(target.objectTypes.map((type) => [type.key, type]));
  checkUnique(section.objectTypes, (type) => type.key, '/metaModel/objectTypes', problems);
  section.objectTypes.forEach((type, index) => {
    const path = `/metaModel/objectTypes/${index}`;
    const existing = targetTypes.get(type.key);
    const reservedRole = type.role === 'requirement_set' || type.role === 'requirement';
    if ((existing?.builtIn && existing.role !== type.role) || (reservedRole && !existing?.builtIn)) {
      problems.add(`${path}/role`, EXCHANGE_PROBLEMS.builtInType);
    }
    checkUnique(type.attributes, (attribute) => attribute.key, `${path}/attributes`, problems);
    type.attributes.forEach((attribute, attributeIndex) => {
      const choiceKeys = new Set(attribute.choices.map((choice) => choice.key));
      const valid = attribute.kind === 'choice' ? attribute.choices.length > 0 && choiceKeys.size === attribute.choices.length : attribute.choices.length === 0;
      if (!valid) problems.add(`${path}/attributes/${attributeIndex}/choices`, EXCHANGE_PROBLEMS.choicesInvalid);
      if (attribute.kind !== 'reference' && attribute.referenceType !== null) {
        problems.add(`${path}/attributes/${attributeIndex}/referenceType`, EXCHANGE_PROBLEMS.valueInvalid, { rule: 'referenceType' });
      }
    });
  });
  checkUnique(section.relationTypes, (type) => type.key, '/metaModel/relationTypes', problems);
  checkUnique(section.classificationDimensions, (dimension) => dimension.key, '/metaModel/classificationDimensions', problems);
  section.classificationDimensions.forEach((dimension, index) =>
    checkUnique(dimension.levels, (level) => String(level.level), `/metaModel/classificationDimensions/${index}/levels`, problems),
  );
}

/** Checks that the types the meta-model section names exist once it is applied. */
export function checkMetaModelReferences(section: MetaModelSection, effective: EffectiveMetaModel, problems: ProblemList): void {
  section.objectTypes.forEach((type, index) =>
    type.attributes.forEach((attribute, attributeIndex) => {
      if (attribute.referenceType !== null && !effective.types.has(attribute.referenceType)) {
        problems.add(`/metaModel/objectTypes/${index}/attributes/${attributeIndex}/referenceType`, EXCHANGE_PROBLEMS.unresolved, {
          reference: attribute.referenceType,
        });
      }
    }),
  );
  section.relationTypes.forEach((type, index) => {
    for (const end of ['sourceTypes', 'targetTypes'] as const) {
      (type[end] ?? []).forEach((key, keyIndex) => {
        if (!effective.types.has(key)) problems.add(`/metaModel/relationTypes/${index}/${end}/${keyIndex}`, EXCHANGE_PROBLEMS.unresolved, { reference: key });
      });
    }
  });
}

/** Builds the meta-model that the import leaves in the tenant; see MetaModelMode. Built-in types and relation types always stay. */
export function buildEffectiveMetaModel(
  target: MetaModel,
  targetScale: readonly { key: string; levels: readonly { level: number }[] }[],
  section: MetaModelSection | null,
  mode: MetaModelMode,
): EffectiveMetaModel {
  const effective: EffectiveMetaModel = { types: new Map(), relationTypes: new Map(), dimensions: new Map() };
  for (const type of target.objectTypes) {
    if (mode === 'replace' && !type.builtIn) continue;
    effective.types.set(type.key, { role: type.role, builtIn: type.builtIn, attributes: new Map(type.attributes.map((attribute) => [attribute.key, attribute])) });
  }
  for (const type of target.relationTypes) {
    if (mode === 'replace' && !type.builtIn) continue;
    effective.relationTypes.set(type.key, { sourceTypes: type.sourceTypes, targetTypes: type.targetTypes, builtIn: type.builtIn });
  }
  if (mode !== 'replace') {
    for (const dimension of targetScale) effective.dimensions.set(dimension.key, new Set(dimension.levels.map((level) => level.level)));
  }
  if (!section) return effective;

  for (const type of section.objectTypes) {
    const existing = effective.types.get(type.key);
    const attributes = mode === 'merge' && existing ? new Map(existing.attributes) : new Map<string, Pick<AttributeEntry, 'kind' | 'referenceType'>>();
    for (const attribute of type.attributes) attributes.set(attribute.key, attribute);
    effective.types.set(type.key, { role: existing?.builtIn ? existing.role : type.role, builtIn: existing?.builtIn ?? false, attributes });
  }
  for (const type of section.relationTypes) {
    const builtIn = effective.relationTypes.get(type.key)?.builtIn ?? false;
    effective.relationTypes.set(type.key, { sourceTypes: type.sourceTypes, targetTypes: type.targetTypes, builtIn });
  }
  for (const dimension of section.classificationDimensions) {
    const levels = mode === 'merge' ? new Set(effective.dimensions.get(dimension.key) ?? []) : new Set<number>();
    for (const level of dimension.levels) levels.add(level.level);
    effective.dimensions.set(dimension.key, levels);
  }
  return effective;
}
