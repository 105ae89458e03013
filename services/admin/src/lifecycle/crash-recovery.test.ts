import { access } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createAdminClient, createLogger, randomSecret, type AdminClient } from '@esm/common';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import { dropTenantDatabase, tenantDatabaseNames } from '../provisioning/tenant-database.js';
import { startAdmin, type RunningAdmin } from '../start-admin.js';
import { createAdminTestFiles, registrationBody, type AdminTestFiles } from '../test-support/admin-test-platform.js';
import { queryServer } from '../test-support/backup-fixture.js';
import { SimulatedCrash, type StepPoint } from './step-hook.js';

const DEPLOY_STEPS = ['database', 'secret', 'process', 'health', 'invitation'];
const ARCHIVE_STEPS = ['stop', 'backup', 'drill', 'drop-database'];
const DELETE_STEPS = ['stop', 'database', 'secret', 'backups'];

describe('crash recovery', () => {
  let files: AdminTestFiles;
  const registryDatabase = `esm_platform_test_${randomSecret(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const tenants: string[] = [];

  beforeAll(async () => {
    files = await createAdminTestFiles();
    // Dropping the database at archiving gives archiving its most steps.
    files.config.lifecycle = { idleTimeoutMinutes: 0, archiveKeepDatabase: false, deleteRetentionDays: 30 };
  });

  afterAll(async () => {
    const server = { id: 'cleanup', ...inject('postgres'), database: 'postgres' };
    for (const tenant of tenants) await dropTenantDatabase(server, tenant);
    await queryServer(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(registryDatabase)} WITH (FORCE)`);
  });

  /** Starts admin on the shared registry; `crashAt` makes it stop dead after that step, as a crash would. */
  async function startAdminWith(crashAt?: Omit<StepPoint, 'tenant'>): Promise<{ admin: RunningAdmin; cli: AdminClient }> {
    const admin = await startAdmin(files.config, {
      logger: createLogger('admin-test', { level: process.env.ESM_TEST_LOG_LEVEL ?? 'silent' }),
      registryDatabase,
      port: 0,
      localOrchestrator: { tenantEntry: files.fakeTenantScript, restartDelayMs: 100, healthTimeoutMs: 10_000 },
      lifecycle: {
        stepHook: (point) => {
          if (crashAt && point.operation === crashAt.operation && point.step === crashAt.step) throw new SimulatedCrash(point);
        },
      },
    });
    return { admin, cli: createAdminClient(`http://127.0.0.1:${admin.port}`, files.credentials.cli) };
  }

  async function newTenant(prefix: string, step: string): Promise<string> {
    const name = `${prefix}-${step.replace(/[^a-z]/g, '')}`;
    tenants.push(name);
    return name;
  }

  async function register(admin: RunningAdmin, name: string): Promise<void> {
    const registration = createAdminClient(`http://127.0.0.1:${admin.port}`, files.credentials.registration);
    expect((await registration.request('POST', '/v1/registrations', registrationBody(name))).status).toBe(201);
  }

  async function tenantRow(name: string) {
    const rows = await queryServer<{ state: string; archived_at: Date | null; deleted_by: string | null; database_server: string | null }>(
      'SELECT state, archived_at, deleted_by, database_server FROM tenants WHERE name = $1',
      [name],
      registryDatabase,
    );
    return rows[0]!;
  }

  async function unfinishedOperations(): Promise<number> {
    const rows = await queryServer<{ count: number }>('SELECT count(*)::int AS count FROM tenant_operations WHERE finished_at IS NULL', [], registryDatabase);
    return rows[0]!.count;
  }

  async function serverResources(name: string): Promise<string[]> {
    const names = tenantDatabaseNames(name);
    const databases = await queryServer<{ name: string }>('SELECT datname AS name FROM pg_database WHERE datname LIKE $1', [`esm_%${name.replace(/-/g, '_')}%`]);
    const roles = await queryServer<{ name: string }>('SELECT rolname AS name FROM pg_roles WHERE rolname = ANY($1)', [[names.owner, names.app, names.readOnly]]);
    return [...databases.map((row) => row.name), ...roles.map((row) => row.name)];
  }

  const exists = (file: string) => access(file).then(() => true, () => false);

  for (const step of DEPLOY_STEPS) {
    it(`deployment crash after ${step} is finished`, async () => {
      const name = await newTenant('crash-dep', step);
      const first = await startAdminWith({ operation: 'deployment', step });
      await register(first.admin, name);
      const deploy = await first.cli.request('POST', `/v1/tenants/${name}/deploy`);
      expect(deploy.status).toBe(500);
      await first.admin.close();

      const second = await startAdminWith();
      try {
        const report = await second.admin.lifecycle.reconciled;
        await second.admin.restored;
        expect(report.deploymentsFinished).toContain(name);
        expect((await tenantRow(name)).state).toBe('active');
        expect(second.admin.orchestrator.upstream(name)).not.toBeNull();
        expect(await exists(tenantSecretFile(files, name))).toBe(true);
        expect(await serverResources(name)).toHaveLength(4);
      } finally {
        await second.admin.close();
      }
    });
  }

  for (const step of ARCHIVE_STEPS) {
    it(`archive crash after ${step} is finished`, async () => {
      const name = await newTenant('crash-arc', step);
      const first = await startAdminWith({ operation: 'archive', step });
      await register(first.admin, name);
      expect((await first.cli.request('POST', `/v1/tenants/${name}/deploy`)).status).toBe(200);
      const archive = await first.cli.request('POST', `/v1/tenants/${name}/archive`);
      expect(archive.status).toBe(500);
      expect(await unfinishedOperations()).toBe(1);
      await first.admin.close();

      const second = await startAdminWith();
      try {
        const report = await second.admin.lifecycle.reconciled;
        await second.admin.restored;
        expect(report.operations).toContain(`${name}:archive:succeeded`);
        const row = await tenantRow(name);
        expect(row.state).toBe('archived');
        expect(row.archived_at).not.toBeNull();
        expect(row.database_server).toBeNull();
        expect(second.admin.orchestrator.upstream(name)).toBeNull();
        expect(await serverResources(name)).toEqual([]);
        expect(await exists(tenantSecretFile(files, name))).toBe(true);
        expect(await unfinishedOperations()).toBe(0);
      } finally {
        await second.admin.close();
      }
    });
  }

  for (const step of DELETE_STEPS) {
    it(`delete crash after ${step} is finished`, async () => {
      const name = await newTenant('crash-del', step);
      const first = await startAdminWith({ operation: 'delete', step });
      await register(first.admin, name);
      expect((await first.cli.request('POST', `/v1/tenants/${name}/deploy`)).status).toBe(200);
      expect((await first.cli.request('POST', `/v1/tenants/${name}/archive`)).status).toBe(200);
      await queryServer("UPDATE tenants SET archived_at = now() - interval '31 days' WHERE name = $1", [name], registryDatabase);
      const deleted = await first.cli.request('POST', `/v1/tenants/${name}/delete`, { confirm: name });
      expect(deleted.status).toBe(500);
      await first.admin.close();

      const second = await startAdminWith();
      try {
        const report = await second.admin.lifecycle.reconciled;
        expect(report.operations).toContain(`${name}:delete:succeeded`);
        const row = await tenantRow(name);
        expect(row.state).toBe('deleted');
        expect(row.deleted_by).toBe('cli');
        expect(await serverResources(name)).toEqual([]);
        expect(await exists(tenantSecretFile(files, name))).toBe(false);
        expect(await exists(path.join(files.config.dataDir, 'backups', name))).toBe(false);
        expect(report.unaccounted.filter((entry) => entry.includes(name.replace(/-/g, '_')) || entry === `secret:${name}`)).toEqual([]);
      } finally {
        await second.admin.close();
      }
    });
  }
});
