import { bearer, type TestTenant } from './tenant-fixture.js';

/** A group or requirement to create in a test set; `children` go under it. */
export interface RequirementSpec {
  identifier: string;
  kind?: 'group' | 'requirement';
  title?: string;
  children?: RequirementSpec[];
}

/**
 * Creates a requirement set maintained by hand through the API, with the
 * given tree, and returns its id and the ids of its items by identifier.
 * Throws when a request fails, so a broken setup stops the test early.
 */
export async function createRequirementSetThroughApi(
  tenant: TestTenant,
  adminToken: string,
  name: string,
  items: RequirementSpec[],
): Promise<{ setId: string; ids: Record<string, string> }> {
  const created = await tenant.app.inject({ method: 'POST', url: '/api/requirement-sets', headers: bearer(adminToken), payload: { name } });
  if (created.statusCode !== 201) throw new Error(`creating set ${name} failed: ${created.body}`);
  const setId = created.json().id as string;
  const ids: Record<string, string> = {};
  const add = async (spec: RequirementSpec, parentId: string | undefined) => {
    const response = await tenant.app.inject({
      method: 'POST',
      url: `/api/requirement-sets/${setId}/requirements`,
      headers: bearer(adminToken),
      payload: {
        kind: spec.kind ?? 'requirement',
        identifier: spec.identifier,
        title: spec.title ?? `Title of ${spec.identifier}`,
        statement: `Statement of ${spec.identifier}`,
        ...(parentId ? { parentId } : {}),
      },
    });
    if (response.statusCode !== 201) throw new Error(`adding ${spec.identifier} failed: ${response.body}`);
    ids[spec.identifier] = response.json().id;
    for (const child of spec.children ?? []) await add(child, ids[spec.identifier]);
  };
  for (const item of items) await add(item, undefined);
  return { setId, ids };
}

/** Inserts an object directly, without the objects API's checks and audit entry, and returns its id. */
export async function insertObject(tenant: TestTenant, type: string, name: string): Promise<string> {
  const result = await tenant.admin.query<{ id: string }>('INSERT INTO esm.objects (type, name) VALUES ($1, $2) RETURNING id', [type, name]);
  return result.rows[0]!.id;
}

/** Inserts a relation directly and returns its id. */
export async function insertRelation(tenant: TestTenant, type: string, sourceId: string, targetId: string): Promise<string> {
  const result = await tenant.admin.query<{ id: string }>(
    'INSERT INTO esm.relations (type, source_id, target_id) VALUES ($1, $2, $3) RETURNING id',
    [type, sourceId, targetId],
  );
  return result.rows[0]!.id;
}

/** Sets an object's level in a dimension by hand, which the view effective_levels then returns for it. */
export async function assignLevel(tenant: TestTenant, objectId: string, dimension: string, level: number): Promise<void> {
  await tenant.admin.query(
    `INSERT INTO esm.classification_assignments (object_id, dimension, level, justification) VALUES ($1, $2, $3, 'test')
     ON CONFLICT (object_id, dimension) DO UPDATE SET level = excluded.level`,
    [objectId, dimension, level],
  );
}
