import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuditPageQuery } from './audit.js';
import { createRequirementSetThroughApi } from '../test-support/requirements.js';
import { bearer, countRows, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';

describe('GET /api/audit', () => {
  let tenant: TestTenant;
  let reader: string;

  beforeAll(async () => {
    tenant = await createTestTenant('audit');
    const writer = (await createUserWithToken(tenant, 'write')).token;
    reader = (await createUserWithToken(tenant, 'read')).token;
    // More than ten entries, so ids with one and two digits sort differently as text and as numbers.
    for (let index = 1; index <= 14; index += 1) {
      await tenant.app.inject({ method: 'POST', url: '/api/objects', headers: bearer(writer), payload: { type: 'process', name: `p${index}` } });
    }
  });

  afterAll(async () => tenant.close());

  function list(query: string) {
    return tenant.app.inject({ method: 'GET', url: `/api/audit?${query}`, headers: bearer(reader) });
  }

  it('pages through every entry in numeric order', async () => {
    const stored = await tenant.admin.query<{ id: string }>('SELECT entry.id::text AS id FROM esm.audit_entries AS entry ORDER BY entry.id DESC');
    expect(stored.rows.length).toBeGreaterThan(10);

    const seen: string[] = [];
    let before: string | null = null;
    do {
      const response = await list(`limit=5${before ? `&before=${before}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json() as { entries: { id: string }[]; next: string | null };
      expect(page.entries.length).toBeLessThanOrEqual(5);
      seen.push(...page.entries.map((entry) => entry.id));
      before = page.next;
    } while (before !== null && seen.length <= stored.rows.length);

    expect(seen).toEqual(stored.rows.map((row) => row.id));
  });

  it('returns the newest entry first', async () => {
    const newest = await tenant.admin.query<{ id: string }>('SELECT max(id)::text AS id FROM esm.audit_entries');
    const response = await list('limit=1');
    expect(response.json().entries[0].id).toBe(newest.rows[0]!.id);
  });

  it.each([
    ['beyond the bigint range', '9999999999999999999'],
    ['one above the bigint maximum', '9223372036854775808'],
    ['zero', '0'],
    ['negative', '-1'],
    ['not a number', 'abc'],
  ])('rejects a before value %s with REQUEST_INVALID', async (_case, before) => {
    const entries = await countRows(tenant, 'audit_entries');
    const response = await list(`before=${before}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
    expect(await countRows(tenant, 'audit_entries')).toBe(entries);
  });

  it('accepts the bigint maximum as before', async () => {
    const response = await list('before=9223372036854775807&limit=1');
    expect(response.statusCode).toBe(200);
    expect(response.json().entries).toHaveLength(1);
  });
});

describe('GET /api/audit?objectId=', () => {
  let tenant: TestTenant;
  let writer: string;
  let reader: string;
  let register: string;
  let onboarding: string;
  let crm: string;

  interface Entry {
    id: string;
    action: string;
    entityType: string;
    entityId: string | null;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
  }

  async function send(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object, token = writer): Promise<void> {
    const response = await tenant.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
  }

  async function create(url: string, payload: object): Promise<string> {
    const response = await tenant.app.inject({ method: 'POST', url, headers: bearer(writer), payload });
    expect(response.statusCode, `POST ${url}: ${response.body}`).toBe(201);
    return response.json().id as string;
  }

  function list(query: string, token = reader) {
    return tenant.app.inject({ method: 'GET', url: `/api/audit?${query}`, headers: bearer(token) });
  }

  async function historyOf(objectId: string, limit = 200): Promise<Entry[]> {
    const response = await list(`objectId=${objectId}&limit=${limit}`);
    expect(response.statusCode).toBe(200);
    return response.json().entries as Entry[];
  }

  /** Reads the ids of the entries about `objectId` by the rules the route follows, computed here from every stored entry. */
  async function storedEntryIdsAbout(objectId: string): Promise<string[]> {
    const response = await list('limit=200');
    const entries = response.json().entries as Entry[];
    return entries
      .filter((entry) => {
        if (entry.entityType === 'object' || entry.entityType === 'classification') return entry.entityId === objectId;
        if (entry.entityType === 'statement') return entry.entityId?.startsWith(`${objectId}/`) === true;
        if (entry.entityType === 'relation') {
          return [entry.before?.sourceId, entry.before?.targetId, entry.after?.sourceId, entry.after?.targetId].includes(objectId);
        }
        return false;
      })
      .map((entry) => entry.id);
  }

  beforeAll(async () => {
    tenant = await createTestTenant('history');
    const admin = (await createUserWithToken(tenant, 'admin')).token;
    writer = (await createUserWithToken(tenant, 'write')).token;
    reader = (await createUserWithToken(tenant, 'read')).token;

    register = await create('/api/objects', { type: 'information_object', name: 'Customer register' });
    onboarding = await create('/api/objects', { type: 'process', name: 'Onboarding' });
    crm = await create('/api/objects', { type: 'application', name: 'CRM' });

    await send('PATCH', `/api/objects/${register}`, { version: 1, name: 'Client register' });
    await send('PATCH', `/api/objects/${onboarding}`, { version: 1, name: 'Client onboarding' });
    await send('POST', '/api/relations', { type: 'uses_information', sourceId: onboarding, targetId: register });
    const handledIn = await create('/api/relations', { type: 'handled_in', sourceId: register, targetId: crm });
    await send('POST', '/api/relations', { type: 'supported_by', sourceId: onboarding, targetId: crm });
    await send('DELETE', `/api/relations/${handledIn}`);
    await send('PUT', `/api/objects/${register}/classification/confidentiality`, { level: 2, justification: 'Personal data of clients' });

    const { ids } = await createRequirementSetThroughApi(tenant, admin, 'Baseline', [{ identifier: 'R1' }]);
    await send('PUT', `/api/objects/${register}/statements/${ids.R1}`, { status: 'fulfilled' });
    await send('PUT', `/api/objects/${crm}/statements/${ids.R1}`, { status: 'not_fulfilled' });
  });

  afterAll(async () => tenant.close());

  it('lists entries about the object newest first', async () => {
    const entries = await historyOf(register);
    expect(entries.map((entry) => entry.action)).toEqual([
      'statement.set',
      'classification.set',
      'relation.deleted',
      'relation.created',
      'relation.created',
      'object.updated',
      'object.created',
    ]);
    expect(entries.map((entry) => entry.id)).toEqual(await storedEntryIdsAbout(register));
  });

  it('leaves out entries about other objects', async () => {
    const entries = await historyOf(register);
    const objectEntries = entries.filter((entry) => entry.entityType === 'object');
    expect(objectEntries.every((entry) => entry.entityId === register)).toBe(true);
    const relationEnds = entries
      .filter((entry) => entry.entityType === 'relation')
      .map((entry) => (entry.after ?? entry.before)!)
      .map((relation) => [relation.sourceId, relation.targetId]);
    expect(relationEnds.every((ends) => ends.includes(register))).toBe(true);
    expect(entries.some((entry) => entry.entityType === 'statement' && !entry.entityId!.startsWith(`${register}/`))).toBe(false);
  });

  it('lists the history of each end of a relation', async () => {
    const crmEntries = await historyOf(crm);
    expect(crmEntries.map((entry) => entry.id)).toEqual(await storedEntryIdsAbout(crm));
    expect(crmEntries.filter((entry) => entry.action === 'relation.created')).toHaveLength(2);
    expect(crmEntries.some((entry) => entry.action === 'object.updated')).toBe(false);
  });

  it('pages through one object history', async () => {
    const all = await historyOf(register);
    const seen: string[] = [];
    let before: string | null = null;
    do {
      const response = await list(`objectId=${register}&limit=2${before ? `&before=${before}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json() as { entries: Entry[]; next: string | null };
      expect(page.entries.length).toBeLessThanOrEqual(2);
      seen.push(...page.entries.map((entry) => entry.id));
      before = page.next;
    } while (before !== null && seen.length <= all.length);

    expect(seen).toEqual(all.map((entry) => entry.id));
  });

  it('accepts an object id in upper case', async () => {
    const lower = await historyOf(register);
    const upper = await historyOf(register.toUpperCase());
    expect(upper.map((entry) => entry.id)).toEqual(lower.map((entry) => entry.id));
  });

  it('keeps the history of a deleted object', async () => {
    const archive = await create('/api/objects', { type: 'application', name: 'Archive' });
    await send('DELETE', `/api/objects/${archive}?version=1`);
    const entries = await historyOf(archive);
    expect(entries.map((entry) => entry.action)).toEqual(['object.deleted', 'object.created']);
  });

  it('returns an empty page for an id no entry names', async () => {
    const response = await list('objectId=00000000-0000-4000-8000-000000000000');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ entries: [], next: null });
  });

  it.each([
    ['not a UUID', 'register'],
    ['a UUID with a urn prefix', 'urn:uuid:00000000-0000-4000-8000-000000000000'],
    ['a UUID with a character more', '00000000-0000-4000-8000-0000000000001'],
    ['a UUID without hyphens', '00000000000040008000000000000000'],
    ['empty', ''],
  ])('rejects an objectId %s with REQUEST_INVALID', async (_case, objectId) => {
    const entries = await countRows(tenant, 'audit_entries');
    const response = await list(`objectId=${encodeURIComponent(objectId)}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_INVALID');
    expect(await countRows(tenant, 'audit_entries')).toBe(entries);
  });

  it('rejects a request without a token with 401', async () => {
    const response = await tenant.app.inject({ method: 'GET', url: `/api/audit?objectId=${register}` });
    expect(response.statusCode).toBe(401);
  });

  it('filters through the index audit_entries_object_ids', async () => {
    const client = await tenant.admin.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL search_path TO esm');
      // With this few rows a sequential scan is cheaper, so the test turns sequential scans off.
      await client.query('SET LOCAL enable_seqscan = off');
      const query = buildAuditPageQuery({ limit: 50, before: undefined, objectId: register });
      const plan = await client.query(`EXPLAIN ${query.text}`, query.values);
      const text = plan.rows.map((row) => row['QUERY PLAN'] as string).join('\n');
      expect(text).toContain('audit_entries_object_ids');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
