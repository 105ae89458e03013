import { expect } from 'vitest';
import { bearer, type TestTenant } from './tenant-fixture.js';

/** An object as the API returns it, with the fields tests read. */
export interface ObjectBody {
  id: string;
  type: string;
  name: string;
  description: string;
  attributes: Record<string, unknown>;
  externalId: string | null;
  version: number;
}

/** Creates an object through the API and returns it; fails the test unless the response is 201. */
export async function createObjectAs(tenant: TestTenant, token: string, payload: Record<string, unknown>): Promise<ObjectBody> {
  const response = await tenant.app.inject({ method: 'POST', url: '/api/objects', headers: bearer(token), payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as ObjectBody;
}

/** Creates a relation through the API and returns its id; fails the test unless the response is 201. */
export async function createRelationAs(tenant: TestTenant, token: string, type: string, sourceId: string, targetId: string): Promise<string> {
  const response = await tenant.app.inject({
    method: 'POST',
    url: '/api/relations',
    headers: bearer(token),
    payload: { type, sourceId, targetId },
  });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { id: string }).id;
}

/** Reads the audit entries of one entity, oldest first. */
export async function auditEntriesOf(tenant: TestTenant, entityId: string): Promise<Record<string, unknown>[]> {
  const result = await tenant.admin.query('SELECT * FROM esm.audit_entries WHERE entity_id = $1 ORDER BY id', [entityId]);
  return result.rows as Record<string, unknown>[];
}

/** Takes a snapshot of the model tables and the audit log, for checking that a rejected request changed nothing. */
export async function snapshotModel(tenant: TestTenant): Promise<unknown> {
  const result = await tenant.admin.query(`
    SELECT (SELECT coalesce(jsonb_agg(o ORDER BY o.id), '[]') FROM esm.objects o) AS objects,
           (SELECT coalesce(jsonb_agg(r ORDER BY r.id), '[]') FROM esm.relations r) AS relations,
           (SELECT coalesce(jsonb_agg(i ORDER BY i.object_id, i.dimension), '[]') FROM esm.inherited_levels i) AS inherited,
           (SELECT count(*)::int FROM esm.audit_entries) AS audit_entries`);
  return result.rows[0];
}
