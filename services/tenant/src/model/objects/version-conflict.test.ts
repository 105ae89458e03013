import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';
import { auditEntriesOf, createObjectAs, snapshotModel } from '../../test-support/model-requests.js';

describe('object version conflicts', () => {
  let tenant: TestTenant;
  let anna: { id: string; token: string };
  let bertil: { id: string; token: string };

  beforeAll(async () => {
    tenant = await createTestTenant('conflicts');
    anna = await createUserWithToken(tenant, 'write');
    bertil = await createUserWithToken(tenant, 'write');
  });

  afterAll(async () => tenant.close());

  function patch(id: string, payload: object, token: string, language = 'en') {
    return tenant.app.inject({ method: 'PATCH', url: `/api/objects/${id}`, headers: { ...bearer(token), 'accept-language': language }, payload });
  }

  it('gives the second of two edits of one version 409 and loses neither change', async () => {
    const object = await createObjectAs(tenant, anna.token, {
      type: 'application',
      name: 'Ledger',
      description: 'Book-keeping.',
      attributes: { system_owner: 'Finance' },
    });

    // Both loaded version 1. Anna renames it; Bertil changes the description from his stale copy.
    const first = await patch(object.id, { version: 1, name: 'General ledger' }, anna.token);
    expect(first.statusCode).toBe(200);
    const before = await snapshotModel(tenant);
    const second = await patch(object.id, { version: 1, description: 'Book-keeping and closing.' }, bertil.token);

    expect(second.statusCode).toBe(409);
    const error = second.json().error;
    expect(error.code).toBe('OBJECT_VERSION_CONFLICT');
    expect(error.current).toMatchObject({ id: object.id, name: 'General ledger', description: 'Book-keeping.', version: 2 });
    expect(error.base).toMatchObject({ name: 'Ledger', description: 'Book-keeping.', version: 1 });
    expect(error.differingFields).toEqual(['name']);
    expect(await snapshotModel(tenant)).toEqual(before);

    // Bertil reads Anna's change from the 409 and sends his own change again on top of it.
    const retried = await patch(object.id, { version: error.current.version, description: 'Book-keeping and closing.' }, bertil.token);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ name: 'General ledger', description: 'Book-keeping and closing.', version: 3 });

    const entries = await auditEntriesOf(tenant, object.id);
    expect(entries.map((entry) => [entry.action, entry.actor_id])).toEqual([
      ['object.created', anna.id],
      ['object.updated', anna.id],
      ['object.updated', bertil.id],
    ]);
    expect(entries[1]!.after).toMatchObject({ name: 'General ledger', description: 'Book-keeping.' });
    expect(entries[2]!.after).toMatchObject({ name: 'General ledger', description: 'Book-keeping and closing.' });
  });

  it('explains the conflict in Swedish and English', async () => {
    const object = await createObjectAs(tenant, anna.token, { type: 'process', name: 'Hiring' });
    await patch(object.id, { version: 1, name: 'Recruiting' }, anna.token);

    const english = await patch(object.id, { version: 1, name: 'Hiring staff' }, bertil.token, 'en');
    expect(english.json().error.message).toBe(
      'Someone else changed the object after you loaded it (you had version 1, the current one is 2). Review the current version and make your change again.',
    );
    const swedish = await patch(object.id, { version: 1, name: 'Hiring staff' }, bertil.token, 'sv');
    expect(swedish.json().error.message).toBe(
      'Någon annan ändrade objektet efter att du läste in det (du hade version 1, den aktuella är 2). Granska den aktuella versionen och gör din ändring igen.',
    );
  });

  it('names each attribute that someone else changed', async () => {
    const object = await createObjectAs(tenant, anna.token, {
      type: 'application',
      name: 'Intranet',
      attributes: { system_owner: 'IT', lifecycle: 'in_use', user_count: 300 },
    });
    await patch(object.id, { version: 1, attributes: { system_owner: 'Communications', lifecycle: 'in_use' } }, anna.token);

    const response = await patch(object.id, { version: 1, name: 'Intranet 2' }, bertil.token);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.differingFields).toEqual(['attributes.system_owner', 'attributes.user_count']);
  });

  it('compares with the submitted fields when the audit log has no snapshot of the version', async () => {
    const object = await createObjectAs(tenant, anna.token, { type: 'process', name: 'Archiving', description: 'Old' });
    // A change outside the objects API, such as an import, raises the version without a snapshot per object.
    await tenant.admin.query("UPDATE esm.objects SET description = 'New', version = 3 WHERE id = $1", [object.id]);

    const response = await patch(object.id, { version: 2, name: 'Archiving', description: 'Mine' }, bertil.token);
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ base: null, differingFields: ['description'], current: { version: 3 } });
  });

  it('rejects a deletion of a stale version and deletes nothing', async () => {
    const object = await createObjectAs(tenant, anna.token, { type: 'process', name: 'Filing' });
    await patch(object.id, { version: 1, description: 'Changed meanwhile.' }, anna.token);
    const before = await snapshotModel(tenant);

    const stale = await tenant.app.inject({ method: 'DELETE', url: `/api/objects/${object.id}?version=1`, headers: bearer(bertil.token) });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'OBJECT_VERSION_CONFLICT', differingFields: ['description'], current: { version: 2 } });
    expect(await snapshotModel(tenant)).toEqual(before);

    const missing = await tenant.app.inject({ method: 'DELETE', url: `/api/objects/${object.id}`, headers: bearer(bertil.token) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('REQUEST_INVALID');

    const current = await tenant.app.inject({ method: 'DELETE', url: `/api/objects/${object.id}?version=2`, headers: bearer(bertil.token) });
    expect(current.statusCode).toBe(204);
  });

  it('lets exactly one of two simultaneous changes from the same version through', async () => {
    const object = await createObjectAs(tenant, anna.token, { type: 'process', name: 'Payments' });
    const responses = await Promise.all([
      patch(object.id, { version: 1, name: 'Payments A' }, anna.token),
      patch(object.id, { version: 1, name: 'Payments B' }, bertil.token),
    ]);
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 409]);
    const stored = await tenant.admin.query('SELECT name, version FROM esm.objects WHERE id = $1', [object.id]);
    const winner = responses.find((response) => response.statusCode === 200)!.json();
    expect(stored.rows[0]).toEqual({ name: winner.name, version: 2 });
  });
});
