import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { notifyChange } from '../../live/notify.js';
import { MODEL_ERRORS } from '../../model/errors.js';
import { applicablePairsQuery, findApplicablePairs, pairKey } from '../applicability/applicable-pairs.js';
import { AppErrorWithDetails } from '../../model/error-details.js';
import { REQUIREMENT_ERRORS, STATEMENT_ERRORS } from '../errors.js';
import { versionConflict } from '../version-conflict.js';

export const STATEMENT_STATUSES = ['fulfilled', 'partly_fulfilled', 'not_fulfilled', 'not_applicable'] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];

/** A compliance statement as the API returns it. */
export interface StatementView {
  objectId: string;
  requirementId: string;
  status: StatementStatus;
  reason: string;
  comment: string;
  responsible: string;
  /** The date of the decision, YYYY-MM-DD. */
  decidedOn: string | null;
  version: number;
  updatedAt: string;
  updatedBy: string | null;
}

/** The content of a statement; fields left out are stored empty. */
export interface StatementInput {
  status: StatementStatus;
  reason?: string;
  comment?: string;
  responsible?: string;
  decidedOn?: string;
}

/** One object and requirement pair to write, with the version of its statement when one exists. */
export interface StatementTarget {
  objectId: string;
  requirementId: string;
  version?: number;
}

/** Lists the columns of a statement in the table aliased `alias`. The date is read as YYYY-MM-DD text, because pg turns a date into a local midnight. */
function statementColumns(alias: string): string {
  const columns = ['object_id', 'requirement_id', 'status', 'reason', 'comment', 'responsible', 'version', 'updated_at', 'updated_by'];
  return [...columns.map((column) => `${alias}.${column}`), `${alias}.decided_on::text AS decided_on`].join(', ');
}

/**
 * Sets one status and its details on many object and requirement pairs, all
 * or nothing, and writes one `statement.set` audit entry per pair. A pair
 * that already has a statement must name its current version. Throws the
 * first problem found: 404 OBJECT_NOT_FOUND or REQUIREMENT_NOT_FOUND, 422
 * STATEMENT_REQUIREMENT_IS_GROUP, STATEMENT_REQUIREMENT_WITHDRAWN or
 * STATEMENT_REQUIREMENT_NOT_APPLICABLE, or 409 STATEMENT_VERSION_CONFLICT.
 * With `itemIndex`, the error's details name the failing pair's index as `item`.
 */
export async function setStatements(
  transaction: Transaction,
  source: AuditSource,
  input: StatementInput,
  targets: StatementTarget[],
  options: { itemIndex: boolean },
): Promise<StatementView[]> {
  checkInput(input, targets);
  const context = await loadTargets(transaction, targets);
  targets.forEach((target, index) => {
    try {
      checkTarget(context, target, input);
    } catch (error) {
      throw options.itemIndex ? withItemIndex(error, index) : error;
    }
  });

  const created = targets.filter((target) => !context.current.has(pairKey(target.objectId, target.requirementId)));
  const changed = targets.filter((target) => context.current.has(pairKey(target.objectId, target.requirementId)));
  const values = [input.status, input.reason ?? '', input.comment ?? '', input.responsible ?? '', input.decidedOn ?? null, source.actorId];
  const inserted = await transaction.query(
    `INSERT INTO compliance_statements (object_id, requirement_id, status, reason, comment, responsible, decided_on, updated_by)
     SELECT pair.object_id, pair.requirement_id, $3, $4, $5, $6, $7, $8 FROM unnest($1::uuid[], $2::uuid[]) AS pair(object_id, requirement_id)
     ON CONFLICT (object_id, requirement_id) DO NOTHING
     RETURNING ${statementColumns('compliance_statements')}`,
    [created.map((target) => target.objectId), created.map((target) => target.requirementId), ...values],
  );
  if (inserted.rows.length !== created.length) {
    // Another request created one of these statements after they were read.
    const raced = created.find((target) => !inserted.rows.some((row) => row.object_id === target.objectId && row.requirement_id === target.requirementId))!;
    const current = await readStatement(transaction, raced.objectId, raced.requirementId);
    throw versionConflict(STATEMENT_ERRORS.versionConflict, current ? { ...current } : null, storedValues(input));
  }
  const updated = await transaction.query(
    `UPDATE compliance_statements s
     SET status = $3, reason = $4, comment = $5, responsible = $6, decided_on = $7, updated_by = $8,
         version = s.version + 1, updated_at = now()
     FROM unnest($1::uuid[], $2::uuid[]) AS pair(object_id, requirement_id)
     WHERE s.object_id = pair.object_id AND s.requirement_id = pair.requirement_id
     RETURNING ${statementColumns('s')}`,
    [changed.map((target) => target.objectId), changed.map((target) => target.requirementId), ...values],
  );

  const after = new Map([...inserted.rows, ...updated.rows].map((row) => [pairKey(row.object_id, row.requirement_id), toStatementView(row)]));
  const views = targets.map((target) => after.get(pairKey(target.objectId, target.requirementId))!);
  await notifyChange(
    transaction,
    views.length === 1
      ? {
          entity: 'statement',
          action: created.length === 1 ? 'created' : 'updated',
          id: pairKey(views[0]!.objectId, views[0]!.requirementId),
          version: views[0]!.version,
        }
      : { entity: 'statement', action: 'updated', id: null, ids: [...new Set(views.map((view) => view.objectId))] },
  );
  for (const view of views) {
    const key = pairKey(view.objectId, view.requirementId);
    await writeAuditEntry(transaction, source, {
      action: 'statement.set',
      entityType: 'statement',
      entityId: key,
      before: context.current.get(key) ?? null,
      after: view,
      summary: `${context.requirements.get(view.requirementId)!.identifier} on ${context.objects.get(view.objectId)!.name}: ${view.status}`,
    });
  }
  return views;
}

/**
 * Removes a statement, also from a withdrawn requirement. With `version`,
 * throws 409 STATEMENT_VERSION_CONFLICT when it is not the current one.
 * Throws 404 STATEMENT_NOT_FOUND when there is none.
 */
export async function removeStatement(
  transaction: Transaction,
  source: AuditSource,
  target: StatementTarget,
): Promise<void> {
  const current = await readStatement(transaction, target.objectId, target.requirementId, true);
  if (!current) throw new AppError(STATEMENT_ERRORS.statementNotFound);
  if (target.version !== undefined && target.version !== current.version) {
    throw versionConflict(STATEMENT_ERRORS.versionConflict, { ...current }, { version: target.version });
  }
  await transaction.query('DELETE FROM compliance_statements WHERE object_id = $1 AND requirement_id = $2', [
    target.objectId,
    target.requirementId,
  ]);
  const names = await transaction.query<{ identifier: string; name: string }>(
    'SELECT r.identifier, o.name FROM requirements r, objects o WHERE r.object_id = $1 AND o.id = $2',
    [target.requirementId, target.objectId],
  );
  const key = pairKey(target.objectId, target.requirementId);
  await notifyChange(transaction, { entity: 'statement', action: 'deleted', id: key });
  await writeAuditEntry(transaction, source, {
    action: 'statement.removed',
    entityType: 'statement',
    entityId: key,
    before: current,
    after: null,
    summary: `${names.rows[0]?.identifier ?? target.requirementId} on ${names.rows[0]?.name ?? target.objectId}: removed`,
  });
}

/** A statement of an object with what the reader needs to know about its requirement. */
export interface ObjectStatementView extends StatementView {
  requirement: RequirementSummary & { withdrawn: boolean };
  /** False when the applicability rules no longer include the object; such a statement is left out of the gap analysis. */
  applicable: boolean;
}

export interface RequirementSummary {
  id: string;
  identifier: string;
  label: string;
  title: string;
  set: { id: string; name: string };
}

/**
 * Lists an object's statements, and the requirements that apply to it but
 * have no statement yet, each in set and catalog order. Throws OBJECT_NOT_FOUND.
 */
export async function listObjectStatements(
  transaction: Transaction,
  objectId: string,
): Promise<{ object: { id: string; type: string; name: string }; statements: ObjectStatementView[]; missing: RequirementSummary[] }> {
  const object = await transaction.query<{ id: string; type: string; name: string }>('SELECT id, type, name FROM objects WHERE id = $1', [
    objectId,
  ]);
  if (!object.rows[0]) throw new AppError(MODEL_ERRORS.objectNotFound);
  const applicable = await findApplicablePairs(transaction, { objectIds: [objectId] });

  const statements = await transaction.query(
    `SELECT ${statementColumns('s')}, ${REQUIREMENT_SUMMARY_COLUMNS}, r.withdrawn
     FROM compliance_statements s ${REQUIREMENT_SUMMARY_JOIN.replace('$REQUIREMENT', 's.requirement_id')}
     WHERE s.object_id = $1 ORDER BY so.name, r.set_id, r.sort_order`,
    [objectId],
  );
  const missing = applicablePairsQuery(
    { objectIds: [objectId] },
    `SELECT ${REQUIREMENT_SUMMARY_COLUMNS} FROM applicable ap ${REQUIREMENT_SUMMARY_JOIN.replace('$REQUIREMENT', 'ap.requirement_id')}
     WHERE NOT EXISTS (SELECT 1 FROM compliance_statements s WHERE s.object_id = ap.object_id AND s.requirement_id = ap.requirement_id)
     ORDER BY so.name, r.set_id, r.sort_order`,
  );
  const missingRows = await transaction.query(missing.text, missing.values);
  return {
    object: object.rows[0],
    statements: statements.rows.map((row) => ({
      ...toStatementView(row),
      requirement: { ...toRequirementSummary(row), withdrawn: row.withdrawn },
      applicable: applicable.has(pairKey(objectId, row.requirement_id)),
    })),
    missing: missingRows.rows.map(toRequirementSummary),
  };
}

/** Columns of a requirement summary, for queries that join REQUIREMENT_SUMMARY_JOIN. */
export const REQUIREMENT_SUMMARY_COLUMNS = `r.object_id AS summary_id, r.identifier AS summary_identifier, r.label AS summary_label,
  ro.name AS summary_title, r.set_id AS summary_set_id, so.name AS summary_set_name`;

/** Joins the requirement `$REQUIREMENT` (replaced by a column) as `r`, its object as `ro` and its set's object as `so`. */
export const REQUIREMENT_SUMMARY_JOIN = `JOIN requirements r ON r.object_id = $REQUIREMENT
  JOIN objects ro ON ro.id = r.object_id JOIN objects so ON so.id = r.set_id`;

export function toRequirementSummary(row: Record<string, unknown>): RequirementSummary {
  return {
    id: row.summary_id as string,
    identifier: row.summary_identifier as string,
    label: row.summary_label as string,
    title: row.summary_title as string,
    set: { id: row.summary_set_id as string, name: row.summary_set_name as string },
  };
}

function checkInput(input: StatementInput, targets: StatementTarget[]): void {
  if (input.status === 'not_applicable' && (input.reason ?? '').trim() === '') throw new AppError(STATEMENT_ERRORS.reasonMissing);
  const seen = new Set<string>();
  for (const target of targets) {
    const key = pairKey(target.objectId, target.requirementId);
    if (seen.has(key)) throw new AppError(STATEMENT_ERRORS.bulkDuplicate);
    seen.add(key);
  }
}

interface TargetContext {
  objects: Map<string, { name: string }>;
  requirements: Map<string, { identifier: string; kind: string; withdrawn: boolean }>;
  applicable: Set<string>;
  current: Map<string, StatementView>;
}

async function loadTargets(transaction: Transaction, targets: StatementTarget[]): Promise<TargetContext> {
  const objectIds = [...new Set(targets.map((target) => target.objectId))];
  const requirementIds = [...new Set(targets.map((target) => target.requirementId))];
  const objects = await transaction.query<{ id: string; name: string }>('SELECT id, name FROM objects WHERE id = ANY($1::uuid[])', [objectIds]);
  const requirements = await transaction.query<{ id: string; identifier: string; kind: string; withdrawn: boolean }>(
    'SELECT object_id AS id, identifier, kind, withdrawn FROM requirements WHERE object_id = ANY($1::uuid[])',
    [requirementIds],
  );
  // Locks the existing statements, so their versions hold until commit.
  const current = await transaction.query(
    `SELECT ${statementColumns('s')}
     FROM compliance_statements s JOIN unnest($1::uuid[], $2::uuid[]) AS pair(object_id, requirement_id)
       ON s.object_id = pair.object_id AND s.requirement_id = pair.requirement_id
     FOR UPDATE OF s`,
    [targets.map((target) => target.objectId), targets.map((target) => target.requirementId)],
  );
  return {
    objects: new Map(objects.rows.map((row) => [row.id, { name: row.name }])),
    requirements: new Map(requirements.rows.map((row) => [row.id, row])),
    applicable: await findApplicablePairs(transaction, { objectIds, requirementIds }),
    current: new Map(current.rows.map((row) => [pairKey(row.object_id, row.requirement_id), toStatementView(row)])),
  };
}

function checkTarget(context: TargetContext, target: StatementTarget, input: StatementInput): void {
  const object = context.objects.get(target.objectId);
  if (!object) throw new AppError(MODEL_ERRORS.objectNotFound);
  const requirement = context.requirements.get(target.requirementId);
  if (!requirement) throw new AppError(REQUIREMENT_ERRORS.requirementNotFound);
  const values = { identifier: requirement.identifier, object: object.name };
  if (requirement.kind === 'group') throw new AppError(STATEMENT_ERRORS.requirementIsGroup, { values });
  if (requirement.withdrawn) throw new AppError(STATEMENT_ERRORS.requirementWithdrawn, { values });
  const key = pairKey(target.objectId, target.requirementId);
  if (!context.applicable.has(key)) throw new AppError(STATEMENT_ERRORS.notApplicable, { values });
  const current = context.current.get(key);
  // A new statement is sent without a version, and a change names the version it edits.
  if (current?.version !== target.version) {
    throw versionConflict(STATEMENT_ERRORS.versionConflict, current ? { ...current } : null, storedValues(input));
  }
}

/** Returns the fields of a request as they would be stored, with every field left out stored empty. */
function storedValues(input: StatementInput): Record<string, unknown> {
  return {
    status: input.status,
    reason: input.reason ?? '',
    comment: input.comment ?? '',
    responsible: input.responsible ?? '',
    decidedOn: input.decidedOn ?? null,
  };
}

/** Returns the same error with `item`, the index of the failing pair in the request, added to its details. */
function withItemIndex(error: unknown, index: number): unknown {
  if (!(error instanceof AppError)) return error;
  const details = error instanceof AppErrorWithDetails ? error.details : {};
  return new AppErrorWithDetails(error.definition, { item: index, ...details }, { values: error.values, detail: error.message });
}

async function readStatement(transaction: Transaction, objectId: string, requirementId: string, lock = false): Promise<StatementView | null> {
  const result = await transaction.query(
    `SELECT ${statementColumns('compliance_statements')} FROM compliance_statements WHERE object_id = $1 AND requirement_id = $2 ${lock ? 'FOR UPDATE' : ''}`,
    [objectId, requirementId],
  );
  return result.rows[0] ? toStatementView(result.rows[0]) : null;
}

function toStatementView(row: Record<string, unknown>): StatementView {
  return {
    objectId: row.object_id as string,
    requirementId: row.requirement_id as string,
    status: row.status as StatementStatus,
    reason: row.reason as string,
    comment: row.comment as string,
    responsible: row.responsible as string,
    decidedOn: row.decided_on as string | null,
    version: row.version as number,
    updatedAt: (row.updated_at as Date).toISOString(),
    updatedBy: row.updated_by as string | null,
  };
}
