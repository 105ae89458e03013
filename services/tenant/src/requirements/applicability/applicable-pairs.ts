import type { Transaction } from '../../db/transaction.js';

/** The requirements and objects an applicability query covers. A field left out covers all of them. */
export interface ApplicabilityScope {
  setId?: string;
  objectIds?: string[];
  requirementIds?: string[];
}

/**
 * The CTEs that decide applicability, taking the scope as $1 to $3:
 * `scoped_requirements` (kind 'requirement', not withdrawn), `governing`
 * (the subject whose rules govern each of them, when any does),
 * `candidate_objects` and `subject_matches` (the candidates each governing
 * subject's rules match).
 *
 * A requirement follows the rules of the nearest of itself, its ancestors and
 * its set that has any rule. It applies to an object when one of those rules
 * matches: the object's type is one of the rule's types (any type when none
 * are named), and its effective level in the rule's dimension is at least the
 * rule's level. An object without a level in that dimension counts as level 0.
 * A requirement that no rule governs applies to every object. Requirement
 * sets and requirements themselves never count as objects that a requirement
 * applies to.
 */
const GOVERNING_RULES = `
    WITH RECURSIVE
    scoped_requirements AS (
      SELECT r.object_id, r.set_id, r.parent_id FROM requirements r
      WHERE r.kind = 'requirement' AND NOT r.withdrawn
        AND ($1::uuid IS NULL OR r.set_id = $1::uuid)
        AND ($3::uuid[] IS NULL OR r.object_id = ANY($3::uuid[]))
    ),
    -- Each requirement with itself and its ancestors, nearest first. The depth
    -- bound stops a parent cycle, which the routes never create.
    rule_chain (requirement_id, subject_id, parent_id, depth) AS (
      SELECT object_id, object_id, parent_id, 0 FROM scoped_requirements
      UNION ALL
      SELECT c.requirement_id, p.object_id, p.parent_id, c.depth + 1
      FROM rule_chain c JOIN requirements p ON p.object_id = c.parent_id
      WHERE c.depth < 100
    ),
    rule_subjects AS (
      SELECT requirement_id, subject_id, depth FROM rule_chain
      UNION ALL
      SELECT object_id, set_id, 1000 FROM scoped_requirements
    ),
    governing AS (
      SELECT DISTINCT ON (s.requirement_id) s.requirement_id, s.subject_id
      FROM rule_subjects s
      WHERE EXISTS (SELECT 1 FROM applicability_rules a WHERE a.subject_id = s.subject_id)
      ORDER BY s.requirement_id, s.depth
    ),
    candidate_objects AS (
      SELECT o.id, o.type FROM objects o JOIN object_types t ON t.key = o.type
      WHERE t.role NOT IN ('requirement_set', 'requirement')
        AND ($2::uuid[] IS NULL OR o.id = ANY($2::uuid[]))
    ),
    subject_matches AS (
      SELECT DISTINCT a.subject_id, o.id AS object_id
      FROM applicability_rules a
      JOIN candidate_objects o ON a.object_types IS NULL OR o.type = ANY(a.object_types)
      LEFT JOIN effective_levels e ON e.object_id = o.id AND e.dimension = a.dimension
      WHERE a.subject_id IN (SELECT subject_id FROM governing)
        AND (a.dimension IS NULL OR coalesce(e.level, 0) >= a.min_level)
    )`;

function scopeValues(scope: ApplicabilityScope): unknown[] {
  return [scope.setId ?? null, scope.objectIds ?? null, scope.requirementIds ?? null];
}

/**
 * Builds a query whose CTE `applicable (requirement_id, object_id)` lists
 * every pair of a requirement and an object in scope where the requirement
 * applies (see GOVERNING_RULES). The scope takes parameters $1 to $3, so
 * `select` numbers its own from $4. For one object or a few pairs; counts
 * over many objects use applicableCountsQuery.
 */
export function applicablePairsQuery(scope: ApplicabilityScope, select: string): { text: string; values: unknown[] } {
  const text = `${GOVERNING_RULES},
    applicable (requirement_id, object_id) AS (
      SELECT g.requirement_id, m.object_id FROM governing g JOIN subject_matches m ON m.subject_id = g.subject_id
      UNION ALL
      SELECT s.object_id, o.id FROM scoped_requirements s CROSS JOIN candidate_objects o
      WHERE NOT EXISTS (SELECT 1 FROM governing g WHERE g.requirement_id = s.object_id)
    )
    ${select}`;
  return { text, values: scopeValues(scope) };
}

/**
 * Builds a query whose CTE `applicable_counts (requirement_id, status,
 * count)` has two kinds of rows for every requirement in scope. The row with
 * a null status counts the objects in scope that the requirement applies to.
 * A row per status counts those of them whose statement has that status, so
 * the objects without a statement are the difference. It counts without
 * listing each pair, which keeps it fast for many objects. Parameters are
 * numbered as in applicablePairsQuery.
 */
export function applicableCountsQuery(scope: ApplicabilityScope, select: string): { text: string; values: unknown[] } {
  const text = `${GOVERNING_RULES},
    requirement_subjects AS (
      SELECT s.object_id AS requirement_id, g.subject_id
      FROM scoped_requirements s LEFT JOIN governing g ON g.requirement_id = s.object_id
    ),
    subject_sizes AS (SELECT subject_id, count(*) AS size FROM subject_matches GROUP BY subject_id),
    -- Materialised so that PostgreSQL joins the statements to the matches by
    -- hash: it estimates the CTE subject_matches far too small and otherwise
    -- looks up statements once per applicable pair.
    scoped_statements AS MATERIALIZED (
      SELECT st.requirement_id, st.object_id, st.status, rs.subject_id
      FROM compliance_statements st JOIN requirement_subjects rs ON rs.requirement_id = st.requirement_id
    ),
    applicable_counts (requirement_id, status, count) AS (
      SELECT rs.requirement_id, NULL::text,
             CASE WHEN rs.subject_id IS NULL THEN (SELECT count(*) FROM candidate_objects) ELSE coalesce(ss.size, 0) END
      FROM requirement_subjects rs LEFT JOIN subject_sizes ss ON ss.subject_id = rs.subject_id
      UNION ALL
      SELECT st.requirement_id, st.status, count(*)
      FROM scoped_statements st JOIN subject_matches m ON m.subject_id = st.subject_id AND m.object_id = st.object_id
      GROUP BY st.requirement_id, st.status
      UNION ALL
      SELECT st.requirement_id, st.status, count(*)
      FROM scoped_statements st JOIN candidate_objects o ON o.id = st.object_id
      WHERE st.subject_id IS NULL
      GROUP BY st.requirement_id, st.status
    )
    ${select}`;
  return { text, values: scopeValues(scope) };
}

/** Returns the pairs in scope that apply, as `objectId/requirementId` keys. */
export async function findApplicablePairs(transaction: Transaction, scope: ApplicabilityScope): Promise<Set<string>> {
  const query = applicablePairsQuery(scope, 'SELECT requirement_id, object_id FROM applicable');
  const result = await transaction.query<{ requirement_id: string; object_id: string }>(query.text, query.values);
  return new Set(result.rows.map((row) => pairKey(row.object_id, row.requirement_id)));
}

/** Builds the key of an object and requirement pair, which is also the audit entity id of its statement. */
export function pairKey(objectId: string, requirementId: string): string {
  return `${objectId}/${requirementId}`;
}
