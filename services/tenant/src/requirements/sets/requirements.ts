import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { notifyChange } from '../../live/notify.js';
import { listRulesOf, type RuleView } from '../applicability/rules.js';
import { REQUIREMENT_ERRORS } from '../errors.js';
import { REQUIREMENT_TYPE } from '../object-types.js';
import { versionConflict } from '../version-conflict.js';
import { lockManualSet } from './requirement-sets.js';

/** A group or requirement as the API returns it. */
export interface RequirementView {
  id: string;
  setId: string;
  setName: string;
  parentId: string | null;
  kind: 'group' | 'requirement';
  identifier: string;
  label: string;
  title: string;
  statement: string;
  /** Guidance and examples for imported requirements. */
  description: string;
  withdrawn: boolean;
  sortOrder: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The enclosing groups and requirements, outermost first. */
  ancestors: { id: string; kind: 'group' | 'requirement'; identifier: string; title: string }[];
  /**
   * The rules that decide which objects the requirement applies to: those of
   * the nearest of itself, its ancestors and its set that has any. With no
   * rules, it applies to every object.
   */
  applicability: { subjectId: string | null; rules: RuleView[] };
}

export interface NewRequirement {
  kind: 'group' | 'requirement';
  identifier: string;
  title: string;
  label?: string;
  statement?: string;
  description?: string;
  parentId?: string;
}

export interface RequirementChanges {
  version: number;
  identifier?: string;
  title?: string;
  label?: string;
  statement?: string;
  description?: string;
  withdrawn?: boolean;
}

/** Reads a group or requirement with its ancestors and the rules that govern it, or throws REQUIREMENT_NOT_FOUND. */
export async function getRequirement(transaction: Transaction, id: string): Promise<RequirementView> {
  const result = await transaction.query(
    `SELECT r.object_id AS id, r.set_id, so.name AS set_name, r.parent_id, r.kind, r.identifier, r.label, o.name AS title,
            r.statement, o.description, r.withdrawn, r.sort_order, o.version, o.created_at, o.updated_at
     FROM requirements r JOIN objects o ON o.id = r.object_id JOIN objects so ON so.id = r.set_id
     WHERE r.object_id = $1`,
    [id],
  );
  const row = result.rows[0];
  if (!row) throw new AppError(REQUIREMENT_ERRORS.requirementNotFound);
  const ancestors = await transaction.query(
    `WITH RECURSIVE chain (id, depth) AS (
       SELECT parent_id, 1 FROM requirements WHERE object_id = $1
       UNION ALL
       SELECT r.parent_id, c.depth + 1 FROM chain c JOIN requirements r ON r.object_id = c.id WHERE c.depth < 100
     )
     SELECT r.object_id AS id, r.kind, r.identifier, o.name AS title
     FROM chain c JOIN requirements r ON r.object_id = c.id JOIN objects o ON o.id = r.object_id
     ORDER BY c.depth DESC`,
    [id],
  );
  const chain = [id, ...ancestors.rows.map((ancestor) => ancestor.id as string).reverse(), row.set_id as string];
  let applicability: RequirementView['applicability'] = { subjectId: null, rules: [] };
  for (const subjectId of chain) {
    const rules = await listRulesOf(transaction, subjectId);
    if (rules.length > 0) {
      applicability = { subjectId, rules };
      break;
    }
  }
  return {
    id: row.id,
    setId: row.set_id,
    setName: row.set_name,
    parentId: row.parent_id,
    kind: row.kind,
    identifier: row.identifier,
    label: row.label,
    title: row.title,
    statement: row.statement,
    description: row.description,
    withdrawn: row.withdrawn,
    sortOrder: row.sort_order,
    version: row.version,
    createdAt: (row.created_at as Date).toISOString(),
    updatedAt: (row.updated_at as Date).toISOString(),
    ancestors: ancestors.rows.map((ancestor) => ({
      id: ancestor.id,
      kind: ancestor.kind,
      identifier: ancestor.identifier,
      title: ancestor.title,
    })),
    applicability,
  };
}

/**
 * Adds a group or requirement to a set maintained by hand, after its
 * siblings. Throws 409 REQUIREMENT_SET_IMPORTED for an imported set, 409
 * REQUIREMENT_IDENTIFIER_TAKEN, and 422 REQUIREMENT_PARENT_INVALID for a
 * parent in another set or a group placed under a requirement.
 */
export async function addRequirement(transaction: Transaction, source: AuditSource, setId: string, input: NewRequirement): Promise<RequirementView> {
  // Locking the set serialises additions, so the identifier check and the position hold until commit.
  const set = await lockManualSet(transaction, setId);
  if (input.parentId !== undefined) {
    const parent = await transaction.query<{ kind: string }>('SELECT kind FROM requirements WHERE object_id = $1 AND set_id = $2', [
      input.parentId,
      setId,
    ]);
    const parentKind = parent.rows[0]?.kind;
    if (!parentKind || (input.kind === 'group' && parentKind !== 'group')) throw new AppError(REQUIREMENT_ERRORS.parentInvalid);
  }
  await checkIdentifierFree(transaction, setId, input.identifier);

  const created = await transaction.query<{ id: string }>(
    'INSERT INTO objects (type, name, description, created_by) VALUES ($1, $2, $3, $4) RETURNING id',
    [REQUIREMENT_TYPE, input.title, input.description ?? '', source.actorId],
  );
  const id = created.rows[0]!.id;
  await transaction.query(
    `INSERT INTO requirements (object_id, set_id, parent_id, identifier, label, kind, statement, sort_order)
     SELECT $1, $2, $3, $4, $5, $6, $7, coalesce(max(sort_order) + 1, 0) FROM requirements WHERE set_id = $2`,
    [id, setId, input.parentId ?? null, input.identifier, input.label ?? '', input.kind, input.statement ?? ''],
  );
  const requirement = await getRequirement(transaction, id);
  await notifyChange(transaction, { entity: 'requirement-set', action: 'updated', id: setId, ids: [id] });
  await writeAuditEntry(transaction, source, {
    action: 'requirement-set.changed',
    entityType: 'requirement-set',
    entityId: setId,
    before: null,
    after: requirement,
    summary: `${requirement.kind === 'group' ? 'Group' : 'Requirement'} ${requirement.identifier} added to ${set.name}`,
  });
  return requirement;
}

/**
 * Changes a group or requirement of a set maintained by hand; withdrawing it
 * keeps its statements. Throws 409 REQUIREMENT_SET_IMPORTED, 409
 * REQUIREMENT_IDENTIFIER_TAKEN and 409 REQUIREMENT_VERSION_CONFLICT.
 */
export async function updateRequirement(
  transaction: Transaction,
  source: AuditSource,
  id: string,
  changes: RequirementChanges,
): Promise<RequirementView> {
  const found = await transaction.query<{ set_id: string }>('SELECT set_id FROM requirements WHERE object_id = $1', [id]);
  if (!found.rows[0]) throw new AppError(REQUIREMENT_ERRORS.requirementNotFound);
  const setId = found.rows[0].set_id;
  const set = await lockManualSet(transaction, setId);
  await transaction.query('SELECT 1 FROM objects WHERE id = $1 FOR UPDATE', [id]);
  const before = await getRequirement(transaction, id);
  if (changes.version !== before.version) {
    throw versionConflict(REQUIREMENT_ERRORS.versionConflict, { ...before }, { ...changes });
  }
  if (changes.identifier !== undefined && changes.identifier !== before.identifier) {
    await checkIdentifierFree(transaction, setId, changes.identifier);
  }

  await transaction.query('UPDATE objects SET name = $2, description = $3, version = version + 1, updated_at = now() WHERE id = $1', [
    id,
    changes.title ?? before.title,
    changes.description ?? before.description,
  ]);
  await transaction.query('UPDATE requirements SET identifier = $2, label = $3, statement = $4, withdrawn = $5 WHERE object_id = $1', [
    id,
    changes.identifier ?? before.identifier,
    changes.label ?? before.label,
    changes.statement ?? before.statement,
    changes.withdrawn ?? before.withdrawn,
  ]);
  const after = await getRequirement(transaction, id);
  await notifyChange(transaction, { entity: 'requirement-set', action: 'updated', id: setId, ids: [id] });
  await writeAuditEntry(transaction, source, {
    action: 'requirement-set.changed',
    entityType: 'requirement-set',
    entityId: setId,
    before,
    after,
    summary: `${after.kind === 'group' ? 'Group' : 'Requirement'} ${after.identifier} of ${set.name} changed`,
  });
  return after;
}

async function checkIdentifierFree(transaction: Transaction, setId: string, identifier: string): Promise<void> {
  const existing = await transaction.query('SELECT 1 FROM requirements WHERE set_id = $1 AND identifier = $2', [setId, identifier]);
  if (existing.rowCount !== 0) throw new AppError(REQUIREMENT_ERRORS.identifierTaken, { values: { identifier } });
}
