import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, bearer, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';

const SP800_53_JSON = path.resolve(REPO_ROOT, '../shared/fixtures/oscal/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json');
const CSF_XML = path.resolve(REPO_ROOT, '../shared/fixtures/oscal/NIST_CSF_v2.0_catalog.xml');

/**
 * Times the OSCAL imports, the gap analyses and a bulk request of 1,000
 * statements. It runs only with ESM_BENCHMARK=1 and prints its figures
 * instead of asserting them, because they depend on the machine.
 *
 * The model has 5,000 applications (confidentiality 0 to 4 at random) and
 * 5,000 servers, all reached by one organisation unit, and both OSCAL
 * fixtures. The SP 800-53 set has a rule for applications and servers, and
 * its AC family one for applications from confidentiality 3. About 30% of
 * the pairs of a server and an SP 800-53 requirement have a statement.
 */
describe.runIf(process.env.ESM_BENCHMARK === '1')('gap analysis benchmark', () => {
  let tenant: TestTenant;
  let token: string;
  const timings: Record<string, number[]> = {};

  const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    (timings[name] ??= []).push(Math.round(performance.now() - start));
    return result;
  };

  const importCatalog = (body: string, contentType: string) =>
    tenant.app.inject({
      method: 'POST',
      url: '/api/requirement-sets/imports/oscal',
      headers: { ...bearer(token), 'content-type': contentType },
      payload: body,
    });

  beforeAll(async () => {
    tenant = await createTestTenant('gap-benchmark');
    token = (await createUserWithToken(tenant, 'admin')).token;
  }, 600_000);

  afterAll(async () => {
    await tenant?.close();
    console.log(JSON.stringify(timings));
  });

  it('times imports, analyses and a bulk request', async () => {
    const json = await readFile(SP800_53_JSON, 'utf8');
    const imported = await time('import SP 800-53 JSON', () => importCatalog(json, 'application/json'));
    const setId = JSON.parse(imported.body.trim().split('\n').at(-1)!).setId as string;
    await time('re-import SP 800-53 JSON', () => importCatalog(json, 'application/json'));
    await time('import CSF XML', async () => importCatalog(await readFile(CSF_XML, 'utf8'), 'application/xml'));

    await tenant.admin.query(
      `INSERT INTO esm.objects (type, name)
       SELECT CASE WHEN i % 2 = 0 THEN 'application' ELSE 'server' END, 'object ' || i FROM generate_series(1, 10000) i`,
    );
    await tenant.admin.query(
      `INSERT INTO esm.classification_assignments (object_id, dimension, level, justification)
       SELECT id, 'confidentiality', floor(random() * 5)::int, 'benchmark' FROM esm.objects WHERE type = 'application'`,
    );
    const unit = (await tenant.admin.query("INSERT INTO esm.objects (type, name) VALUES ('organisation_unit', 'Unit') RETURNING id")).rows[0].id;
    await tenant.admin.query(
      "INSERT INTO esm.relations (type, source_id, target_id) SELECT 'responsible_for', $1, id FROM esm.objects WHERE type IN ('application', 'server')",
      [unit],
    );
    const family = (await tenant.admin.query("SELECT object_id FROM esm.requirements WHERE set_id = $1 AND identifier = 'ac'", [setId])).rows[0].object_id;
    const rules = [
      { url: `/api/requirements/${family}/applicability-rules`, payload: { objectTypes: ['application'], dimension: 'confidentiality', minLevel: 3 } },
      { url: `/api/requirement-sets/${setId}/applicability-rules`, payload: { objectTypes: ['application', 'server'] } },
    ];
    for (const rule of rules) {
      expect((await tenant.app.inject({ method: 'POST', url: rule.url, headers: bearer(token), payload: rule.payload })).statusCode).toBe(201);
    }
    await tenant.admin.query(
      `INSERT INTO esm.compliance_statements (object_id, requirement_id, status)
       SELECT o.id, r.object_id, 'fulfilled' FROM esm.objects o, esm.requirements r
       WHERE o.type = 'server' AND r.set_id = $1 AND r.kind = 'requirement' AND random() < 0.3`,
      [setId],
    );
    await tenant.admin.query('ANALYZE');

    const analyses = {
      'set analysis': `/api/gap-analysis/requirement-sets/${setId}`,
      'organisation unit analysis': `/api/gap-analysis/organisation-units/${unit}`,
      'object analysis': `/api/gap-analysis/objects/${unit}`,
    };
    for (const [name, url] of Object.entries(analyses)) {
      for (let run = 0; run < 3; run += 1) {
        const response = await time(name, () => tenant.app.inject({ method: 'GET', url, headers: bearer(token) }));
        expect(response.statusCode).toBe(200);
      }
    }

    const pairs = await tenant.admin.query(
      `SELECT o.id AS object_id, r.object_id AS requirement_id FROM esm.objects o, esm.requirements r
       WHERE o.type = 'server' AND r.set_id = $1 AND r.kind = 'requirement' AND r.identifier NOT LIKE 'ac-%'
         AND NOT EXISTS (SELECT 1 FROM esm.compliance_statements s WHERE s.object_id = o.id AND s.requirement_id = r.object_id)
       LIMIT 1000`,
      [setId],
    );
    // The AC family applies to applications only, so its requirements are left out.
    const items = pairs.rows.map((row) => ({ objectId: row.object_id, requirementId: row.requirement_id }));
    const bulk = await time('bulk request of 1,000 pairs', () =>
      tenant.app.inject({ method: 'POST', url: '/api/statements/bulk', headers: bearer(token), payload: { status: 'not_fulfilled', items } }),
    );
    expect(bulk.statusCode).toBe(200);
  }, 600_000);
});
