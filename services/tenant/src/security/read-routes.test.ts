import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, REPO_ROOT, type TestTenant } from '../test-support/tenant-fixture.js';
import { createObjectAs, createRelationAs } from '../test-support/model-requests.js';

const OSCAL_JSON = path.join(REPO_ROOT, '..', 'shared', 'fixtures', 'oscal', 'NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json');

/**
 * A read user's transaction runs under the read-only role, which may not
 * lock rows (SELECT … FOR SHARE needs UPDATE privilege). Every read route
 * must therefore work for a read user, on a tenant with data in every part
 * of the model.
 */
describe('read routes for a read user', () => {
  let tenant: TestTenant;
  let reader: { token: string };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    tenant = await createTestTenant('read-routes');
    const admin = await createUserWithToken(tenant, 'admin');
    reader = await createUserWithToken(tenant, 'read');

    const unit = await createObjectAs(tenant, admin.token, { type: 'organisation_unit', name: 'Social services' });
    const information = await createObjectAs(tenant, admin.token, { type: 'information_object', name: 'Case files' });
    const application = await createObjectAs(tenant, admin.token, { type: 'application', name: 'Case system' });
    await createRelationAs(tenant, admin.token, 'responsible_for', unit.id, application.id);
    await createRelationAs(tenant, admin.token, 'handled_in', information.id, application.id);
    const level = await tenant.app.inject({
      method: 'PUT',
      url: `/api/objects/${information.id}/classification/confidentiality`,
      headers: bearer(admin.token),
      payload: { level: 3, justification: 'Sensitive personal data' },
    });
    expect(level.statusCode).toBe(200);
    const imported = await tenant.app.inject({
      method: 'POST',
      url: '/api/requirement-sets/imports/oscal',
      headers: { ...bearer(admin.token), 'content-type': 'application/json' },
      payload: await readFile(OSCAL_JSON, 'utf8'),
    });
    expect(imported.body).toContain('"phase":"finished"');
    const sets = await tenant.admin.query<{ object_id: string }>('SELECT object_id FROM esm.requirement_sets');
    Object.assign(ids, { unit: unit.id, information: information.id, application: application.id, set: sets.rows[0]!.object_id });
  });

  afterAll(async () => tenant.close());

  it.each([
    ['/api/meta-model'],
    ['/api/meta-model/object-types/application/attributes/system_owner/removal-preview'],
    ['/api/objects?q=case&sort=-updatedAt&limit=50'],
    ['/api/objects/{application}'],
    ['/api/objects/{information}/deletion-preview'],
    ['/api/objects/{application}/classification'],
    ['/api/objects/{application}/statements'],
    ['/api/classification/scale'],
    ['/api/classification/overview'],
    ['/api/classification/cycles'],
    ['/api/requirement-sets'],
    ['/api/requirement-sets/{set}'],
    ['/api/gap-analysis/objects/{application}'],
    ['/api/gap-analysis/requirement-sets/{set}'],
    ['/api/gap-analysis/organisation-units/{unit}'],
    ['/api/exports/model'],
    ['/api/exports/objects.csv?type=application'],
    ['/api/exports/objects.xlsx?type=application'],
    ['/api/audit'],
  ])('answers GET %s with 200', async (template) => {
    const url = template.replace(/\{(\w+)\}/g, (_whole, name: string) => ids[name]!);
    const response = await tenant.app.inject({ method: 'GET', url, headers: bearer(reader.token) });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
  });
});
