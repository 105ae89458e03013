import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_CHANNEL } from '../../live/notify.js';
import { REPO_ROOT, bearer, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';

const FIXTURE = path.resolve(REPO_ROOT, '../shared/fixtures/archimate/archisurance-exchange.xml');
const TABLES = ['objects', 'relations', 'object_types', 'attribute_definitions', 'audit_entries'];

interface TypeChanges {
  type: string;
  name: string;
  created: number;
  updated: number;
}

interface Preview {
  dryRun: boolean;
  objects: number;
  relations: number;
  created: { objects: number; relations: number };
  updated: { objects: number; relations: number };
  unchanged: { objects: number; relations: number };
  createdObjectTypes: string[];
  objectsByType: TypeChanges[];
  relationsByType: TypeChanges[];
}

describe('POST /api/imports/archimate?dryRun=true', () => {
  let tenant: TestTenant;
  let adminToken: string;
  let archisurance: string;
  let listener: pg.PoolClient;
  const notices: string[] = [];

  beforeAll(async () => {
    tenant = await createTestTenant('archimate-preview');
    adminToken = (await createUserWithToken(tenant, 'admin')).token;
    archisurance = await readFile(FIXTURE, 'utf8');
    listener = await tenant.admin.connect();
    listener.on('notification', (message) => notices.push(message.payload ?? ''));
    await listener.query(`LISTEN ${CHANGE_CHANNEL}`);
  });

  afterAll(async () => {
    listener.release();
    await tenant.close();
  });

  function upload(body: string, options: { dryRun: boolean; token?: string }) {
    return tenant.app.inject({
      method: 'POST',
      url: `/api/imports/archimate${options.dryRun ? '?dryRun=true' : ''}`,
      headers: { ...bearer(options.token ?? adminToken), 'content-type': 'application/xml' },
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

  const sum = (changes: TypeChanges[], key: 'created' | 'updated') => changes.reduce((total, change) => total + change[key], 0);

  it('previews Archisurance without changing any table', async () => {
    const before = await rowCounts();

    const response = await upload(archisurance, { dryRun: true });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const preview = response.json<Preview>();
    expect(preview).toMatchObject({
      dryRun: true,
      objects: 120,
      relations: 178,
      created: { objects: 120, relations: 178 },
      updated: { objects: 0, relations: 0 },
      unchanged: { objects: 0, relations: 0 },
    });
    expect(preview.createdObjectTypes).toContain('archimate_business_role');
    expect(sum(preview.objectsByType, 'created')).toBe(120);
    expect(sum(preview.relationsByType, 'created')).toBe(178);
    expect(preview.objectsByType.find((change) => change.type === 'archimate_business_role')?.name).not.toBe('archimate_business_role');
    expect(await rowCounts()).toEqual(before);
  });

  it('sends no change notice', async () => {
    notices.length = 0;

    const response = await upload(archisurance, { dryRun: true });
    // A notice would arrive within milliseconds of the commit.
    await sleep(300);

    expect(response.statusCode).toBe(200);
    expect(notices).toEqual([]);
  });

  it('previews a second import as unchanged', async () => {
    notices.length = 0;
    const imported = await upload(archisurance, { dryRun: false });
    expect(imported.statusCode).toBe(200);
    expect(imported.body).toContain('"phase":"finished"');
    // The committed import sends a notice, so the listener of the test above would have seen one.
    await sleep(300);
    expect(notices).toHaveLength(1);
    const before = await rowCounts();

    const response = await upload(archisurance, { dryRun: true });

    expect(response.statusCode).toBe(200);
    const preview = response.json<Preview>();
    expect(preview.created).toEqual({ objects: 0, relations: 0 });
    expect(preview.updated).toEqual({ objects: 0, relations: 0 });
    expect(preview.unchanged).toEqual({ objects: 120, relations: 178 });
    expect(preview.objectsByType).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  });

  it('previews a renamed element as updated', async () => {
    const renamed = archisurance.replace(/(<element identifier="([^"]+)"[^>]*>\s*<name[^>]*>)([^<]+)</, '$1$3 (renamed)<');
    expect(renamed).not.toBe(archisurance);

    const response = await upload(renamed, { dryRun: true });

    expect(response.statusCode).toBe(200);
    const preview = response.json<Preview>();
    expect(preview.updated.objects).toBe(1);
    expect(preview.unchanged.objects).toBe(119);
    expect(sum(preview.objectsByType, 'updated')).toBe(1);
    expect(sum(preview.objectsByType, 'created')).toBe(0);
  });

  it('rejects a broken file with the code of the import', async () => {
    const broken = archisurance.replace(/(<relationship [^>]*source=")[^"]+"/, '$1no-such-element"');
    const before = await rowCounts();

    const preview = await upload(broken, { dryRun: true });
    const real = await upload(broken, { dryRun: false });

    expect(preview.statusCode).toBe(422);
    expect(preview.json<{ error: { code: string } }>().error.code).toBe('ARCHIMATE_MISSING_ELEMENT');
    expect(real.statusCode).toBe(422);
    expect(real.json<{ error: { code: string } }>().error.code).toBe('ARCHIMATE_MISSING_ELEMENT');
    expect(await rowCounts()).toEqual(before);
  });

  it('rejects a meta-model change by a writer as the import does', async () => {
    const fresh = await createTestTenant('archimate-preview-writer');
    try {
      const writer = await createUserWithToken(fresh, 'write');
      const response = await fresh.app.inject({
        method: 'POST',
        url: '/api/imports/archimate?dryRun=true',
        headers: { ...bearer(writer.token), 'content-type': 'application/xml' },
        payload: archisurance,
      });

      expect(response.statusCode).toBe(403);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('ARCHIMATE_META_MODEL_CHANGE_DENIED');
    } finally {
      await fresh.close();
    }
  });

  it('needs write access', async () => {
    const reader = await createUserWithToken(tenant, 'read');

    const response = await upload(archisurance, { dryRun: true, token: reader.token });

    expect(response.statusCode).toBe(403);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('ACCESS_DENIED');
  });
});
