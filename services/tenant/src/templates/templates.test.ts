import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createTemplateCredential, hashTemplateCredential } from '@esm/common';
import { buildTenantApp } from '../app.js';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../test-support/tenant-fixture.js';

type ErrorBody = { error: { code: string } };
type AuditRow = { action: string; entity_id: string | null; after: Record<string, unknown> | null; actor_id: string | null };

/** Stores a credential's hash in the template as admin does, and returns the credential and its row id. */
async function issueCredential(
  template: TestTenant,
  importer: string,
  options: { expiresIn?: string; revoked?: boolean } = {},
): Promise<{ credential: string; id: string }> {
  const credential = createTemplateCredential();
  const result = await template.admin.query<{ id: string }>(
    `INSERT INTO esm.template_credentials (importer, credential_hash, expires_at, revoked_at)
     VALUES ($1, $2, now() + $3::interval, CASE WHEN $4 THEN now() END) RETURNING id`,
    [importer, hashTemplateCredential(credential), options.expiresIn ?? '1 day', options.revoked ?? false],
  );
  return { credential, id: result.rows[0]!.id };
}

async function auditEntries(tenant: TestTenant, action: string): Promise<AuditRow[]> {
  const result = await tenant.admin.query<AuditRow>('SELECT action, entity_id, after, actor_id FROM esm.audit_entries WHERE action = $1 ORDER BY id', [
    action,
  ]);
  return result.rows;
}

function ndjsonLines(body: string): Record<string, unknown>[] {
  return body
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('templates', () => {
  let template: TestTenant;
  let importer: TestTenant;
  // The template tenant's app with the template flag, as admin's secret gives it.
  let templateApp: FastifyInstance;
  let templateOrigin: string;
  let granted: { credential: string; id: string };
  let importerAdmin: { token: string };

  const exportRequest = (headers: Record<string, string>, query = '') =>
    templateApp.inject({ method: 'GET', url: `/api/template/export${query}`, headers });

  beforeAll(async () => {
    template = await createTestTenant('template');
    importer = await createTestTenant('importer');
    const logger = createLogger('tenant-test', { level: process.env.ESM_TEST_LOG_LEVEL ?? 'silent' });
    templateApp = await buildTenantApp({ ...template.secret, template: true }, { logger });
    await templateApp.listen({ port: 0, host: '127.0.0.1' });
    templateOrigin = `http://127.0.0.1:${(templateApp.server.address() as AddressInfo).port}`;

    const templateAdmin = await createUserWithToken(template, 'admin');
    const send = async (url: string, payload: object) => {
      const response = await templateApp.inject({ method: 'POST', url, headers: bearer(templateAdmin.token), payload });
      if (response.statusCode !== 201) throw new Error(`seeding ${url} failed: ${response.statusCode} ${response.body}`);
      return response.json<{ id: string }>();
    };
    await send('/api/meta-model/object-types', { key: 'vendor_contract', nameSv: 'Leverantörsavtal', nameEn: 'Vendor contract' });
    await send('/api/objects', { type: 'vendor_contract', name: 'Avtal om drift', description: 'Gäller 2025–2027' });
    await send('/api/objects', { type: 'process', name: 'Löneutbetalning' });

    granted = await issueCredential(template, importer.name);
    await importer.admin.query(
      "INSERT INTO esm.template_sources (template, origin, credential, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')",
      [template.name, templateOrigin, granted.credential],
    );
    importerAdmin = await createUserWithToken(importer, 'admin');
  });

  afterAll(async () => {
    await templateApp.close();
    await template.close();
    await importer.close();
  });

  describe('GET /api/template/export', () => {
    it('returns the chosen parts to the importer', async () => {
      const response = await exportRequest({ ...bearer(granted.credential), 'esm-importer': importer.name }, '?parts=metaModel,objects');

      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const document = response.json<{ format: string; parts: string[]; objects: { name: string }[]; requirements?: unknown }>();
      expect(document.format).toBe('esm-model');
      expect(document.parts).toEqual(['metaModel', 'objects']);
      expect(document.requirements).toBeUndefined();
      expect(document.objects.map((object) => object.name).sort()).toEqual(['Avtal om drift', 'Löneutbetalning']);
      const audited = await auditEntries(template, 'template.exported');
      expect(audited.at(-1)).toEqual({
        action: 'template.exported',
        entity_id: granted.id,
        after: { importer: importer.name, parts: ['metaModel', 'objects'] },
        actor_id: null,
      });
    });

    it('returns every part without parts', async () => {
      const response = await exportRequest({ ...bearer(granted.credential), 'esm-importer': importer.name });

      expect(response.statusCode).toBe(200);
      expect(response.json<{ parts: string[] }>().parts).toEqual(['metaModel', 'requirements', 'objects']);
    });

    it.each([
      ['another importer', async () => ({ ...bearer(granted.credential), 'esm-importer': 'someone-else' })],
      ['no importer header', async () => bearer(granted.credential)],
      ['an overlong importer header', async () => ({ ...bearer(granted.credential), 'esm-importer': 'x'.repeat(5_000) })],
      ['no credential', async () => ({ 'esm-importer': importer.name })],
      ['an unknown credential', async () => ({ ...bearer(createTemplateCredential()), 'esm-importer': importer.name })],
      ['a credential in another scheme', async () => ({ authorization: `Basic ${granted.credential}`, 'esm-importer': importer.name })],
      [
        'an expired credential',
        async () => ({ ...bearer((await issueCredential(template, importer.name, { expiresIn: '-1 minute' })).credential), 'esm-importer': importer.name }),
      ],
      [
        'a revoked credential',
        async () => ({ ...bearer((await issueCredential(template, importer.name, { revoked: true })).credential), 'esm-importer': importer.name }),
      ],
      [
        "a user's access token",
        async () => ({ ...bearer((await createUserWithToken(template, 'admin')).token), 'esm-importer': importer.name }),
      ],
    ])('rejects %s with 401', async (_case, headersOf) => {
      const headers = await headersOf();
      const exportsBefore = (await auditEntries(template, 'template.exported')).length;

      const response = await exportRequest(headers);

      expect(response.statusCode).toBe(401);
      expect(response.json<ErrorBody>().error.code).toBe('TEMPLATE_CREDENTIAL_INVALID');
      expect(response.body).not.toContain('objects');
      expect(await auditEntries(template, 'template.exported')).toHaveLength(exportsBefore);
    });

    it.each([
      ['a valid request', ''],
      ['invalid parts', '?parts=users'],
    ])('is not found without the flag, given %s', async (_case, query) => {
      // template.app is built from the secret without the template flag.
      const response = await template.app.inject({
        method: 'GET',
        url: `/api/template/export${query}`,
        headers: { ...bearer(granted.credential), 'esm-importer': importer.name },
      });

      expect(response.statusCode).toBe(404);
      expect(response.json<ErrorBody>().error.code).toBe('ROUTE_NOT_FOUND');
    });

    it('rejects unknown parts with 400', async () => {
      const response = await exportRequest({ ...bearer(granted.credential), 'esm-importer': importer.name }, '?parts=objects,users');

      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().error.code).toBe('REQUEST_INVALID');
    });

    it('credential opens no user route', async () => {
      const response = await templateApp.inject({ method: 'GET', url: '/api/objects', headers: bearer(granted.credential) });

      expect(response.statusCode).toBe(401);
      expect(response.json<ErrorBody>().error.code).toBe('AUTH_TOKEN_INVALID');
    });
  });

  describe('GET /api/templates', () => {
    it('lists granted templates without the credential', async () => {
      const response = await importer.app.inject({ method: 'GET', url: '/api/templates', headers: bearer(importerAdmin.token) });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        templates: [{ template: template.name, origin: templateOrigin, expiresAt: expect.any(String), grantedAt: expect.any(String), expired: false }],
      });
      expect(response.body).not.toContain(granted.credential);
    });

    it('needs admin access', async () => {
      const writer = await createUserWithToken(importer, 'write');

      const response = await importer.app.inject({ method: 'GET', url: '/api/templates', headers: bearer(writer.token) });

      expect(response.statusCode).toBe(403);
      expect(response.json<ErrorBody>().error.code).toBe('ACCESS_DENIED');
    });
  });

  describe('POST /api/templates/:template/import', () => {
    const importTemplate = (name: string, parts: string[], token = importerAdmin.token) =>
      importer.app.inject({ method: 'POST', url: `/api/templates/${name}/import`, headers: bearer(token), payload: { parts } });
    const countObjects = async () => (await importer.admin.query<{ count: number }>('SELECT count(*)::int AS count FROM esm.objects')).rows[0]!.count;
    const previewTemplate = (name: string, parts: string[], token = importerAdmin.token) =>
      importer.app.inject({ method: 'POST', url: `/api/templates/${name}/import?dryRun=true`, headers: bearer(token), payload: { parts } });
    const countRows = async (table: string) => (await importer.admin.query<{ count: number }>(`SELECT count(*)::int AS count FROM esm.${table}`)).rows[0]!.count;

    it('previews an import without changing anything', async () => {
      const tables = ['objects', 'object_types', 'audit_entries'];
      const before = await Promise.all(tables.map(countRows));

      const response = await previewTemplate(template.name, ['metaModel', 'objects']);

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const preview = response.json<{ dryRun: boolean; objects: number; objectsByType: { type: string; created: number; updated: number }[] }>();
      expect(preview).toMatchObject({ dryRun: true, template: template.name, parts: ['metaModel', 'objects'], objects: 2 });
      expect(preview.objectsByType).toContainEqual({ type: 'vendor_contract', name: 'Vendor contract', created: 1, updated: 0 });
      expect(preview.objectsByType).toContainEqual({ type: 'process', name: expect.any(String), created: 1, updated: 0 });
      expect(await Promise.all(tables.map(countRows))).toEqual(before);
      expect(await auditEntries(importer, 'import.template')).toHaveLength(0);
    });

    it('previews only for administrators', async () => {
      const writer = await createUserWithToken(importer, 'write');

      const response = await previewTemplate(template.name, ['objects'], writer.token);

      expect(response.statusCode).toBe(403);
      expect(response.json<ErrorBody>().error.code).toBe('ACCESS_DENIED');
    });

    it('previews a grant that is missing with 404', async () => {
      const response = await previewTemplate('no-such-template', ['objects']);

      expect(response.statusCode).toBe(404);
      expect(response.json<ErrorBody>().error.code).toBe('TEMPLATE_SOURCE_NOT_FOUND');
    });


    it('imports only the chosen parts', async () => {
      const response = await importTemplate(template.name, ['metaModel']);

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
      expect(ndjsonLines(response.body).at(-1)).toMatchObject({ phase: 'finished', objects: 0 });
      const types = await importer.admin.query('SELECT name_sv FROM esm.object_types WHERE key = $1', ['vendor_contract']);
      expect(types.rows).toEqual([{ name_sv: 'Leverantörsavtal' }]);
      expect(await countObjects()).toBe(0);
    });

    it('imports objects end to end', async () => {
      const response = await importTemplate(template.name, ['objects', 'metaModel']);

      expect(response.statusCode).toBe(200);
      const lines = ndjsonLines(response.body);
      expect(lines.at(-1)).toMatchObject({ phase: 'finished', objects: 2 });
      expect(lines.slice(0, -1).every((line) => typeof line.phase === 'string' && typeof line.done === 'number')).toBe(true);
      const objects = await importer.admin.query<{ type: string; name: string; description: string }>(
        'SELECT type, name, description FROM esm.objects ORDER BY name',
      );
      expect(objects.rows).toEqual([
        { type: 'vendor_contract', name: 'Avtal om drift', description: 'Gäller 2025–2027' },
        { type: 'process', name: 'Löneutbetalning', description: '' },
      ]);

      const imported = await auditEntries(importer, 'import.template');
      expect(imported.at(-1)).toMatchObject({
        entity_id: template.name,
        actor_id: expect.any(String),
        after: { template: template.name, parts: ['metaModel', 'objects'] },
      });
      const exported = await auditEntries(template, 'template.exported');
      expect(exported.at(-1)?.after).toEqual({ importer: importer.name, parts: ['metaModel', 'objects'] });
    });

    it('rejects a template without a grant', async () => {
      const response = await importTemplate('no-such-template', ['objects']);

      expect(response.statusCode).toBe(404);
      expect(response.json<ErrorBody>().error.code).toBe('TEMPLATE_SOURCE_NOT_FOUND');
    });

    it('rejects an expired grant', async () => {
      await importer.admin.query(
        "INSERT INTO esm.template_sources (template, origin, credential, expires_at) VALUES ('expired-template', $1, 'x', now() - interval '1 minute')",
        [templateOrigin],
      );

      const response = await importTemplate('expired-template', ['objects']);

      expect(response.statusCode).toBe(409);
      expect(response.json<ErrorBody>().error.code).toBe('TEMPLATE_SOURCE_EXPIRED');
    });

    it('imports nothing after the template revoked the credential', async () => {
      const before = await countObjects();
      await template.admin.query('UPDATE esm.template_credentials SET revoked_at = now() WHERE id = $1', [granted.id]);

      const response = await importTemplate(template.name, ['objects']);

      expect(response.statusCode).toBe(502);
      expect(response.json<ErrorBody>().error.code).toBe('TEMPLATE_EXPORT_REJECTED');
      expect(await countObjects()).toBe(before);
    });

    it('needs admin access', async () => {
      const writer = await createUserWithToken(importer, 'write');

      const response = await importTemplate(template.name, ['objects'], writer.token);

      expect(response.statusCode).toBe(403);
      expect(response.json<ErrorBody>().error.code).toBe('ACCESS_DENIED');
    });

    it('rejects an empty or unknown part list', async () => {
      for (const parts of [[], ['users'], ['objects', 'objects']]) {
        const response = await importTemplate(template.name, parts);
        expect(response.statusCode, JSON.stringify(parts)).toBe(400);
      }
    });
  });
});
