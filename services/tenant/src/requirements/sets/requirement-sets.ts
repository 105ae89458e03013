import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { notifyChange } from '../../live/notify.js';
import { REQUIREMENT_ERRORS } from '../errors.js';
import { REQUIREMENT_SET_TYPE } from '../object-types.js';
import { versionConflict } from '../version-conflict.js';

/** A requirement set as the API returns it. */
export interface RequirementSetView {
  id: string;
  name: string;
  description: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  source: {
    format: 'manual' | 'oscal';
    uuid: string | null;
    version: string | null;
    lastModified: string | null;
    importedAt: string | null;
  };
  /** Groups and requirements not withdrawn, withdrawn items of either kind, and compliance statements on the set's requirements. */
  counts: { groups: number; requirements: number; withdrawn: number; statements: number };
}

/** A group or requirement in the tree of a set. */
export interface RequirementNode {
  id: string;
  kind: 'group' | 'requirement';
  identifier: string;
  label: string;
  title: string;
  statement: string;
  withdrawn: boolean;
  sortOrder: number;
  version: number;
  children: RequirementNode[];
}

export interface NewRequirementSet {
  name: string;
  description?: string;
}

export interface RequirementSetChanges {
  version: number;
  name?: string;
  description?: string;
}

const SET_QUERY = `
  SELECT o.id, o.name, o.description, o.version, o.created_at, o.updated_at,
         rs.source_format, rs.source_uuid, rs.source_version, rs.source_last_modified, rs.imported_at,
         (SELECT count(*) FROM requirements r WHERE r.set_id = o.id AND r.kind = 'group' AND NOT r.withdrawn)::int AS groups,
         (SELECT count(*) FROM requirements r WHERE r.set_id = o.id AND r.kind = 'requirement' AND NOT r.withdrawn)::int AS requirements,
         (SELECT count(*) FROM requirements r WHERE r.set_id = o.id AND r.withdrawn)::int AS withdrawn,
         (SELECT count(*) FROM compliance_statements s JOIN requirements r ON r.object_id = s.requirement_id
          WHERE r.set_id = o.id)::int AS statements
  FROM requirement_sets rs JOIN objects o ON o.id = rs.object_id`;

/** Lists every requirement set with its counts, by name. */
export async function listRequirementSets(transaction: Transaction): Promise<RequirementSetView[]> {
  const result = await transaction.query(`${SET_QUERY} ORDER BY o.name, o.id`);
  return result.rows.map(toSetView);
}

/** Reads a set with the tree of its groups and requirements, siblings in catalog order. Throws REQUIREMENT_SET_NOT_FOUND. */
export async function getRequirementSetTree(
  transaction: Transaction,
  id: string,
): Promise<RequirementSetView & { requirements: RequirementNode[] }> {
  const set = await readRequirementSet(transaction, id);
  const result = await transaction.query(
    `SELECT r.object_id AS id, r.parent_id, r.kind, r.identifier, r.label, o.name AS title, r.statement, r.withdrawn,
            r.sort_order, o.version
     FROM requirements r JOIN objects o ON o.id = r.object_id
     WHERE r.set_id = $1 ORDER BY r.sort_order, r.identifier`,
    [id],
  );
  const nodes = new Map<string, RequirementNode>();
  for (const row of result.rows) {
    nodes.set(row.id, {
      id: row.id,
      kind: row.kind,
      identifier: row.identifier,
      label: row.label,
      title: row.title,
      statement: row.statement,
      withdrawn: row.withdrawn,
      sortOrder: row.sort_order,
      version: row.version,
      children: [],
    });
  }
  const roots: RequirementNode[] = [];
  for (const row of result.rows) {
    const node = nodes.get(row.id)!;
    const parent = row.parent_id ? nodes.get(row.parent_id) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return { ...set, requirements: roots };
}

/** Reads a set with its counts, or throws REQUIREMENT_SET_NOT_FOUND. */
export async function readRequirementSet(transaction: Transaction, id: string): Promise<RequirementSetView> {
  const result = await transaction.query(`${SET_QUERY} WHERE o.id = $1`, [id]);
  if (!result.rows[0]) throw new AppError(REQUIREMENT_ERRORS.setNotFound);
  return toSetView(result.rows[0]);
}

/** Creates an empty set that is maintained by hand, with its audit entry. */
export async function createRequirementSet(transaction: Transaction, source: AuditSource, input: NewRequirementSet): Promise<RequirementSetView> {
  const result = await transaction.query<{ id: string }>(
    'INSERT INTO objects (type, name, description, created_by) VALUES ($1, $2, $3, $4) RETURNING id',
    [REQUIREMENT_SET_TYPE, input.name, input.description ?? '', source.actorId],
  );
  const id = result.rows[0]!.id;
  await transaction.query("INSERT INTO requirement_sets (object_id, source_format) VALUES ($1, 'manual')", [id]);
  const set = await readRequirementSet(transaction, id);
  await notifyChange(transaction, { entity: 'requirement-set', action: 'created', id, version: set.version });
  await writeAuditEntry(transaction, source, {
    action: 'requirement-set.created',
    entityType: 'requirement-set',
    entityId: id,
    before: null,
    after: set,
    summary: `Requirement set ${set.name}`,
  });
  return set;
}

/**
 * Changes the name or description of a set maintained by hand. Throws 409
 * REQUIREMENT_SET_IMPORTED for an imported set and 409
 * REQUIREMENT_SET_VERSION_CONFLICT when `version` is not the current one.
 */
export async function updateRequirementSet(
  transaction: Transaction,
  source: AuditSource,
  id: string,
  changes: RequirementSetChanges,
): Promise<RequirementSetView> {
  const before = await lockManualSet(transaction, id);
  if (changes.version !== before.version) {
    throw versionConflict(REQUIREMENT_ERRORS.setVersionConflict, { ...before }, { ...changes });
  }
  await transaction.query('UPDATE objects SET name = $2, description = $3, version = version + 1, updated_at = now() WHERE id = $1', [
    id,
    changes.name ?? before.name,
    changes.description ?? before.description,
  ]);
  const after = await readRequirementSet(transaction, id);
  await notifyChange(transaction, { entity: 'requirement-set', action: 'updated', id, version: after.version });
  await writeAuditEntry(transaction, source, {
    action: 'requirement-set.changed',
    entityType: 'requirement-set',
    entityId: id,
    before,
    after,
    summary: `Requirement set ${after.name}`,
  });
  return after;
}

/**
 * Locks a set's object row and returns the set, or throws
 * REQUIREMENT_SET_NOT_FOUND, or REQUIREMENT_SET_IMPORTED for a set that only
 * a new import may change.
 */
export async function lockManualSet(transaction: Transaction, id: string): Promise<RequirementSetView> {
  const locked = await transaction.query('SELECT 1 FROM objects o JOIN requirement_sets rs ON rs.object_id = o.id WHERE o.id = $1 FOR UPDATE OF o', [
    id,
  ]);
  if (locked.rowCount === 0) throw new AppError(REQUIREMENT_ERRORS.setNotFound);
  const set = await readRequirementSet(transaction, id);
  if (set.source.format !== 'manual') throw new AppError(REQUIREMENT_ERRORS.setImported);
  return set;
}

function toSetView(row: Record<string, unknown>): RequirementSetView {
  const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : null);
  return {
    id: row.id as string,
    name: row.name as string,
    description: row.description as string,
    version: row.version as number,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    source: {
      format: row.source_format as 'manual' | 'oscal',
      uuid: row.source_uuid as string | null,
      version: row.source_version as string | null,
      lastModified: iso(row.source_last_modified),
      importedAt: iso(row.imported_at),
    },
    counts: {
      groups: row.groups as number,
      requirements: row.requirements as number,
      withdrawn: row.withdrawn as number,
      statements: row.statements as number,
    },
  };
}
