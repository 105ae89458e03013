import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import { migrateTenant, queryServer, seedTenant, snapshotTenant } from '../test-support/backup-fixture.js';
import { registerAndDeploy, registrationBody, startAdminTestPlatform, type AdminTestPlatform } from '../test-support/admin-test-platform.js';
import { tenantDatabaseNames } from '../provisioning/tenant-database.js';

interface TenantReply {
  name: string;
  state: string;
  template: boolean;
  archivedAt: string | null;
  archiveDatabaseKept: boolean | null;
  deletedAt: string | null;
  deletedBy: string | null;
  history: { fromState: string | null; toState: string; actor: string }[];
  operation: { kind: string; outcome: string; steps: { step: string; status: string }[] } | null;
  error: { code: string; state?: string };
}

const TENANTS = ['lc-keep', 'lc-drop', 'lc-delete', 'lc-idle', 'lc-template'];

describe('tenant lifecycle', () => {
  let platform: AdminTestPlatform;
  const cli = (action: string, name: string, body?: unknown) =>
    platform.client('cli').request<TenantReply>('POST', `/v1/tenants/${name}/${action}`, body, { timeoutMs: 120_000 });
  const settings = () => platform.admin.lifecycle.service.dependencies.settings;
  const databaseExists = async (name: string) =>
    (await queryServer('SELECT 1 FROM pg_database WHERE datname = $1', [tenantDatabaseNames(name).database])).length === 1;
  const exists = (file: string) => access(file).then(() => true, () => false);

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    for (const name of ['lc-keep', 'lc-drop']) {
      await registerAndDeploy(platform, name);
      await seedTenant(await migrateTenant(platform, name), { limit: 8, label: name });
    }
  });

  afterAll(async () => {
    await platform.cleanup(TENANTS);
  });

  it('archive keeps database and backup', async () => {
    const before = await snapshotTenant('lc-keep');
    const archived = await cli('archive', 'lc-keep');
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ state: 'archived', archiveDatabaseKept: true });
    expect(archived.body.archivedAt).not.toBeNull();
    expect(archived.body.operation?.steps.map((entry) => entry.step)).toEqual(['stop', 'backup']);
    expect(platform.admin.orchestrator.upstream('lc-keep')).toBeNull();
    expect(await databaseExists('lc-keep')).toBe(true);
    const backups = await platform.client('cli').request<{ backups: { outcome: string }[] }>('GET', '/v1/tenants/lc-keep/backups');
    expect(backups.body.backups[0]?.outcome).toBe('succeeded');
    const state = await platform.client('default-backend').request<{ state: string }>('GET', '/v1/tenants/lc-keep/state');
    expect(state.body.state).toBe('archived');

    const again = await cli('archive', 'lc-keep');
    expect(again.status).toBe(200);
    expect(again.body.operation).toBeNull();

    const restored = await cli('restore-archived', 'lc-keep');
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ state: 'active', archivedAt: null });
    expect(platform.admin.orchestrator.upstream('lc-keep')).not.toBeNull();
    expect(await snapshotTenant('lc-keep')).toEqual(before);
    expect((await cli('restore-archived', 'lc-keep')).body.operation).toBeNull();
    expect(restored.body.history.slice(-2).map(({ fromState, toState, actor }) => ({ fromState, toState, actor }))).toEqual([
      { fromState: 'active', toState: 'archived', actor: 'cli' },
      { fromState: 'archived', toState: 'active', actor: 'cli' },
    ]);
  });

  it('archive without database restores backup', async () => {
    const before = await snapshotTenant('lc-drop');
    settings().archiveKeepDatabase = false;
    try {
      const archived = await cli('archive', 'lc-drop');
      expect(archived.status).toBe(200);
      expect(archived.body).toMatchObject({ state: 'archived', archiveDatabaseKept: false });
      expect(archived.body.operation?.steps.map((entry) => entry.step)).toEqual(['stop', 'backup', 'drill', 'drop-database']);
    } finally {
      settings().archiveKeepDatabase = true;
    }
    expect(await databaseExists('lc-drop')).toBe(false);
    const roles = await queryServer('SELECT 1 FROM pg_roles WHERE rolname LIKE $1', ['esm_lc_drop_%']);
    expect(roles).toHaveLength(0);
    const drills = await queryServer<{ outcome: string }>(
      "SELECT outcome FROM backup_restores WHERE tenant = 'lc-drop' AND kind = 'drill'",
      [],
      platform.registryDatabase,
    );
    expect(drills.map((row) => row.outcome)).toEqual(['succeeded']);

    const restored = await cli('restore-archived', 'lc-drop');
    expect(restored.status).toBe(200);
    expect(restored.body.state).toBe('active');
    expect(await snapshotTenant('lc-drop')).toEqual(before);
  });

  it('delete refused before retention', async () => {
    await registerAndDeploy(platform, 'lc-delete');
    expect((await cli('delete', 'lc-delete', { confirm: 'lc-delete' })).body.error.code).toBe('TENANT_STATE_CONFLICT');
    expect((await cli('archive', 'lc-delete')).status).toBe(200);

    const unconfirmed = await cli('delete', 'lc-delete', { confirm: 'other' });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.error.code).toBe('TENANT_DELETE_CONFIRMATION_REQUIRED');
    expect((await cli('delete', 'lc-delete')).status).toBe(400);

    const early = await cli('delete', 'lc-delete', { confirm: 'lc-delete' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('TENANT_RETENTION_NOT_PASSED');
    expect(await databaseExists('lc-delete')).toBe(true);
  });

  it('delete after retention removes everything', async () => {
    await queryServer("UPDATE tenants SET archived_at = now() - interval '31 days' WHERE name = 'lc-delete'", [], platform.registryDatabase);
    const deleted = await cli('delete', 'lc-delete', { confirm: 'lc-delete' });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ state: 'deleted', deletedBy: 'cli' });
    expect(deleted.body.deletedAt).not.toBeNull();
    expect(deleted.body.history.at(-1)).toMatchObject({ fromState: 'archived', toState: 'deleted', actor: 'cli' });
    expect(await databaseExists('lc-delete')).toBe(false);
    expect(await queryServer('SELECT 1 FROM pg_roles WHERE rolname LIKE $1', ['esm_lc_delete_%'])).toHaveLength(0);
    expect(await exists(tenantSecretFile(platform, 'lc-delete'))).toBe(false);
    expect(await exists(path.join(platform.config.dataDir, 'backups', 'lc-delete'))).toBe(false);
    expect(await queryServer("SELECT 1 FROM backups WHERE tenant = 'lc-delete'", [], platform.registryDatabase)).toHaveLength(0);

    expect((await cli('delete', 'lc-delete', { confirm: 'lc-delete' })).body.state).toBe('deleted');
    expect((await cli('restore-archived', 'lc-delete')).status).toBe(409);
    const again = await platform.client('registration').request<{ error: { fields: { code: string }[] } }>(
      'POST',
      '/v1/registrations',
      registrationBody('lc-delete'),
    );
    expect(again.status).toBe(422);
    expect(again.body.error.fields.map((field) => field.code)).toContain('TENANT_NAME_TAKEN');
  });

  it('idle tenant stops, template stays', async () => {
    await registerAndDeploy(platform, 'lc-idle');
    await registerAndDeploy(platform, 'lc-template');
    const template = await cli('template', 'lc-template', { template: true });
    expect(template.body.template).toBe(true);
    expect((await cli('template', 'lc-template', { template: 'yes' })).status).toBe(400);

    expect(await platform.admin.lifecycle.idle.runCheck()).not.toContain('lc-idle');
    const longAgo = new Date(Date.now() - 31 * 60_000).toISOString();
    for (const name of ['lc-idle', 'lc-template']) await writeFile(path.join(platform.fakeTenantDir, `${name}.last-request`), longAgo);

    const stopped = await platform.admin.lifecycle.idle.runCheck();
    expect(stopped).toContain('lc-idle');
    expect(stopped).not.toContain('lc-template');
    expect(platform.admin.orchestrator.upstream('lc-idle')).toBeNull();
    expect(platform.admin.orchestrator.upstream('lc-template')).not.toBeNull();
    const idle = await platform.client('cli').request<TenantReply>('GET', '/v1/tenants/lc-idle');
    expect(idle.body.state).toBe('inactive');
    expect(idle.body.history.at(-1)).toMatchObject({ fromState: 'active', toState: 'inactive', actor: 'system' });
  });

  it('idle timeout 0 never stops', async () => {
    settings().idleTimeoutMinutes = 0;
    await cli('template', 'lc-template', { template: false });
    const check = (await import('./idle-scale-down.js')).startIdleScaleDown(platform.admin.lifecycle.service.dependencies.context, 0);
    try {
      expect(await check.runCheck()).toEqual([]);
      expect(platform.admin.orchestrator.upstream('lc-template')).not.toBeNull();
    } finally {
      await check.stop();
      settings().idleTimeoutMinutes = 30;
    }
  });
});
