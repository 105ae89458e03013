import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { MODEL_ERRORS } from '../../model/errors.js';
import { applicableCountsQuery, applicablePairsQuery } from '../applicability/applicable-pairs.js';
import { GAP_ANALYSIS_ERRORS } from '../errors.js';
import { readRequirementSet } from '../sets/requirement-sets.js';
import { REQUIREMENT_SUMMARY_COLUMNS, REQUIREMENT_SUMMARY_JOIN, toRequirementSummary, type RequirementSummary } from '../statements/statements.js';

/** The gap analysis categories: the four statuses, and applicable requirements without a statement. */
export const GAP_CATEGORIES = ['fulfilled', 'partly_fulfilled', 'not_fulfilled', 'not_applicable', 'no_statement'] as const;
export type GapCategory = (typeof GAP_CATEGORIES)[number];

/** Counts per category, every category present, ready for a chart; `total` is their sum. */
export type GapCounts = Record<GapCategory, number> & { total: number };

interface ObjectSummary {
  id: string;
  type: string;
  name: string;
}

/** Gap analysis of one object: each requirement that applies to it, with its status. */
export interface ObjectGapAnalysis {
  object: ObjectSummary;
  totals: GapCounts;
  requirementSets: {
    id: string;
    name: string;
    totals: GapCounts;
    requirements: (RequirementSummary & { status: GapCategory; version: number | null })[];
  }[];
}

/** Gap analysis of one requirement set: for each requirement, its applicable objects per category. */
export interface SetGapAnalysis {
  requirementSet: { id: string; name: string };
  totals: GapCounts;
  requirements: (Omit<RequirementSummary, 'set'> & { counts: GapCounts })[];
}

/** Gap analysis of the objects an organisation unit reaches: per requirement set, the applicable pairs per category. */
export interface OrganisationUnitGapAnalysis {
  organisationUnit: ObjectSummary;
  /** The unit and every object it reaches along outgoing relations, requirement objects excepted. */
  objects: number;
  totals: GapCounts;
  requirementSets: { id: string; name: string; totals: GapCounts }[];
}

/** Analyses one object. Statements on requirements that no longer apply are left out. Throws OBJECT_NOT_FOUND. */
export async function analyseObject(transaction: Transaction, objectId: string): Promise<ObjectGapAnalysis> {
  const object = await readObjectSummary(transaction, objectId);
  const query = applicablePairsQuery(
    { objectIds: [objectId] },
    `SELECT ${REQUIREMENT_SUMMARY_COLUMNS}, s.status, s.version
     FROM applicable ap ${REQUIREMENT_SUMMARY_JOIN.replace('$REQUIREMENT', 'ap.requirement_id')}
     LEFT JOIN compliance_statements s ON s.object_id = ap.object_id AND s.requirement_id = ap.requirement_id
     ORDER BY so.name, r.set_id, r.sort_order`,
  );
  const result = await transaction.query(query.text, query.values);

  const sets = new Map<string, ObjectGapAnalysis['requirementSets'][number]>();
  const totals = emptyCounts();
  for (const row of result.rows) {
    const requirement = toRequirementSummary(row);
    const status: GapCategory = row.status ?? 'no_statement';
    let set = sets.get(requirement.set.id);
    if (!set) {
      set = { id: requirement.set.id, name: requirement.set.name, totals: emptyCounts(), requirements: [] };
      sets.set(set.id, set);
    }
    set.requirements.push({ ...requirement, status, version: row.version ?? null });
    addCount(set.totals, status, 1);
    addCount(totals, status, 1);
  }
  return { object, totals, requirementSets: [...sets.values()] };
}

/** Analyses one requirement set over every object. Throws REQUIREMENT_SET_NOT_FOUND. */
export async function analyseRequirementSet(transaction: Transaction, setId: string): Promise<SetGapAnalysis> {
  const set = await readRequirementSet(transaction, setId);
  const requirements = await transaction.query(
    `SELECT ${REQUIREMENT_SUMMARY_COLUMNS} FROM requirements q ${REQUIREMENT_SUMMARY_JOIN.replace('$REQUIREMENT', 'q.object_id')}
     WHERE q.set_id = $1 AND q.kind = 'requirement' AND NOT q.withdrawn ORDER BY r.sort_order`,
    [setId],
  );
  const query = applicableCountsQuery({ setId }, 'SELECT requirement_id, status, count::int AS count FROM applicable_counts');
  const byRequirement = foldCounts((await transaction.query(query.text, query.values)).rows);
  const totals = emptyCounts();
  for (const counts of byRequirement.values()) addCounts(totals, counts);
  return {
    requirementSet: { id: set.id, name: set.name },
    totals,
    requirements: requirements.rows.map((row) => {
      const { set: _set, ...summary } = toRequirementSummary(row);
      return { ...summary, counts: byRequirement.get(summary.id) ?? emptyCounts() };
    }),
  };
}

/**
 * Analyses the objects an organisation unit is responsible for: the unit
 * itself and every object reachable from it along outgoing relations, any
 * number of steps away. Each object counts once, and cycles end the walk.
 * Throws OBJECT_NOT_FOUND, or 422 GAP_ANALYSIS_NOT_ORGANISATION_UNIT.
 *
 * NOTE: only outgoing relations are followed, as the default `part_of`
 * relation points from a sub-unit to its parent unit, so a unit's analysis
 * leaves out its sub-units' objects.
 */
export async function analyseOrganisationUnit(transaction: Transaction, unitId: string): Promise<OrganisationUnitGapAnalysis> {
  const unit = await readObjectSummary(transaction, unitId);
  const role = await transaction.query<{ role: string }>('SELECT role FROM object_types WHERE key = $1', [unit.type]);
  if (role.rows[0]?.role !== 'organisation_unit') throw new AppError(GAP_ANALYSIS_ERRORS.notOrganisationUnit);

  // UNION (not UNION ALL) drops objects already reached, which ends the walk on a cycle.
  const reachable = await transaction.query<{ id: string }>(
    `WITH RECURSIVE reachable (id) AS (
       SELECT $1::uuid
       UNION
       SELECT r.target_id FROM relations r JOIN reachable ON r.source_id = reachable.id
     )
     SELECT reachable.id FROM reachable JOIN objects o ON o.id = reachable.id JOIN object_types t ON t.key = o.type
     WHERE t.role NOT IN ('requirement_set', 'requirement')`,
    [unitId],
  );
  const objectIds = reachable.rows.map((row) => row.id);
  // Grouped by set, so each "requirement" row of the counts stands for a whole set.
  const query = applicableCountsQuery(
    { objectIds },
    `SELECT r.set_id AS requirement_id, ac.status, sum(ac.count)::int AS count
     FROM applicable_counts ac JOIN requirements r ON r.object_id = ac.requirement_id
     GROUP BY r.set_id, ac.status`,
  );
  const bySet = foldCounts((await transaction.query(query.text, query.values)).rows);
  const names = await transaction.query<{ id: string; name: string }>('SELECT id, name FROM objects WHERE id = ANY($1::uuid[]) ORDER BY name, id', [
    [...bySet.keys()],
  ]);
  const totals = emptyCounts();
  const sets = names.rows
    .map((set) => ({ id: set.id, name: set.name, totals: bySet.get(set.id)! }))
    // A set none of whose requirements applies to any of the objects is left out.
    .filter((set) => set.totals.total > 0);
  for (const set of sets) addCounts(totals, set.totals);
  return { organisationUnit: unit, objects: objectIds.length, totals, requirementSets: sets };
}

async function readObjectSummary(transaction: Transaction, id: string): Promise<ObjectSummary> {
  const result = await transaction.query<ObjectSummary>('SELECT id, type, name FROM objects WHERE id = $1', [id]);
  if (!result.rows[0]) throw new AppError(MODEL_ERRORS.objectNotFound);
  return result.rows[0];
}

function emptyCounts(): GapCounts {
  return { fulfilled: 0, partly_fulfilled: 0, not_fulfilled: 0, not_applicable: 0, no_statement: 0, total: 0 };
}

function addCount(counts: GapCounts, category: GapCategory, count: number): void {
  counts[category] += count;
  counts.total += count;
}

function addCounts(counts: GapCounts, more: GapCounts): void {
  for (const category of GAP_CATEGORIES) addCount(counts, category, more[category]);
}

/**
 * Turns rows of applicableCountsQuery, keyed by requirement or by set, into
 * counts per category. A row with a null status is the number of applicable
 * objects, and those without a statement are what the statuses leave over.
 */
function foldCounts(rows: { requirement_id: string; status: GapCategory | null; count: number }[]): Map<string, GapCounts> {
  const applicable = new Map<string, number>();
  const counts = new Map<string, GapCounts>();
  for (const row of rows) {
    if (!counts.has(row.requirement_id)) counts.set(row.requirement_id, emptyCounts());
    if (row.status === null) applicable.set(row.requirement_id, (applicable.get(row.requirement_id) ?? 0) + row.count);
    else addCount(counts.get(row.requirement_id)!, row.status, row.count);
  }
  for (const [key, keyCounts] of counts) addCount(keyCounts, 'no_statement', (applicable.get(key) ?? 0) - keyCounts.total);
  return counts;
}
