import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';
import { createRequirementSetThroughApi } from '../test-support/requirements.js';
import { snapshotModel } from '../test-support/model-requests.js';

/**
 * Requirement sets and requirements change only through the requirement
 * routes, which need admin access; the generic object, classification and
 * ArchiMate routes must not reach them, also for a write user.
 */
describe('requirement objects outside the requirement routes', () => {
  let tenant: TestTenant;
  let writer: { token: string };
  let admin: { token: string };
  let requirementId: string;

  beforeAll(async () => {
    tenant = await createTestTenant('requirement-objects');
    admin = await createUserWithToken(tenant, 'admin');
    writer = await createUserWithToken(tenant, 'write');
    const { ids } = await createRequirementSetThroughApi(tenant, admin.token, 'Internal rules', [{ identifier: 'r-1' }]);
    requirementId = ids['r-1']!;
    await tenant.admin.query("UPDATE esm.objects SET external_id = 'shared-id' WHERE id = $1", [requirementId]);
  });

  afterAll(async () => tenant.close());

  it('rejects a PATCH of a requirement through the objects API with OBJECT_TYPE_RESERVED', async () => {
    const before = await snapshotModel(tenant);
    const response = await tenant.app.inject({
      method: 'PATCH',
      url: `/api/objects/${requirementId}`,
      headers: bearer(writer.token),
      payload: { version: 1, name: 'Waived' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('OBJECT_TYPE_RESERVED');
    expect(await snapshotModel(tenant)).toEqual(before);
  });

  it('rejects a classification level on a requirement with CLASSIFICATION_OBJECT_NOT_CLASSIFIABLE', async () => {
    const before = await snapshotModel(tenant);
    const response = await tenant.app.inject({
      method: 'PUT',
      url: `/api/objects/${requirementId}/classification/confidentiality`,
      headers: bearer(writer.token),
      payload: { level: 2, justification: 'test' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('CLASSIFICATION_OBJECT_NOT_CLASSIFIABLE');
    expect(await snapshotModel(tenant)).toEqual(before);
  });

  it('rejects an ArchiMate element with a requirement external id with ARCHIMATE_MATCHES_REQUIREMENT', async () => {
    const before = await snapshotModel(tenant);
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m-1">
  <name xml:lang="en">Model</name>
  <elements>
    <element identifier="shared-id" xsi:type="ApplicationComponent"><name xml:lang="en">Renamed requirement</name></element>
  </elements>
</model>`;
    const response = await tenant.app.inject({
      method: 'POST',
      url: '/api/imports/archimate',
      headers: { ...bearer(writer.token), 'content-type': 'application/xml' },
      payload: xml,
    });
    const lines = response.body.trim().split('\n').map((line) => JSON.parse(line) as { phase: string; error?: { code: string } });
    expect(lines.at(-1)).toMatchObject({ phase: 'failed', error: { code: 'ARCHIMATE_MATCHES_REQUIREMENT' } });
    expect(await snapshotModel(tenant)).toEqual(before);
  });
});
