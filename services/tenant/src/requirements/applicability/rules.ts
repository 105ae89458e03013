import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { notifyChange } from '../../live/notify.js';
import { readDimensionName } from '../../meta-model/names.js';
import { APPLICABILITY_ERRORS, REQUIREMENT_ERRORS } from '../errors.js';

/** An applicability rule as the API returns it. */
export interface RuleView {
  id: string;
  subjectId: string;
  /** Object types the rule matches; null matches every type. */
  objectTypes: string[] | null;
  dimension: string | null;
  minLevel: number | null;
  createdAt: string;
}

export interface NewRule {
  objectTypes?: string[];
  dimension?: string;
  minLevel?: number;
}

/** The kind of object a rule sits on: a requirement set, or a group or requirement. */
export type RuleSubjectKind = 'set' | 'requirement';

const RULE_COLUMNS = 'id, subject_id, object_types, dimension, min_level, created_at';

/** Lists the rules on a set or requirement, oldest first. Throws the subject's 404 when it does not exist. */
export async function listRules(transaction: Transaction, subjectKind: RuleSubjectKind, subjectId: string): Promise<RuleView[]> {
  await checkSubject(transaction, subjectKind, subjectId, false);
  return listRulesOf(transaction, subjectId);
}

export async function listRulesOf(transaction: Transaction, subjectId: string): Promise<RuleView[]> {
  const result = await transaction.query(`SELECT ${RULE_COLUMNS} FROM applicability_rules WHERE subject_id = $1 ORDER BY created_at, id`, [
    subjectId,
  ]);
  return result.rows.map(toRuleView);
}

/**
 * Adds a rule to a set or requirement. Throws 422 APPLICABILITY_TYPE_INVALID
 * for an object type that does not exist or has a requirement role, and 422
 * APPLICABILITY_LEVEL_UNKNOWN for a level outside the dimension's scale.
 */
export async function createRule(
  transaction: Transaction,
  source: AuditSource,
  subjectKind: RuleSubjectKind,
  subjectId: string,
  input: NewRule,
): Promise<RuleView> {
  const subjectName = await checkSubject(transaction, subjectKind, subjectId, true);
  await checkObjectTypes(transaction, input.objectTypes ?? []);
  if (input.dimension !== undefined && input.minLevel !== undefined) await checkLevel(transaction, input.dimension, input.minLevel);

  const result = await transaction.query(
    `INSERT INTO applicability_rules (subject_id, object_types, dimension, min_level) VALUES ($1, $2, $3, $4) RETURNING ${RULE_COLUMNS}`,
    [subjectId, input.objectTypes ?? null, input.dimension ?? null, input.minLevel ?? null],
  );
  const rule = toRuleView(result.rows[0]);
  await notifyChange(transaction, { entity: 'applicability-rule', action: 'created', id: rule.id, ids: [subjectId] });
  await writeAuditEntry(transaction, source, {
    action: 'applicability-rule.created',
    entityType: 'applicability-rule',
    entityId: rule.id,
    before: null,
    after: rule,
    summary: `Applicability rule on ${subjectName}: ${describeRule(rule)}`,
  });
  return rule;
}

/** Removes a rule, or throws 404 APPLICABILITY_RULE_NOT_FOUND. */
export async function deleteRule(transaction: Transaction, source: AuditSource, ruleId: string): Promise<void> {
  const result = await transaction.query(`DELETE FROM applicability_rules WHERE id = $1 RETURNING ${RULE_COLUMNS}`, [ruleId]);
  if (!result.rows[0]) throw new AppError(APPLICABILITY_ERRORS.ruleNotFound);
  const rule = toRuleView(result.rows[0]);
  const subject = await transaction.query<{ name: string }>('SELECT name FROM objects WHERE id = $1', [rule.subjectId]);
  await notifyChange(transaction, { entity: 'applicability-rule', action: 'deleted', id: rule.id, ids: [rule.subjectId] });
  await writeAuditEntry(transaction, source, {
    action: 'applicability-rule.removed',
    entityType: 'applicability-rule',
    entityId: rule.id,
    before: rule,
    after: null,
    summary: `Applicability rule removed from ${subject.rows[0]?.name ?? rule.subjectId}: ${describeRule(rule)}`,
  });
}

/** Returns the subject's name, or throws REQUIREMENT_SET_NOT_FOUND or REQUIREMENT_NOT_FOUND. */
async function checkSubject(transaction: Transaction, kind: RuleSubjectKind, subjectId: string, lock: boolean): Promise<string> {
  const table = kind === 'set' ? 'requirement_sets' : 'requirements';
  // The lock keeps the subject from being deleted before the rule that refers to it commits.
  const result = await transaction.query<{ name: string }>(
    `SELECT o.name FROM ${table} s JOIN objects o ON o.id = s.object_id WHERE s.object_id = $1 ${lock ? 'FOR SHARE OF o' : ''}`,
    [subjectId],
  );
  if (!result.rows[0]) throw new AppError(kind === 'set' ? REQUIREMENT_ERRORS.setNotFound : REQUIREMENT_ERRORS.requirementNotFound);
  return result.rows[0].name;
}

async function checkObjectTypes(transaction: Transaction, types: string[]): Promise<void> {
  if (types.length === 0) return;
  const result = await transaction.query<{ key: string }>(
    `SELECT key FROM object_types WHERE key = ANY($1::text[]) AND role NOT IN ('requirement_set', 'requirement')`,
    [types],
  );
  const valid = new Set(result.rows.map((row) => row.key));
  const invalid = types.find((type) => !valid.has(type));
  if (invalid !== undefined) throw new AppError(APPLICABILITY_ERRORS.typeInvalid, { values: { type: invalid } });
}

async function checkLevel(transaction: Transaction, dimension: string, level: number): Promise<void> {
  const result = await transaction.query('SELECT 1 FROM classification_levels WHERE dimension = $1 AND level = $2', [dimension, level]);
  if (result.rowCount === 0) {
    throw new AppError(APPLICABILITY_ERRORS.levelUnknown, { values: { dimension: await readDimensionName(transaction, dimension), level } });
  }
}

function describeRule(rule: RuleView): string {
  const types = rule.objectTypes ? rule.objectTypes.join(', ') : 'every type';
  return rule.dimension === null ? types : `${types} from ${rule.dimension} ${rule.minLevel}`;
}

function toRuleView(row: Record<string, unknown>): RuleView {
  return {
    id: row.id as string,
    subjectId: row.subject_id as string,
    objectTypes: row.object_types as string[] | null,
    dimension: row.dimension as string | null,
    minLevel: row.min_level as number | null,
    createdAt: (row.created_at as Date).toISOString(),
  };
}
