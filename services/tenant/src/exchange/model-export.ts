import type { Transaction } from '../db/transaction.js';
import { loadMetaModel, type MetaModel } from '../meta-model/validate.js';
import type { Attributes } from '../model/schemas.js';
import { readClassificationScale } from './scale.js';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_PARTS,
  type ApplicabilityRuleEntry,
  type LevelEntry,
  type MetaModelSection,
  type ModelDocument,
  type ModelPart,
  type ObjectEntry,
  type RelationEntry,
  type RequirementEntry,
  type RequirementSetEntry,
  type StatementEntry,
} from './model-types.js';

/**
 * Reads the tenant's model as a document with the given parts (all by
 * default). Lists are ordered by keys and names, not by ids, so two tenants
 * holding the same model give the same document apart from ids. Relations,
 * statements and reference attribute values are kept only when everything
 * they point to is in the document.
 */
export async function exportModel(transaction: Transaction, parts: readonly ModelPart[] = MODEL_PARTS): Promise<ModelDocument> {
  const metaModel = await loadMetaModel(transaction);
  const levels = await readLevels(transaction);
  const document: ModelDocument = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    exportedAt: new Date().toISOString(),
    parts: MODEL_PARTS.filter((part) => parts.includes(part)),
    relations: [],
    statements: [],
  };
  if (parts.includes('metaModel')) document.metaModel = await readMetaModelSection(transaction, metaModel);
  if (parts.includes('requirements')) {
    document.requirements = {
      sets: await readRequirementSets(transaction, levels),
      requirements: await readRequirements(transaction, levels),
      applicabilityRules: await readApplicabilityRules(transaction),
    };
  }
  if (parts.includes('objects')) document.objects = await readPlainObjects(transaction, levels);

  const included = new Set([
    ...(document.objects ?? []).map((object) => object.id),
    ...(document.requirements?.sets ?? []).map((set) => set.id),
    ...(document.requirements?.requirements ?? []).map((requirement) => requirement.id),
  ]);
  const requirementIds = new Set((document.requirements?.requirements ?? []).map((requirement) => requirement.id));
  dropReferencesOutside(document, metaModel, included);
  if (document.requirements) {
    document.requirements.applicabilityRules = document.requirements.applicabilityRules.filter((rule) => included.has(rule.subjectId));
  }
  document.relations = (await readRelations(transaction)).filter((relation) => included.has(relation.sourceId) && included.has(relation.targetId));
  document.statements = (await readStatements(transaction)).filter(
    (statement) => included.has(statement.objectId) && requirementIds.has(statement.requirementId),
  );
  return document;
}

async function readMetaModelSection(transaction: Transaction, metaModel: MetaModel): Promise<MetaModelSection> {
  const scale = await readClassificationScale(transaction);
  return {
    objectTypes: metaModel.objectTypes.map((type) => ({
      key: type.key,
      nameSv: type.nameSv,
      nameEn: type.nameEn,
      icon: type.icon,
      role: type.role,
      sortOrder: type.sortOrder,
      attributes: type.attributes.map((attribute) => ({
        key: attribute.key,
        nameSv: attribute.nameSv,
        nameEn: attribute.nameEn,
        kind: attribute.kind,
        choices: attribute.choices,
        referenceType: attribute.referenceType,
        required: attribute.required,
        sortOrder: attribute.sortOrder,
      })),
    })),
    relationTypes: metaModel.relationTypes.map((type) => ({
      key: type.key,
      nameSv: type.nameSv,
      nameEn: type.nameEn,
      reverseNameSv: type.reverseNameSv,
      reverseNameEn: type.reverseNameEn,
      sourceTypes: type.sourceTypes,
      targetTypes: type.targetTypes,
      protectionFlow: type.protectionFlow,
      sortOrder: type.sortOrder,
    })),
    classificationDimensions: scale,
  };
}

/** Reads every level set by hand, by object id, in dimension order. */
async function readLevels(transaction: Transaction): Promise<Map<string, LevelEntry[]>> {
  const result = await transaction.query(
    `SELECT a.object_id, a.dimension, a.level, a.justification FROM classification_assignments a
     JOIN classification_dimensions d ON d.key = a.dimension ORDER BY a.object_id, d.sort_order, a.dimension`,
  );
  const levels = new Map<string, LevelEntry[]>();
  for (const row of result.rows) {
    const list = levels.get(row.object_id as string) ?? [];
    list.push({ dimension: row.dimension as string, level: row.level as number, justification: row.justification as string });
    levels.set(row.object_id as string, list);
  }
  return levels;
}

// Ties on type and name are broken by content before ids, so equal models list objects in one order.
const OBJECT_ORDER = 'o.type, o.name, o.external_id NULLS FIRST, o.description, o.attributes::text, o.id';

function toObjectEntry(row: Record<string, unknown>, levels: Map<string, LevelEntry[]>): ObjectEntry {
  return {
    id: row.id as string,
    type: row.type as string,
    name: row.name as string,
    description: row.description as string,
    externalId: row.external_id as string | null,
    attributes: row.attributes as Attributes,
    levels: levels.get(row.id as string) ?? [],
  };
}

async function readPlainObjects(transaction: Transaction, levels: Map<string, LevelEntry[]>): Promise<ObjectEntry[]> {
  const result = await transaction.query(
    `SELECT o.id, o.type, o.name, o.description, o.external_id, o.attributes FROM objects o
     WHERE NOT EXISTS (SELECT 1 FROM requirement_sets s WHERE s.object_id = o.id)
       AND NOT EXISTS (SELECT 1 FROM requirements r WHERE r.object_id = o.id)
     ORDER BY ${OBJECT_ORDER}`,
  );
  return result.rows.map((row) => toObjectEntry(row, levels));
}

async function readRequirementSets(transaction: Transaction, levels: Map<string, LevelEntry[]>): Promise<RequirementSetEntry[]> {
  const result = await transaction.query(
    `SELECT o.id, o.type, o.name, o.description, o.external_id, o.attributes,
            s.source_format, s.source_uuid, s.source_version, s.source_last_modified, s.imported_at
     FROM requirement_sets s JOIN objects o ON o.id = s.object_id ORDER BY ${OBJECT_ORDER}`,
  );
  return result.rows.map((row) => ({
    ...toObjectEntry(row, levels),
    source: {
      format: row.source_format as 'manual' | 'oscal',
      uuid: row.source_uuid as string | null,
      version: row.source_version as string | null,
      lastModified: toIsoString(row.source_last_modified),
      importedAt: toIsoString(row.imported_at),
    },
  }));
}

async function readRequirements(transaction: Transaction, levels: Map<string, LevelEntry[]>): Promise<RequirementEntry[]> {
  const result = await transaction.query(
    `SELECT o.id, o.type, o.name, o.description, o.external_id, o.attributes,
            r.set_id, r.parent_id, r.identifier, r.label, r.kind, r.statement, r.sort_order, r.withdrawn
     FROM requirements r JOIN objects o ON o.id = r.object_id JOIN objects s ON s.id = r.set_id
     ORDER BY s.name, s.id, r.sort_order, r.identifier`,
  );
  return result.rows.map((row) => ({
    ...toObjectEntry(row, levels),
    setId: row.set_id as string,
    parentId: row.parent_id as string | null,
    identifier: row.identifier as string,
    label: row.label as string,
    kind: row.kind as 'group' | 'requirement',
    statement: row.statement as string,
    sortOrder: row.sort_order as number,
    withdrawn: row.withdrawn as boolean,
  }));
}

async function readApplicabilityRules(transaction: Transaction): Promise<ApplicabilityRuleEntry[]> {
  const result = await transaction.query(
    `SELECT a.subject_id, a.object_types, a.dimension, a.min_level FROM applicability_rules a JOIN objects o ON o.id = a.subject_id
     ORDER BY o.name, a.subject_id, a.object_types, a.dimension, a.min_level, a.id`,
  );
  return result.rows.map((row) => ({
    subjectId: row.subject_id as string,
    objectTypes: row.object_types as string[] | null,
    dimension: row.dimension as string | null,
    minLevel: row.min_level as number | null,
  }));
}

async function readRelations(transaction: Transaction): Promise<RelationEntry[]> {
  const result = await transaction.query(
    `SELECT r.type, r.name, r.source_id, r.target_id, r.attributes FROM relations r
     JOIN objects s ON s.id = r.source_id JOIN objects t ON t.id = r.target_id
     ORDER BY s.type, s.name, r.type, t.type, t.name, r.name, r.attributes::text, r.id`,
  );
  return result.rows.map((row) => ({
    type: row.type as string,
    name: row.name as string,
    sourceId: row.source_id as string,
    targetId: row.target_id as string,
    attributes: row.attributes as Attributes,
  }));
}

async function readStatements(transaction: Transaction): Promise<StatementEntry[]> {
  const result = await transaction.query(
    `SELECT c.object_id, c.requirement_id, c.status, c.reason, c.comment, c.responsible, to_char(c.decided_on, 'YYYY-MM-DD') AS decided_on
     FROM compliance_statements c JOIN objects o ON o.id = c.object_id JOIN requirements r ON r.object_id = c.requirement_id
     ORDER BY o.type, o.name, c.object_id, r.identifier, c.requirement_id`,
  );
  return result.rows.map((row) => ({
    objectId: row.object_id as string,
    requirementId: row.requirement_id as string,
    status: row.status as StatementEntry['status'],
    reason: row.reason as string,
    comment: row.comment as string,
    responsible: row.responsible as string,
    decidedOn: row.decided_on as string | null,
  }));
}

/**
 * Removes reference attribute values that point to objects outside the
 * document, which happens only in an export of some parts.
 *
 * NOTE: a required reference attribute whose object is left out makes
 * the object fail checkObjectInput when the document is imported.
 */
function dropReferencesOutside(document: ModelDocument, metaModel: MetaModel, included: ReadonlySet<string>): void {
  const referenceKeys = new Map(
    metaModel.objectTypes.map((type) => [type.key, type.attributes.filter((attribute) => attribute.kind === 'reference').map((attribute) => attribute.key)]),
  );
  const entries = [...(document.objects ?? []), ...(document.requirements?.sets ?? []), ...(document.requirements?.requirements ?? [])];
  for (const entry of entries) {
    for (const key of referenceKeys.get(entry.type) ?? []) {
      const value = entry.attributes[key];
      if (typeof value === 'string' && !included.has(value.toLowerCase())) delete entry.attributes[key];
    }
  }
}

function toIsoString(value: unknown): string | null {
  return value instanceof Date ? value.toISOString() : null;
}
