import { randomUUID } from 'node:crypto';
import { AppError } from '@esm/common';
import type { Transaction } from '../../db/transaction.js';
import { writeAuditEntry, type AuditSource } from '../../audit/audit.js';
import { notifyChange } from '../../live/notify.js';
import { OSCAL_ERRORS } from '../errors.js';
import { REQUIREMENT_SET_TYPE, REQUIREMENT_TYPE } from '../object-types.js';
import type { OscalCatalog, OscalItem } from './parse.js';

/** One progress report of the import. */
export interface OscalImportProgress {
  phase: 'requirements';
  done: number;
  total: number;
}

/** Counts of the changes an import made to its requirement set. */
export interface OscalImportCounts {
  setId: string;
  /** Whether the import created the set rather than updating one. */
  created: boolean;
  groups: number;
  requirements: number;
  added: number;
  changed: number;
  unchanged: number;
  withdrawn: number;
}

/** A stored requirement or group of the set, as the comparison needs it. */
interface StoredItem {
  id: string;
  parentId: string | null;
  kind: string;
  identifier: string;
  label: string;
  title: string;
  statement: string;
  description: string;
  sortOrder: number;
  withdrawn: boolean;
}

// Rows per statement: large enough to be fast, small enough for regular progress lines.
const BATCH_SIZE = 500;

// Serialises OSCAL imports, so two imports of one new catalog cannot both create a set for it.
const IMPORT_LOCK_KEY = 'esm.requirements.oscal-import';

/**
 * Writes a checked catalog as a requirement set in the caller's transaction,
 * so a failure leaves everything unchanged. The set is the one with the
 * catalog's uuid, else the only imported set with the catalog's title (for
 * a revision published with a new uuid), else a new one.
 *
 * Updating matches requirements by identifier. Changed titles, labels, texts
 * and positions are updated, new groups and controls are added, and those no
 * longer in the catalog are marked withdrawn, never deleted, so their
 * compliance statements stay. A withdrawn requirement that comes back is
 * restored. Writes one `import.oscal` audit entry.
 *
 * Unlike other imports it neither takes the classification lock nor
 * recomputes levels: it creates and changes only requirement objects, and
 * no relation or level.
 */
export async function importOscalCatalog(
  transaction: Transaction,
  source: AuditSource,
  catalog: OscalCatalog,
  onProgress: (progress: OscalImportProgress) => void,
  options: { allowOlder: boolean } = { allowOlder: false },
): Promise<OscalImportCounts> {
  await transaction.query('SELECT pg_advisory_xact_lock(hashtext($1))', [IMPORT_LOCK_KEY]);
  const existing = await findImportTarget(transaction, catalog, { lock: true, allowOlder: options.allowOlder });
  const setId = existing?.id ?? randomUUID();
  if (existing) await updateSet(transaction, setId, catalog);
  else await createSet(transaction, source, setId, catalog);

  const stored = existing ? await loadStoredItems(transaction, setId) : new Map<string, StoredItem>();
  const plan = planChanges(catalog.items, stored);
  const total = plan.added.length + plan.changed.length + plan.reordered.length + plan.withdrawn.length;
  let done = 0;
  const report = (rows: number) => {
    done += rows;
    onProgress({ phase: 'requirements', done, total });
  };
  report(0);
  await insertItems(transaction, source, setId, plan.added, report);
  await updateItems(transaction, plan.changed, true, report);
  await updateItems(transaction, plan.reordered, false, report);
  await withdrawItems(transaction, plan.withdrawn, report);

  const counts: OscalImportCounts = {
    setId,
    created: !existing,
    groups: catalog.items.filter((item) => item.kind === 'group').length,
    requirements: catalog.items.filter((item) => item.kind === 'requirement').length,
    added: plan.added.length,
    changed: plan.changed.length,
    unchanged: catalog.items.length - plan.added.length - plan.changed.length,
    withdrawn: plan.withdrawn.length,
  };
  await notifyChange(transaction, { entity: 'model', action: 'imported', id: setId });
  await writeAuditEntry(transaction, source, {
    action: 'import.oscal',
    entityType: 'requirement-set',
    entityId: setId,
    before: existing ? existing.source : null,
    after: {
      ...counts,
      source: sourceOf(catalog),
      addedIdentifiers: plan.added.map((item) => item.identifier),
      changedIdentifiers: plan.changed.map((item) => item.identifier),
      withdrawnIdentifiers: plan.withdrawn.map((item) => item.identifier),
    },
    summary: `OSCAL import of ${catalog.title}: ${counts.added} added, ${counts.changed} changed, ${counts.withdrawn} withdrawn`,
  });
  return counts;
}

function sourceOf(catalog: OscalCatalog) {
  return { title: catalog.title, uuid: catalog.uuid, version: catalog.version, lastModified: catalog.lastModified?.toISOString() ?? null };
}

/**
 * Finds the set a catalog updates: the one with its uuid, else the only
 * imported set with its title, else null for a new set. Throws 409
 * OSCAL_SET_AMBIGUOUS when several imported sets have the title, and 409
 * OSCAL_CATALOG_OLDER when the catalog was last modified before the one the
 * set came from, unless `allowOlder`: an older file would silently undo
 * the newer texts. With `lock`, the set's row stays locked until the
 * transaction ends.
 */
export async function findImportTarget(
  transaction: Transaction,
  catalog: OscalCatalog,
  options: { lock: boolean; allowOlder: boolean },
): Promise<{ id: string; source: Record<string, unknown> } | null> {
  const columns = `rs.object_id AS id, o.name AS title, rs.source_uuid AS uuid, rs.source_version AS version, rs.source_last_modified AS last_modified`;
  const byUuid = await transaction.query(
    `SELECT ${columns} FROM requirement_sets rs JOIN objects o ON o.id = rs.object_id WHERE rs.source_uuid = $1 ${options.lock ? 'FOR UPDATE' : ''}`,
    [catalog.uuid],
  );
  let row = byUuid.rows[0];
  if (!row) {
    const byTitle = await transaction.query(
      `SELECT ${columns} FROM requirement_sets rs JOIN objects o ON o.id = rs.object_id
       WHERE rs.source_format = 'oscal' AND o.name = $1 ${options.lock ? 'FOR UPDATE' : ''}`,
      [catalog.title],
    );
    if (byTitle.rows.length > 1) throw new AppError(OSCAL_ERRORS.setAmbiguous, { values: { title: catalog.title } });
    row = byTitle.rows[0];
  }
  if (!row) return null;
  const lastModified = row.last_modified as Date | null;
  if (!options.allowOlder && lastModified && catalog.lastModified && catalog.lastModified < lastModified) {
    throw new AppError(OSCAL_ERRORS.catalogOlder, {
      values: { title: catalog.title, stored: lastModified.toISOString().slice(0, 10), incoming: catalog.lastModified.toISOString().slice(0, 10) },
    });
  }
  return {
    id: row.id as string,
    source: { title: row.title, uuid: row.uuid, version: row.version, lastModified: lastModified?.toISOString() ?? null },
  };
}

async function createSet(transaction: Transaction, source: AuditSource, setId: string, catalog: OscalCatalog): Promise<void> {
  await transaction.query('INSERT INTO objects (id, type, name, created_by) VALUES ($1, $2, $3, $4)', [
    setId,
    REQUIREMENT_SET_TYPE,
    catalog.title,
    source.actorId,
  ]);
  await transaction.query(
    `INSERT INTO requirement_sets (object_id, source_format, source_uuid, source_version, source_last_modified, imported_at)
     VALUES ($1, 'oscal', $2, $3, $4, now())`,
    [setId, catalog.uuid, catalog.version || null, catalog.lastModified],
  );
}

async function updateSet(transaction: Transaction, setId: string, catalog: OscalCatalog): Promise<void> {
  await transaction.query(
    `UPDATE objects SET name = $2, version = version + 1, updated_at = now() WHERE id = $1 AND name IS DISTINCT FROM $2`,
    [setId, catalog.title],
  );
  await transaction.query(
    `UPDATE requirement_sets SET source_uuid = $2, source_version = $3, source_last_modified = $4, imported_at = now()
     WHERE object_id = $1`,
    [setId, catalog.uuid, catalog.version || null, catalog.lastModified],
  );
}

async function loadStoredItems(transaction: Transaction, setId: string): Promise<Map<string, StoredItem>> {
  const result = await transaction.query(
    `SELECT r.object_id AS id, r.parent_id, r.kind, r.identifier, r.label, o.name AS title, r.statement, o.description,
            r.sort_order, r.withdrawn
     FROM requirements r JOIN objects o ON o.id = r.object_id
     WHERE r.set_id = $1 FOR UPDATE OF r, o`,
    [setId],
  );
  return new Map(
    result.rows.map((row) => [
      row.identifier as string,
      {
        id: row.id,
        parentId: row.parent_id,
        kind: row.kind,
        identifier: row.identifier,
        label: row.label,
        title: row.title,
        statement: row.statement,
        description: row.description,
        sortOrder: row.sort_order,
        withdrawn: row.withdrawn,
      },
    ]),
  );
}

/** An item with the object id and parent id it gets in the set. */
interface PlannedItem extends OscalItem {
  id: string;
  parentId: string | null;
}

/**
 * Sorts the catalog's items into added, changed (content or place in the
 * tree) and only reordered, and finds the stored items to withdraw.
 */
function planChanges(items: OscalItem[], stored: Map<string, StoredItem>) {
  const ids = new Map<string, string>();
  for (const item of items) ids.set(item.identifier, stored.get(item.identifier)?.id ?? randomUUID());

  const plan = { added: [] as PlannedItem[], changed: [] as PlannedItem[], reordered: [] as PlannedItem[], withdrawn: [] as StoredItem[] };
  for (const item of items) {
    const planned = { ...item, id: ids.get(item.identifier)!, parentId: item.parentIdentifier === null ? null : ids.get(item.parentIdentifier)! };
    const previous = stored.get(item.identifier);
    if (!previous) plan.added.push(planned);
    else if (contentDiffers(planned, previous)) plan.changed.push(planned);
    else if (planned.sortOrder !== previous.sortOrder) plan.reordered.push(planned);
  }
  const present = new Set(items.map((item) => item.identifier));
  for (const item of stored.values()) {
    if (!present.has(item.identifier) && !item.withdrawn) plan.withdrawn.push(item);
  }
  return plan;
}

function contentDiffers(item: PlannedItem, stored: StoredItem): boolean {
  return (
    item.parentId !== stored.parentId ||
    item.kind !== stored.kind ||
    item.label !== stored.label ||
    item.title !== stored.title ||
    item.statement !== stored.statement ||
    item.description !== stored.description ||
    stored.withdrawn
  );
}

async function insertItems(
  transaction: Transaction,
  source: AuditSource,
  setId: string,
  items: PlannedItem[],
  report: (rows: number) => void,
): Promise<void> {
  // Items are in document order, so a parent is inserted in the same or an earlier batch than its children.
  for (let start = 0; start < items.length; start += BATCH_SIZE) {
    const batch = items.slice(start, start + BATCH_SIZE);
    await transaction.query(
      `INSERT INTO objects (id, type, name, description, created_by)
       SELECT id, $4, name, description, $5 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS item(id, name, description)`,
      [batch.map((item) => item.id), batch.map((item) => item.title), batch.map((item) => item.description), REQUIREMENT_TYPE, source.actorId],
    );
    await transaction.query(
      `INSERT INTO requirements (object_id, set_id, parent_id, identifier, label, kind, statement, sort_order)
       SELECT id, $1, parent_id, identifier, label, kind, statement, sort_order
       FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[])
         AS item(id, parent_id, identifier, label, kind, statement, sort_order)`,
      [
        setId,
        batch.map((item) => item.id),
        batch.map((item) => item.parentId),
        batch.map((item) => item.identifier),
        batch.map((item) => item.label),
        batch.map((item) => item.kind),
        batch.map((item) => item.statement),
        batch.map((item) => item.sortOrder),
      ],
    );
    report(batch.length);
  }
}

/** Updates stored items; with `newVersion` their objects also get the new title and description and a new version. */
async function updateItems(transaction: Transaction, items: PlannedItem[], newVersion: boolean, report: (rows: number) => void): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH_SIZE) {
    const batch = items.slice(start, start + BATCH_SIZE);
    if (newVersion) {
      await transaction.query(
        `UPDATE objects o SET name = item.name, description = item.description, version = o.version + 1, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS item(id, name, description) WHERE o.id = item.id`,
        [batch.map((item) => item.id), batch.map((item) => item.title), batch.map((item) => item.description)],
      );
    }
    await transaction.query(
      `UPDATE requirements r
       SET parent_id = item.parent_id, kind = item.kind, label = item.label, statement = item.statement,
           sort_order = item.sort_order, withdrawn = false
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[])
         AS item(id, parent_id, kind, label, statement, sort_order)
       WHERE r.object_id = item.id`,
      [
        batch.map((item) => item.id),
        batch.map((item) => item.parentId),
        batch.map((item) => item.kind),
        batch.map((item) => item.label),
        batch.map((item) => item.statement),
        batch.map((item) => item.sortOrder),
      ],
    );
    report(batch.length);
  }
}

async function withdrawItems(transaction: Transaction, items: StoredItem[], report: (rows: number) => void): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH_SIZE) {
    const ids = items.slice(start, start + BATCH_SIZE).map((item) => item.id);
    await transaction.query('UPDATE requirements SET withdrawn = true WHERE object_id = ANY($1::uuid[])', [ids]);
    await transaction.query('UPDATE objects SET version = version + 1, updated_at = now() WHERE id = ANY($1::uuid[])', [ids]);
    report(ids.length);
  }
}
