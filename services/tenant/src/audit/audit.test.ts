import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
