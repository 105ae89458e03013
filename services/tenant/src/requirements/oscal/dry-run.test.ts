import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, bearer, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';

const SP800_53_JSON = path.resolve(REPO_ROOT, '../shared/fixtures/oscal/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json');
const TABLES = ['objects', 'requirement_sets', 'requirements', 'audit_entries'];
const VERSIONED_UUID = 'c0000000-0000-4000-8000-000000000001';

/** Builds a small catalog of controls `{ id, title }` with a fixed uuid and title. */
function versionedCatalog(lastModified: string, controls: { id: string; title: string }[]): string {
  return JSON.stringify({ catalog: { uuid: VERSIONED_UUID, metadata: { title: 'Versioned', version: lastModified.slice(0, 4), 'last-modified': lastModified }, controls } });
}

describe('POST /api/requirement-sets/imports/oscal?dryRun=true', () => {
  let tenant: TestTenant;
  let adminToken: string;

  beforeAll(async () => {
    tenant = await createTestTenant('oscal-preview');
    adminToken = (await createUserWithToken(tenant, 'admin')).token;
  });

  afterAll(async () => tenant.close());

  function upload(body: string, query: string, token = adminToken) {
    return tenant.app.inject({
      method: 'POST',
      url: `/api/requirement-sets/imports/oscal${query}`,
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: body,
    });
  }

  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const result = await tenant.admin.query<{ count: number }>(`SELECT count(*)::int AS count FROM esm.${table}`);
      counts[table] = result.rows[0]!.count;
    }
    return counts;
  }

  it('previews SP 800-53 as a new set without changing any table', async () => {
    const before = await rowCounts();

    const response = await upload(await readFile(SP800_53_JSON, 'utf8'), '?dryRun=true');

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const preview = response.json();
    expect(preview).toMatchObject({ dryRun: true, created: true, setId: null, stored: null, older: false, changed: 0, withdrawn: 0 });
    expect(preview.catalog).toMatchObject({ version: '5.1.1+u4', lastModified: '2024-02-13T17:43:40.746Z' });
    expect(preview.catalog.title).toContain('800-53');
    expect(preview.requirements).toBeGreaterThan(100);
    expect(preview.added).toBe(preview.requirements + preview.groups);
    expect(await rowCounts()).toEqual(before);
  });

  it('previews a revision as added, changed and withdrawn requirements', async () => {
    const imported = await upload(versionedCatalog('2025-01-01T00:00:00Z', [{ id: 'v-1', title: 'First' }, { id: 'v-2', title: 'Second' }]), '');
    expect(imported.statusCode).toBe(200);
    const before = await rowCounts();

    const response = await upload(versionedCatalog('2026-01-01T00:00:00Z', [{ id: 'v-1', title: 'First, reworded' }, { id: 'v-3', title: 'Third' }]), '?dryRun=true');

    expect(response.statusCode).toBe(200);
    const preview = response.json();
    expect(preview).toMatchObject({ created: false, older: false, requirements: 2, added: 1, changed: 1, withdrawn: 1 });
    expect(preview.setId).toEqual(expect.any(String));
    expect(preview.stored).toMatchObject({ title: 'Versioned', version: '2025', lastModified: '2025-01-01T00:00:00.000Z' });
    expect(preview.catalog).toMatchObject({ title: 'Versioned', version: '2026' });
    expect(await rowCounts()).toEqual(before);
  });

  it('rejects an older catalog with OSCAL_CATALOG_OLDER unless allowOlder is set', async () => {
    const older = versionedCatalog('2024-01-01T00:00:00Z', [{ id: 'v-1', title: 'Old' }]);
    const before = await rowCounts();

    const rejected = await upload(older, '?dryRun=true');
    const allowed = await upload(older, '?dryRun=true&allowOlder=true');

    expect(rejected.statusCode).toBe(409);
    expect(rejected.json().error.code).toBe('OSCAL_CATALOG_OLDER');
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json()).toMatchObject({ older: true, changed: 1, withdrawn: 1 });
    expect(await rowCounts()).toEqual(before);
  });

  it('rejects a broken file with the code of the import', async () => {
    const broken = '{\n  "catalog": {\n    "uuid": "x",\n  }\n}';

    const preview = await upload(broken, '?dryRun=true');
    const real = await upload(broken, '');

    expect(preview.statusCode).toBe(real.statusCode);
    expect(preview.statusCode).toBe(422);
    expect(preview.json().error.code).toBe(real.json().error.code);
    expect(preview.json().error.message).toMatch(/line 4\b/);
  });

  it('needs admin access', async () => {
    const writer = await createUserWithToken(tenant, 'write');

    const response = await upload(versionedCatalog('2027-01-01T00:00:00Z', []), '?dryRun=true', writer.token);

    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('ACCESS_DENIED');
  });
});
