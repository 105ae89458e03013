import type { Transaction } from '../../db/transaction.js';
import { AppErrorWithDetails } from '../error-details.js';
import { MODEL_ERRORS } from '../errors.js';
import type { Attributes } from '../schemas.js';
import type { ObjectView } from './object-view.js';

/** The fields of an object that a change can set, as a conflict compares them. */
export interface ComparableFields {
  type?: string;
  name?: string;
  description?: string;
  externalId?: string | null;
  attributes?: Attributes;
}

/**
 * Throws OBJECT_VERSION_CONFLICT for a request based on `requestedVersion`
 * of an object that is now at `current.version`. The error carries:
 *
 * - `current`: the object as it is now.
 * - `base`: the object as it was at the requested version, read from the
 *   audit log. It is null when the log has no snapshot of that version: a
 *   version that never existed, or one written by an import, which audits
 *   the import as a whole.
 * - `differingFields`: with a base, the fields that others changed since
 *   the requested version, which the user must look at before trying again.
 *   Without a base, the fields of the request whose value differs from the
 *   current one. Attributes are named one by one, as `attributes.<key>`.
 */
export async function throwVersionConflict(
  transaction: Transaction,
  current: ObjectView,
  requestedVersion: number,
  submitted: ComparableFields | null,
): Promise<never> {
  const base = requestedVersion < current.version ? await readSnapshot(transaction, current.id, requestedVersion) : null;
  let fields: string[];
  if (base) fields = compareFields(base, current, ['type', 'name', 'description', 'externalId', 'attributes']);
  else if (submitted) fields = compareFields(submitted, current, Object.keys(submitted) as (keyof ComparableFields)[]);
  else fields = [];

  throw new AppErrorWithDetails(
    MODEL_ERRORS.objectVersionConflict,
    { current, base, differingFields: fields },
    { values: { requested: requestedVersion, current: current.version }, detail: `object ${current.id} is at version ${current.version}` },
  );
}

/** Names the fields among `names` whose values differ between `a` and `current`, each attribute on its own. */
function compareFields(a: ComparableFields, current: ObjectView, names: (keyof ComparableFields)[]): string[] {
  const differing: string[] = [];
  for (const name of names) {
    if (name !== 'attributes') {
      if ((a[name] ?? null) !== (current[name] ?? null)) differing.push(name);
      continue;
    }
    const theirs = a.attributes ?? {};
    const keys = new Set([...Object.keys(theirs), ...Object.keys(current.attributes)]);
    for (const key of [...keys].sort()) {
      if (theirs[key] !== current.attributes[key]) differing.push(`attributes.${key}`);
    }
  }
  return differing;
}

/**
 * Reads the object as it was at `version` from the `after` of the audit
 * entry that created that version. Every change through the objects API
 * writes one, in the same transaction as the change.
 */
async function readSnapshot(transaction: Transaction, id: string, version: number): Promise<ObjectView | null> {
  const result = await transaction.query<{ after: unknown }>(
    `SELECT after FROM audit_entries
     WHERE entity_type = 'object' AND entity_id = $1 AND action IN ('object.created', 'object.updated')
       AND after ->> 'version' = $2
     ORDER BY id DESC LIMIT 1`,
    [id, String(version)],
  );
  const snapshot = result.rows[0]?.after as Partial<ObjectView> | undefined;
  if (!snapshot || typeof snapshot.name !== 'string' || typeof snapshot.attributes !== 'object' || snapshot.attributes === null) return null;
  return {
    id,
    type: String(snapshot.type),
    name: snapshot.name,
    description: String(snapshot.description ?? ''),
    attributes: snapshot.attributes,
    // Snapshots from before external ids existed have none.
    externalId: snapshot.externalId ?? null,
    version,
    createdAt: String(snapshot.createdAt),
    updatedAt: String(snapshot.updatedAt),
  };
}
