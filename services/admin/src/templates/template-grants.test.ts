import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, dataPaths, hashTemplateCredential, readSecretFile, type TenantSecret } from '@esm/common';
import { runMigrations } from '../../../tenant/src/db/migrate.js';
import {
  connectRegistry,
  fakeTenantStarts,
  registerAndDeploy,
  startAdminTestPlatform,
  type AdminTestPlatform,
} from '../test-support/admin-test-platform.js';

const TEMPLATE = 'tg-template';
const IMPORTER = 'tg-importer';
const OTHER = 'tg-other';

type ErrorReply = { error: { code: string } };
type GrantReply = { template: string; importer: string; credentialId: string; status: string; expiresAt: string; revokedAt: string | null };

describe('template grants', () => {
  let platform: AdminTestPlatform;
  const secrets = new Map<string, TenantSecret>();

  const cli = <T>(method: string, url: string, body?: unknown) => platform.client('cli').request<T>(method, url, body);
  const readSecret = (tenant: string) => readSecretFile<TenantSecret>(path.join(dataPaths(platform.config).tenantSecretsDir, `${tenant}.json`));

  /** Runs a query on a tenant's database as its owner. */
  async function queryTenant<T extends pg.QueryResultRow>(tenant: string, sql: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client(secrets.get(tenant)!.database.owner);
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  async function queryRegistry<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
    const client = await connectRegistry(platform);
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    const logger = createLogger('template-grants-test', { level: 'silent' });
    for (const tenant of [TEMPLATE, IMPORTER, OTHER]) {
      await registerAndDeploy(platform, tenant);
      const secret = await readSecret(tenant);
      secrets.set(tenant, secret);
      // The fake tenant process runs no migrations; the grant needs the template tables.
      await runMigrations(secret.database.owner, { app: secret.database.app.user, readOnly: secret.database.readOnly.user }, logger);
    }
  });

  afterAll(async () => platform.cleanup([TEMPLATE, IMPORTER, OTHER]));

  it('grant needs the template flag', async () => {
    const rejected = await cli<ErrorReply>('POST', `/v1/templates/${TEMPLATE}/grants`, { importer: IMPORTER });

    expect(rejected.status).toBe(409);
    expect(rejected.body.error.code).toBe('TEMPLATE_GRANT_NOT_A_TEMPLATE');
    expect(await queryTenant(TEMPLATE, 'SELECT id FROM esm.template_credentials')).toEqual([]);
    expect(await queryRegistry('SELECT id FROM template_grants')).toEqual([]);
  });

  it('template flag reaches the secret and restarts', async () => {
    const startsBefore = (await fakeTenantStarts(platform, TEMPLATE)).length;

    const flagged = await cli<{ template: boolean }>('POST', `/v1/tenants/${TEMPLATE}/template`, { template: true });

    expect(flagged.status).toBe(200);
    expect(flagged.body.template).toBe(true);
    expect((await readSecret(TEMPLATE)).template).toBe(true);
    expect(await fakeTenantStarts(platform, TEMPLATE)).toHaveLength(startsBefore + 1);
  });

  it('grant stores hash and credential', async () => {
    const granted = await cli<GrantReply>('POST', `/v1/templates/${TEMPLATE}/grants`, { importer: IMPORTER, days: 30 });

    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ template: TEMPLATE, importer: IMPORTER, status: 'active', revokedAt: null });
    const [source] = await queryTenant<{ template: string; origin: string; credential: string; expires_at: Date }>(
      IMPORTER,
      'SELECT template, origin, credential, expires_at FROM esm.template_sources',
    );
    expect(source).toMatchObject({ template: TEMPLATE, origin: `https://${TEMPLATE}.esm.localhost:8443` });
    expect(Buffer.from(source!.credential, 'base64url')).toHaveLength(32);
    expect(JSON.stringify(granted.body)).not.toContain(source!.credential);

    const credentials = await queryTenant<{ id: string; importer: string; credential_hash: Buffer; expires_at: Date; revoked_at: Date | null }>(
      TEMPLATE,
      'SELECT id, importer, credential_hash, expires_at, revoked_at FROM esm.template_credentials',
    );
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ id: granted.body.credentialId, importer: IMPORTER, revoked_at: null });
    expect(credentials[0]!.credential_hash.equals(hashTemplateCredential(source!.credential))).toBe(true);
    const days = (credentials[0]!.expires_at.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect(source!.expires_at.getTime()).toBe(credentials[0]!.expires_at.getTime());

    const recorded = await queryRegistry<{ importer: string; credential_id: string; granted_by: string }>(
      'SELECT importer, credential_id, granted_by FROM template_grants WHERE template = $1',
      [TEMPLATE],
    );
    expect(recorded).toEqual([{ importer: IMPORTER, credential_id: granted.body.credentialId, granted_by: 'cli' }]);
  });

  it('second grant replaces the first', async () => {
    const [before] = await queryTenant<{ credential: string }>(IMPORTER, 'SELECT credential FROM esm.template_sources');

    const granted = await cli<GrantReply>('POST', `/v1/templates/${TEMPLATE}/grants`, { importer: IMPORTER });

    expect(granted.status).toBe(201);
    const [after] = await queryTenant<{ credential: string }>(IMPORTER, 'SELECT credential FROM esm.template_sources');
    expect(after!.credential).not.toBe(before!.credential);
    const active = await queryTenant<{ id: string }>(TEMPLATE, 'SELECT id FROM esm.template_credentials WHERE revoked_at IS NULL');
    expect(active).toEqual([{ id: granted.body.credentialId }]);
    const listed = await cli<{ grants: GrantReply[] }>('GET', `/v1/templates/${TEMPLATE}/grants`);
    expect(listed.body.grants.map((grant) => grant.status)).toEqual(['revoked', 'active']);
    expect(Date.parse(listed.body.grants[1]!.expiresAt) - Date.now()).toBeGreaterThan(364 * 86_400_000);
  });

  it('revoke stops the credential', async () => {
    const revoked = await cli<{ revoked: number }>('DELETE', `/v1/templates/${TEMPLATE}/grants/${IMPORTER}`);

    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked).toBe(1);
    expect(await queryTenant(TEMPLATE, 'SELECT id FROM esm.template_credentials WHERE revoked_at IS NULL')).toEqual([]);
    expect(await queryTenant(IMPORTER, 'SELECT template FROM esm.template_sources')).toEqual([]);
    const listed = await cli<{ grants: GrantReply[] }>('GET', `/v1/templates/${TEMPLATE}/grants`);
    expect(listed.body.grants.map((grant) => grant.status)).toEqual(['revoked', 'revoked']);

    const again = await cli<ErrorReply>('DELETE', `/v1/templates/${TEMPLATE}/grants/${IMPORTER}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('TEMPLATE_GRANT_NOT_FOUND');
  });

  it.each([
    ['an unknown importer', { importer: 'tg-nobody' }, 404, 'TENANT_NOT_FOUND'],
    ['the template itself', { importer: TEMPLATE }, 400, 'TEMPLATE_GRANT_SAME_TENANT'],
    ['zero days', { importer: OTHER, days: 0 }, 400, 'REQUEST_INVALID'],
    ['too many days', { importer: OTHER, days: 3651 }, 400, 'REQUEST_INVALID'],
    ['no importer', {}, 400, 'REQUEST_INVALID'],
  ])('grant rejects %s', async (_case, body, status, code) => {
    const countCredentials = async () => (await queryTenant(TEMPLATE, 'SELECT id FROM esm.template_credentials')).length;
    const before = await countCredentials();

    const rejected = await cli<ErrorReply>('POST', `/v1/templates/${TEMPLATE}/grants`, body);

    expect(rejected.status).toBe(status);
    expect(rejected.body.error.code).toBe(code);
    expect(await countCredentials()).toBe(before);
  });

  it('grant rejects a stopped template', async () => {
    expect((await cli('POST', `/v1/tenants/${TEMPLATE}/stop`)).status).toBe(200);
    try {
      const rejected = await cli<ErrorReply>('POST', `/v1/templates/${TEMPLATE}/grants`, { importer: OTHER });

      expect(rejected.status).toBe(409);
      expect(rejected.body.error.code).toBe('TENANT_STATE_CONFLICT');
    } finally {
      expect((await cli('POST', `/v1/tenants/${TEMPLATE}/start`)).status).toBe(200);
    }
  });

  it('clearing the flag reaches the secret', async () => {
    const cleared = await cli<{ template: boolean }>('POST', `/v1/tenants/${TEMPLATE}/template`, { template: false });

    expect(cleared.body.template).toBe(false);
    expect((await readSecret(TEMPLATE)).template).toBe(false);
  });

  it('local tenant trusts the platform CA', async () => {
    const caFile = path.join(dataPaths(platform.config).caDir, 'ca.crt');
    await mkdir(path.dirname(caFile), { recursive: true });
    await writeFile(caFile, 'placeholder: the fake tenant does not read it\n');

    await platform.admin.orchestrator.stop(OTHER);
    await platform.admin.orchestrator.start(OTHER);

    const dump = JSON.parse(await readFile(path.join(platform.fakeTenantDir, `${OTHER}.env.json`), 'utf8')) as { env: Record<string, string> };
    expect(dump.env.NODE_EXTRA_CA_CERTS).toBe(caFile);
  });
});
