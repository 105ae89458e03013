import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';

describe('object type routes', () => {
  let tenant: TestTenant;
  let admin: string;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    tenant = await createTestTenant('object-types');
    admin = (await createUserWithToken(tenant, 'admin')).token;
    writer = (await createUserWithToken(tenant, 'write')).token;
    reader = (await createUserWithToken(tenant, 'read')).token;
    await tenant.admin.query("INSERT INTO esm.objects (type, name) VALUES ('application', 'Ekonomisystem'), ('application', 'Diariet')");
  });

  afterAll(async () => tenant.close());

  function send(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: object) {
    return tenant.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  }

  async function storedType(key: string) {
    const result = await tenant.admin.query('SELECT key, name_sv, name_en, role, version FROM esm.object_types WHERE key = $1', [key]);
    return result.rows[0];
  }

  async function lastAudit(action: string) {
    const result = await tenant.admin.query('SELECT entity_type, entity_id, before, after FROM esm.audit_entries WHERE action = $1 ORDER BY id DESC LIMIT 1', [action]);
    return result.rows[0];
  }

  async function auditCount(): Promise<number> {
    const result = await tenant.admin.query<{ count: number }>('SELECT count(*)::int AS count FROM esm.audit_entries');
    return result.rows[0]!.count;
  }

  async function createType(key: string) {
    const response = await send('POST', '/api/meta-model/object-types', admin, { key, nameSv: `Typ ${key}`, nameEn: `Type ${key}` });
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  describe('GET /api/meta-model', () => {
    it('returns the types with object counts to a read user', async () => {
      const response = await send('GET', '/api/meta-model', reader);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      const application = body.objectTypes.find((type: { key: string }) => type.key === 'application');
      expect(application).toMatchObject({ nameSv: 'Applikation', nameEn: 'Application', role: 'general', objectCount: 2, version: 1 });
      expect(application.attributes.map((attribute: { key: string }) => attribute.key)).toEqual(['system_owner', 'lifecycle', 'user_count', 'supplier']);
      expect(body.relationTypes.find((type: { key: string }) => type.key === 'runs_on')).toMatchObject({
        sourceTypes: ['application', 'platform_service'],
        targetTypes: ['server', 'platform_service'],
        protectionFlow: 'source_to_target',
        relationCount: 0,
      });
    });

    it('rejects a request without a token', async () => {
      const response = await tenant.app.inject({ method: 'GET', url: '/api/meta-model' });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('AUTH_REQUIRED');
    });
  });

  describe('POST /api/meta-model/object-types', () => {
    it('creates a type and audits it', async () => {
      const response = await send('POST', '/api/meta-model/object-types', admin, {
        key: 'risk', nameSv: 'Risk', nameEn: 'Risk', icon: 'alert-triangle', role: 'general', sortOrder: 500,
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({
        key: 'risk', nameSv: 'Risk', nameEn: 'Risk', icon: 'alert-triangle', role: 'general', builtIn: false, sortOrder: 500, version: 1, attributes: [],
      });
      expect(await lastAudit('object-type.created')).toMatchObject({ entity_type: 'object-type', entity_id: 'risk', before: null, after: { key: 'risk' } });
    });

    it('rejects a key that is taken and changes nothing', async () => {
      const before = await auditCount();
      const response = await send('POST', '/api/meta-model/object-types', admin, { key: 'application', nameSv: 'X', nameEn: 'X' });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('OBJECT_TYPE_EXISTS');
      expect((await storedType('application'))!.name_en).toBe('Application');
      expect(await auditCount()).toBe(before);
    });

    it.each([
      ['a key with capitals', { key: 'Risk', nameSv: 'R', nameEn: 'R' }],
      ['a key with a space', { key: 'a b', nameSv: 'R', nameEn: 'R' }],
      ['a name over 200 characters', { key: 'long_name', nameSv: 'x'.repeat(201), nameEn: 'R' }],
      ['a requirement role', { key: 'my_requirements', nameSv: 'R', nameEn: 'R', role: 'requirement' }],
    ])('rejects %s with REQUEST_INVALID', async (_case, payload) => {
      const response = await send('POST', '/api/meta-model/object-types', admin, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('REQUEST_INVALID');
      expect(await storedType(payload.key)).toBeUndefined();
    });

    it('ignores builtIn in the request', async () => {
      // Fastify's schema validation drops properties the schema does not list.
      const response = await send('POST', '/api/meta-model/object-types', admin, { key: 'extra', nameSv: 'R', nameEn: 'R', builtIn: true });
      expect(response.statusCode).toBe(201);
      expect(response.json().builtIn).toBe(false);
    });

    it('rejects a write user and changes nothing', async () => {
      const response = await send('POST', '/api/meta-model/object-types', writer, { key: 'by_writer', nameSv: 'W', nameEn: 'W' });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('ACCESS_DENIED');
      expect(await storedType('by_writer')).toBeUndefined();
    });
  });

  describe('PATCH /api/meta-model/object-types/:key', () => {
    it('changes the names, raises the version and audits both', async () => {
      await createType('contract');
      const response = await send('PATCH', '/api/meta-model/object-types/contract', admin, { version: 1, nameSv: 'Avtal', nameEn: 'Contract' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ key: 'contract', nameSv: 'Avtal', nameEn: 'Contract', version: 2 });
      expect(await lastAudit('object-type.changed')).toMatchObject({
        entity_id: 'contract',
        before: { nameSv: 'Typ contract', version: 1 },
        after: { nameSv: 'Avtal', version: 2 },
      });
    });

    it('rejects a stale version with the current type and the differing fields', async () => {
      await createType('site');
      expect((await send('PATCH', '/api/meta-model/object-types/site', admin, { version: 1, nameEn: 'Site' })).statusCode).toBe(200);
      const before = await auditCount();

      const response = await send('PATCH', '/api/meta-model/object-types/site', admin, { version: 1, nameEn: 'Location', nameSv: 'Typ site' });
      expect(response.statusCode).toBe(409);
      const error = response.json().error;
      expect(error.code).toBe('OBJECT_TYPE_VERSION_CONFLICT');
      expect(error.current).toMatchObject({ key: 'site', nameEn: 'Site', version: 2 });
      expect(error.differingFields).toEqual(['nameEn']);
      expect(await storedType('site')).toMatchObject({ name_en: 'Site', version: 2 });
      expect(await auditCount()).toBe(before);
    });

    it('changes the role of a type and records how many levels moved', async () => {
      await createType('register');
      const response = await send('PATCH', '/api/meta-model/object-types/register', admin, { version: 1, role: 'information' });
      expect(response.statusCode).toBe(200);
      expect(response.json().role).toBe('information');
      expect(await lastAudit('object-type.changed')).toMatchObject({ entity_id: 'register', after: { role: 'information', levelChanges: 0 } });
    });

    it('rejects a role change of a built-in type and changes nothing', async () => {
      const response = await send('PATCH', '/api/meta-model/object-types/requirement', admin, { version: 1, role: 'general' });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('OBJECT_TYPE_BUILT_IN');
      expect(await storedType('requirement')).toMatchObject({ role: 'requirement', version: 1 });
    });

    it('returns 404 for a type that does not exist', async () => {
      const response = await send('PATCH', '/api/meta-model/object-types/nothing', admin, { version: 1, nameEn: 'Nothing' });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('OBJECT_TYPE_NOT_FOUND');
    });

    it('rejects a write user and changes nothing', async () => {
      const response = await send('PATCH', '/api/meta-model/object-types/application', writer, { version: 1, nameEn: 'App' });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('ACCESS_DENIED');
      expect((await storedType('application'))!.name_en).toBe('Application');
    });
  });

  describe('DELETE /api/meta-model/object-types/:key', () => {
    it('removes an unused type with its attributes and audits it', async () => {
      await createType('obsolete');
      await tenant.admin.query(
        "INSERT INTO esm.attribute_definitions (object_type, key, name_sv, name_en, kind, reference_type) VALUES ('obsolete', 'parent', 'Förälder', 'Parent', 'reference', 'obsolete')",
      );
      const response = await send('DELETE', '/api/meta-model/object-types/obsolete?version=1', admin);
      expect(response.statusCode).toBe(204);
      expect(await storedType('obsolete')).toBeUndefined();
      expect(await lastAudit('object-type.removed')).toMatchObject({ entity_id: 'obsolete', before: { key: 'obsolete' }, after: null });
    });

    it('rejects a type that objects have, with their number, and changes nothing', async () => {
      const before = await auditCount();
      const response = await send('DELETE', '/api/meta-model/object-types/application?version=1', admin);
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('OBJECT_TYPE_IN_USE');
      expect(response.json().error.message).toContain('2');
      expect(await storedType('application')).toBeDefined();
      expect(await auditCount()).toBe(before);
    });

    it('rejects a type that a relation type and an attribute name, listing them', async () => {
      const response = await send('DELETE', '/api/meta-model/object-types/partner?version=1', admin);
      expect(response.statusCode).toBe(409);
      const error = response.json().error;
      expect(error.code).toBe('OBJECT_TYPE_REFERENCED');
      expect(error.relationTypes).toEqual(['provided_by', 'responsible_for', 'shared_with']);
      expect(error.attributes).toEqual(['application.supplier', 'platform_service.provider']);
      expect(error.applicabilityRules).toBe(0);
      expect(await storedType('partner')).toBeDefined();
    });

    it('rejects a built-in type', async () => {
      const response = await send('DELETE', '/api/meta-model/object-types/requirement_set?version=1', admin);
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('OBJECT_TYPE_BUILT_IN');
      expect(await storedType('requirement_set')).toBeDefined();
    });

    it('rejects a stale version', async () => {
      await createType('stale_removal');
      await send('PATCH', '/api/meta-model/object-types/stale_removal', admin, { version: 1, nameEn: 'Changed' });
      const response = await send('DELETE', '/api/meta-model/object-types/stale_removal?version=1', admin);
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('OBJECT_TYPE_VERSION_CONFLICT');
      expect(response.json().error.current).toMatchObject({ version: 2 });
      expect(await storedType('stale_removal')).toBeDefined();
    });

    it('requires the version', async () => {
      const response = await send('DELETE', '/api/meta-model/object-types/risk', admin);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('REQUEST_INVALID');
    });

    it('rejects a read user and changes nothing', async () => {
      const response = await send('DELETE', '/api/meta-model/object-types/risk?version=1', reader);
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('ACCESS_DENIED');
      expect(await storedType('risk')).toBeDefined();
    });
  });
});
