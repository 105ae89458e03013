import { AppError, fieldMessage, type Locale } from '@esm/common';
import type { Transaction } from '../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../audit/audit.js';
import { recomputeAll } from '../classification/propagation.js';
import { notifyChange } from '../live/notify.js';
import { checkObjectInput } from '../meta-model/validate.js';
import type { Attributes } from '../model/schemas.js';
import { EXCHANGE_PROBLEMS, type Problem } from './errors.js';
import type { ImportCounts, ObjectEntry } from './model-types.js';
import { documentInvalidError, type PreparedModelImport } from './model-validate.js';
import { writeMetaModel } from './model-meta-model.js';
import type { ImportProgress } from './progress.js';

// Rows per statement: large enough to be fast, small enough for regular progress lines.
const BATCH_SIZE = 500;

/**
 * Writes a prepared import in the caller's transaction: the meta-model and
 * scale, then the objects after checkObjectInput accepts each of them
 * against the new meta-model, their levels, requirement sets, requirements,
 * applicability rules, relations and statements. Then it recomputes every
 * inherited level, queues the change notice and writes one `import.model`
 * audit entry. Throws EXCHANGE_DOCUMENT_INVALID when an object does not fit
 * the meta-model; the caller's rollback then undoes the meta-model too.
 */
export async function writeModelImport(
  transaction: Transaction,
  source: AuditSource,
  prepared: PreparedModelImport,
  options: { locale: Locale; onProgress: (progress: ImportProgress) => void },
): Promise<ImportCounts> {
  const { onProgress } = options;
  const metaModelCounts = await writeMetaModel(transaction, prepared);
  onProgress({ phase: 'metaModel', done: 1, total: 1 });

  const entries: ObjectEntry[] = [...prepared.objects, ...prepared.sets, ...prepared.requirements];
  const attributes = await checkObjects(transaction, prepared, entries, options);

  for (let start = 0; start < entries.length; start += BATCH_SIZE) {
    const batch = entries.slice(start, start + BATCH_SIZE);
    await insertObjects(transaction, batch, prepared, attributes, source.actorId);
    onProgress({ phase: 'objects', done: start + batch.length, total: entries.length });
  }
  const levels = await insertLevels(transaction, entries, prepared, source.actorId);
  await insertRequirements(transaction, prepared);
  onProgress({ phase: 'requirements', done: prepared.requirements.length, total: prepared.requirements.length });

  for (let start = 0; start < prepared.relations.length; start += BATCH_SIZE) {
    const batch = prepared.relations.slice(start, start + BATCH_SIZE);
    await transaction.query(
      `INSERT INTO relations (type, name, source_id, target_id, attributes, created_by)
       SELECT type, name, source_id, target_id, attributes, $6
       FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::jsonb[]) AS item(type, name, source_id, target_id, attributes)`,
      [
        batch.map((relation) => relation.type),
        batch.map((relation) => relation.name),
        batch.map((relation) => newIdOf(prepared, relation.sourceId)),
        batch.map((relation) => newIdOf(prepared, relation.targetId)),
        batch.map((relation) => JSON.stringify(relation.attributes)),
        source.actorId,
      ],
    );
    onProgress({ phase: 'relations', done: start + batch.length, total: prepared.relations.length });
  }
  await insertStatements(transaction, prepared, source.actorId);
  onProgress({ phase: 'statements', done: prepared.statements.length, total: prepared.statements.length });

  onProgress({ phase: 'classification', done: 0, total: 1 });
  await recomputeAll(transaction);
  onProgress({ phase: 'classification', done: 1, total: 1 });

  const counts: ImportCounts = {
    ...metaModelCounts,
    objects: prepared.objects.length,
    levels,
    requirementSets: prepared.sets.length,
    requirements: prepared.requirements.length,
    applicabilityRules: prepared.applicabilityRules.length,
    relations: prepared.relations.length,
    statements: prepared.statements.length,
  };
  await notifyChange(transaction, { entity: 'model', action: 'imported', id: null });
  await writeAuditEntry(transaction, source, {
    action: 'import.model',
    entityType: 'model',
    entityId: null,
    before: null,
    after: { ...counts, parts: prepared.parts, metaModel: prepared.mode },
    summary: `Model import: ${counts.objects} objects, ${counts.requirements} requirements, ${counts.relations} relations`,
  });
  return counts;
}

function newIdOf(prepared: PreparedModelImport, documentId: string): string {
  return prepared.newIds.get(documentId.toLowerCase())!;
}

/**
 * Checks every imported object with checkObjectInput against the meta-model
 * just written, and in a tenant that keeps its objects also every existing
 * object of a type the document changes. Returns the attributes to store
 * by document id, or throws EXCHANGE_DOCUMENT_INVALID with every problem.
 */
async function checkObjects(
  transaction: Transaction,
  prepared: PreparedModelImport,
  entries: readonly ObjectEntry[],
  options: { locale: Locale; onProgress: (progress: ImportProgress) => void },
): Promise<Map<string, Attributes>> {
  const pendingObjects = new Map(entries.map((entry) => [newIdOf(prepared, entry.id), entry.type]));
  const problems: { path: string; problem: Problem }[] = [];
  const checked = new Map<string, Attributes>();
  for (const [index, entry] of entries.entries()) {
    const id = entry.id.toLowerCase();
    const reason = await objectProblem(transaction, entry.type, prepared.attributes.get(id)!, pendingObjects, options.locale);
    if (typeof reason === 'string') problems.push({ path: prepared.paths.get(id)!, problem: { code: EXCHANGE_PROBLEMS.object, values: { reason } } });
    else checked.set(id, reason);
    if ((index + 1) % BATCH_SIZE === 0 || index + 1 === entries.length) options.onProgress({ phase: 'checking', done: index + 1, total: entries.length });
  }

  if (prepared.mode === 'merge' && prepared.metaModel) {
    const types = prepared.metaModel.objectTypes.map((type) => type.key);
    const existing = await transaction.query('SELECT id, type, name, attributes FROM objects WHERE type = ANY($1::text[])', [types]);
    for (const row of existing.rows) {
      const reason = await objectProblem(transaction, row.type as string, row.attributes as Attributes, pendingObjects, options.locale);
      if (typeof reason === 'string') {
        problems.push({ path: '/metaModel/objectTypes', problem: { code: EXCHANGE_PROBLEMS.existingObject, values: { name: row.name as string, reason } } });
      }
    }
    const relationTypes = prepared.metaModel.relationTypes.map((type) => type.key);
    const broken = await transaction.query(
      `SELECT DISTINCT r.type FROM relations r
       JOIN relation_types t ON t.key = r.type JOIN objects s ON s.id = r.source_id JOIN objects o ON o.id = r.target_id
       WHERE r.type = ANY($1::text[])
         AND ((t.source_types IS NOT NULL AND NOT s.type = ANY(t.source_types)) OR (t.target_types IS NOT NULL AND NOT o.type = ANY(t.target_types)))`,
      [relationTypes],
    );
    for (const row of broken.rows) {
      problems.push({ path: '/metaModel/relationTypes', problem: { code: EXCHANGE_PROBLEMS.existingRelation, values: { type: row.type as string } } });
    }
  }

  if (problems.length > 0) throw documentInvalidError(problems, options.locale);
  return checked;
}

/** Returns the attributes checkObjectInput accepts, or the reasons it gives, joined, in the user's language. */
async function objectProblem(
  transaction: Transaction,
  type: string,
  attributes: Attributes,
  pendingObjects: ReadonlyMap<string, string>,
  locale: Locale,
): Promise<Attributes | string> {
  try {
    return await checkObjectInput(transaction, { type, attributes }, { pendingObjects });
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 422) throw error;
    if (error.fields.length === 0) return error.userMessage(locale);
    return error.fields.map((field) => `${field.field}: ${fieldMessage(field.code, locale)}`).join('; ');
  }
}

async function insertObjects(
  transaction: Transaction,
  batch: readonly ObjectEntry[],
  prepared: PreparedModelImport,
  attributes: Map<string, Attributes>,
  actorId: string | null,
): Promise<void> {
  await transaction.query(
    `INSERT INTO objects (id, type, name, description, external_id, attributes, created_by)
     SELECT id, type, name, description, external_id, attributes, $7
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) AS item(id, type, name, description, external_id, attributes)`,
    [
      batch.map((entry) => newIdOf(prepared, entry.id)),
      batch.map((entry) => entry.type),
      batch.map((entry) => entry.name),
      batch.map((entry) => entry.description),
      batch.map((entry) => entry.externalId),
      batch.map((entry) => JSON.stringify(attributes.get(entry.id.toLowerCase()))),
      actorId,
    ],
  );
}

async function insertLevels(transaction: Transaction, entries: readonly ObjectEntry[], prepared: PreparedModelImport, actorId: string | null): Promise<number> {
  const levels = entries.flatMap((entry) => entry.levels.map((level) => ({ objectId: newIdOf(prepared, entry.id), ...level })));
  for (let start = 0; start < levels.length; start += BATCH_SIZE) {
    const batch = levels.slice(start, start + BATCH_SIZE);
    await transaction.query(
      `INSERT INTO classification_assignments (object_id, dimension, level, justification, updated_by)
       SELECT object_id, dimension, level, justification, $5 FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[]) AS item(object_id, dimension, level, justification)`,
      [batch.map((level) => level.objectId), batch.map((level) => level.dimension), batch.map((level) => level.level), batch.map((level) => level.justification), actorId],
    );
  }
  return levels.length;
}

/** Inserts requirement sets, then requirements parents first, then applicability rules. */
async function insertRequirements(transaction: Transaction, prepared: PreparedModelImport): Promise<void> {
  if (prepared.sets.length > 0) {
    await transaction.query(
      `INSERT INTO requirement_sets (object_id, source_format, source_uuid, source_version, source_last_modified, imported_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])`,
      [
        prepared.sets.map((set) => newIdOf(prepared, set.id)),
        prepared.sets.map((set) => set.source.format),
        prepared.sets.map((set) => set.source.uuid),
        prepared.sets.map((set) => set.source.version),
        prepared.sets.map((set) => set.source.lastModified),
        prepared.sets.map((set) => set.source.importedAt),
      ],
    );
  }

  const depth = requirementDepths(prepared);
  const ordered = [...prepared.requirements].sort((a, b) => depth.get(a.id.toLowerCase())! - depth.get(b.id.toLowerCase())!);
  for (let start = 0; start < ordered.length; start += BATCH_SIZE) {
    const batch = ordered.slice(start, start + BATCH_SIZE);
    // PostgreSQL checks the parent_id foreign key at the end of each statement, so a batch may
    // contain a parent and its child. Sorting by depth puts every parent in the same batch or an earlier one.
    await transaction.query(
      `INSERT INTO requirements (object_id, set_id, parent_id, identifier, label, kind, statement, sort_order, withdrawn)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::boolean[])`,
      [
        batch.map((requirement) => newIdOf(prepared, requirement.id)),
        batch.map((requirement) => newIdOf(prepared, requirement.setId)),
        batch.map((requirement) => (requirement.parentId === null ? null : newIdOf(prepared, requirement.parentId))),
        batch.map((requirement) => requirement.identifier),
        batch.map((requirement) => requirement.label),
        batch.map((requirement) => requirement.kind),
        batch.map((requirement) => requirement.statement),
        batch.map((requirement) => requirement.sortOrder),
        batch.map((requirement) => requirement.withdrawn),
      ],
    );
  }

  const rules = prepared.applicabilityRules;
  for (let start = 0; start < rules.length; start += BATCH_SIZE) {
    const batch = rules.slice(start, start + BATCH_SIZE);
    // Type lists differ in length, which a two-dimensional array cannot hold, so they travel as JSON.
    await transaction.query(
      `INSERT INTO applicability_rules (subject_id, object_types, dimension, min_level)
       SELECT subject_id, CASE WHEN object_types IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(object_types)) END, dimension, min_level
       FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::int[]) AS item(subject_id, object_types, dimension, min_level)`,
      [
        batch.map((rule) => newIdOf(prepared, rule.subjectId)),
        batch.map((rule) => (rule.objectTypes === null ? null : JSON.stringify(rule.objectTypes))),
        batch.map((rule) => rule.dimension),
        batch.map((rule) => rule.minLevel),
      ],
    );
  }
}

/** Returns each requirement's number of ancestors; prepareModelImport has ruled out cycles. */
function requirementDepths(prepared: PreparedModelImport): Map<string, number> {
  const parents = new Map(prepared.requirements.map((requirement) => [requirement.id.toLowerCase(), requirement.parentId?.toLowerCase() ?? null]));
  const depths = new Map<string, number>();
  const depthOf = (id: string): number => {
    const known = depths.get(id);
    if (known !== undefined) return known;
    const parent = parents.get(id) ?? null;
    const depth = parent === null ? 0 : depthOf(parent) + 1;
    depths.set(id, depth);
    return depth;
  };
  for (const id of parents.keys()) depthOf(id);
  return depths;
}

async function insertStatements(transaction: Transaction, prepared: PreparedModelImport, actorId: string | null): Promise<void> {
  const statements = prepared.statements;
  for (let start = 0; start < statements.length; start += BATCH_SIZE) {
    const batch = statements.slice(start, start + BATCH_SIZE);
    await transaction.query(
      `INSERT INTO compliance_statements (object_id, requirement_id, status, reason, comment, responsible, decided_on, updated_by)
       SELECT object_id, requirement_id, status, reason, comment, responsible, decided_on, $8
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[])
         AS item(object_id, requirement_id, status, reason, comment, responsible, decided_on)`,
      [
        batch.map((statement) => newIdOf(prepared, statement.objectId)),
        batch.map((statement) => newIdOf(prepared, statement.requirementId)),
        batch.map((statement) => statement.status),
        batch.map((statement) => statement.reason),
        batch.map((statement) => statement.comment),
        batch.map((statement) => statement.responsible),
        batch.map((statement) => statement.decidedOn),
        actorId,
      ],
    );
  }
}
