import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';

describe('relation type routes', () => {
  let tenant: TestTenant;
  let admin: string;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    tenant = await createTestTenant('relation-types');
    admin = (await createUserWithToken(tenant, 'admin')).token;
    writer = (await createUserWithToken(tenant, 'write')).token;
    reader = (await createUserWithToken(tenant, 'read')).token;
  });

  afterAll(async () => tenant.close());

  function send(method: 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: object) {
    return tenant.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  }

  async function storedType(key: string) {
    const result = await tenant.admin.query('SELECT source_types, target_types, protection_flow, version FROM esm.relation_types WHERE key = $1', [key]);
    return result.rows[0];
  }

  async function lastAudit(action: string) {
    const result = await tenant.admin.query('SELECT entity_id, before, after FROM esm.audit_entries WHERE action = $1 ORDER BY id DESC LIMIT 1', [action]);
    return result.rows[0];
  }

  async function insertObject(type: string, name: string): Promise<string> {
    const result = await tenant.admin.query<{ id: string }>('INSERT INTO esm.objects (type, name) VALUES ($1, $2) RETURNING id', [type, name]);
    return result.rows[0]!.id;
  }

  async function insertRelation(type: string, sourceId: string, targetId: string): Promise<void> {
    await tenant.admin.query('INSERT INTO esm.relations (type, source_id, target_id) VALUES ($1, $2, $3)', [type, sourceId, targetId]);
  }

  async function createType(key: string, definition: object = {}) {
    const response = await send('POST', '/api/meta-model/relation-types', admin, {
      key, nameSv: 'lagras i', nameEn: 'is stored in', reverseNameSv: 'lagrar', reverseNameEn: 'stores', ...definition,
    });
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  describe('POST /api/meta-model/relation-types', () => {
    it('creates a type with allowed ends and audits it', async () => {
      const created = await createType('stored_in', { sourceTypes: ['information_object'], targetTypes: ['server'], protectionFlow: 'source_to_target' });
      expect(created).toEqual({
        key: 'stored_in', nameSv: 'lagras i', nameEn: 'is stored in', reverseNameSv: 'lagrar', reverseNameEn: 'stores',
        sourceTypes: ['information_object'], targetTypes: ['server'], protectionFlow: 'source_to_target', builtIn: false, sortOrder: 0, version: 1,
      });
      expect(await lastAudit('relation-type.created')).toMatchObject({ entity_id: 'stored_in', before: null, after: { key: 'stored_in' } });
    });

    it('allows every type at an end given as null', async () => {
      const created = await createType('mentions', { sourceTypes: null });
      expect(created).toMatchObject({ sourceTypes: null, targetTypes: null, protectionFlow: 'none' });
    });

    it('rejects an end type that does not exist and changes nothing', async () => {
      const response = await send('POST', '/api/meta-model/relation-types', admin, {
        key: 'broken_ends', nameSv: 'a', nameEn: 'a', reverseNameSv: 'b', reverseNameEn: 'b', targetTypes: ['server', 'mainframe'],
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('RELATION_TYPE_ENDS_INVALID');
      expect(response.json().error.message).toContain('mainframe');
      expect(await storedType('broken_ends')).toBeUndefined();
    });

    it('rejects a key that is taken', async () => {
      const response = await send('POST', '/api/meta-model/relation-types', admin, {
        key: 'runs_on', nameSv: 'a', nameEn: 'a', reverseNameSv: 'b', reverseNameEn: 'b',
      });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('RELATION_TYPE_EXISTS');
    });

    it('rejects a write user and changes nothing', async () => {
      const response = await send('POST', '/api/meta-model/relation-types', writer, {
        key: 'by_writer', nameSv: 'a', nameEn: 'a', reverseNameSv: 'b', reverseNameEn: 'b',
      });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('ACCESS_DENIED');
      expect(await storedType('by_writer')).toBeUndefined();
    });
  });

  describe('PATCH /api/meta-model/relation-types/:key', () => {
    it('rejects narrowing the ends while relations would break, with their number', async () => {
      await createType('hosted_on', { sourceTypes: ['application', 'platform_service'], targetTypes: ['server'] });
      const application = await insertObject('application', 'Ekonomi');
      const service = await insertObject('platform_service', 'Databastjänst');
      const server = await insertObject('server', 'srv-01');
      await insertRelation('hosted_on', application, server);
      await insertRelation('hosted_on', service, server);

      const response = await send('PATCH', '/api/meta-model/relation-types/hosted_on', admin, { version: 1, sourceTypes: ['application'] });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('RELATION_TYPE_ENDS_IN_USE');
      expect(response.json().error.message).toContain('1');
      expect(await storedType('hosted_on')).toMatchObject({ source_types: ['application', 'platform_service'], version: 1 });

      const widened = await send('PATCH', '/api/meta-model/relation-types/hosted_on', admin, { version: 1, sourceTypes: null });
      expect(widened.statusCode).toBe(200);
      expect(widened.json()).toMatchObject({ sourceTypes: null, targetTypes: ['server'], version: 2 });
      expect(await lastAudit('relation-type.changed')).toMatchObject({
        entity_id: 'hosted_on',
        before: { sourceTypes: ['application', 'platform_service'] },
        after: { sourceTypes: null, version: 2 },
      });
    });

    it('recomputes inherited levels when the protection flow changes', async () => {
      await createType('kept_on', { sourceTypes: ['information_object'], targetTypes: ['server'] });
      const information = await insertObject('information_object', 'Personalakter');
      const server = await insertObject('server', 'srv-02');
      await insertRelation('kept_on', information, server);
      await tenant.admin.query(
        "INSERT INTO esm.classification_assignments (object_id, dimension, level, justification) VALUES ($1, 'confidentiality', 3, 'Personuppgifter')",
        [information],
      );
      const inherited = () => tenant.admin.query('SELECT dimension, level FROM esm.inherited_levels WHERE object_id = $1', [server]).then((result) => result.rows);
      expect(await inherited()).toEqual([]);

      const response = await send('PATCH', '/api/meta-model/relation-types/kept_on', admin, { version: 1, protectionFlow: 'source_to_target' });
      expect(response.statusCode).toBe(200);
      expect(await inherited()).toEqual([{ dimension: 'confidentiality', level: 3 }]);
      expect(await lastAudit('relation-type.changed')).toMatchObject({ after: { protectionFlow: 'source_to_target', levelChanges: 1 } });

      const back = await send('PATCH', '/api/meta-model/relation-types/kept_on', admin, { version: 2, protectionFlow: 'none' });
      expect(back.statusCode).toBe(200);
      expect(await inherited()).toEqual([]);
    });

    it('rejects a stale version with the current type and the differing fields', async () => {
      await createType('copied_to');
      await send('PATCH', '/api/meta-model/relation-types/copied_to', admin, { version: 1, nameEn: 'is copied to' });
      const response = await send('PATCH', '/api/meta-model/relation-types/copied_to', admin, { version: 1, nameEn: 'is mirrored to', protectionFlow: 'none' });
      expect(response.statusCode).toBe(409);
      const error = response.json().error;
      expect(error.code).toBe('RELATION_TYPE_VERSION_CONFLICT');
      expect(error.current).toMatchObject({ key: 'copied_to', nameEn: 'is copied to', version: 2 });
      expect(error.differingFields).toEqual(['nameEn']);
      expect(await storedType('copied_to')).toMatchObject({ version: 2 });
    });

    it('rejects a read user and changes nothing', async () => {
      const response = await send('PATCH', '/api/meta-model/relation-types/runs_on', reader, { version: 1, protectionFlow: 'none' });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('ACCESS_DENIED');
      expect(await storedType('runs_on')).toMatchObject({ protection_flow: 'source_to_target', version: 1 });
    });
  });

  describe('DELETE /api/meta-model/relation-types/:key', () => {
    it('removes an unused type and audits it', async () => {
      await createType('unused');
      const response = await send('DELETE', '/api/meta-model/relation-types/unused?version=1', admin);
      expect(response.statusCode).toBe(204);
      expect(await storedType('unused')).toBeUndefined();
      expect(await lastAudit('relation-type.removed')).toMatchObject({ entity_id: 'unused', before: { key: 'unused' }, after: null });
    });

    it('rejects a type that relations have, with their number, and changes nothing', async () => {
      await createType('used', { sourceTypes: ['partner'] });
      const partner = await insertObject('partner', 'Leverantör');
      await insertRelation('used', partner, partner);
      const response = await send('DELETE', '/api/meta-model/relation-types/used?version=1', admin);
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('RELATION_TYPE_IN_USE');
      expect(response.json().error.message).toContain('1');
      expect(await storedType('used')).toBeDefined();
    });

    it('rejects a built-in ArchiMate type', async () => {
      const response = await send('DELETE', '/api/meta-model/relation-types/archimate_access?version=1', admin);
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('RELATION_TYPE_BUILT_IN');
      expect(await storedType('archimate_access')).toBeDefined();
    });

    it('rejects a stale version', async () => {
      await createType('renamed');
      await send('PATCH', '/api/meta-model/relation-types/renamed', admin, { version: 1, nameEn: 'renamed' });
      const response = await send('DELETE', '/api/meta-model/relation-types/renamed?version=1', admin);
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('RELATION_TYPE_VERSION_CONFLICT');
      expect(await storedType('renamed')).toBeDefined();
    });

    it('returns 404 for a type that does not exist', async () => {
      const response = await send('DELETE', '/api/meta-model/relation-types/nothing?version=1', admin);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('RELATION_TYPE_NOT_FOUND');
    });

    it('rejects a write user and changes nothing', async () => {
      const response = await send('DELETE', '/api/meta-model/relation-types/part_of?version=1', writer);
      expect(response.statusCode).toBe(403);
      expect(await storedType('part_of')).toBeDefined();
    });
  });
});
