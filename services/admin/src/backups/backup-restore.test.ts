import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropTenantDatabase } from '../provisioning/tenant-database.js';
import { connectRegistry, registerAndDeploy, startAdminTestPlatform, type AdminTestPlatform } from '../test-support/admin-test-platform.js';
import { migrateTenant, queryServer, readTenantSecret, seedTenant, snapshotTenant } from '../test-support/backup-fixture.js';
import type { JobView } from './backup-jobs.js';
import type { BackupManifest } from './archive-format.js';

const TENANTS = ['bk-main', 'bk-lost', 'bk-keep'];

describe('tenant backup and restore', () => {
  let platform: AdminTestPlatform;

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    for (const tenant of TENANTS) {
      await registerAndDeploy(platform, tenant);
      await seedTenant(await migrateTenant(platform, tenant), { limit: tenant === 'bk-main' ? undefined : 20 });
    }
  });

  afterAll(async () => {
    await platform.cleanup(TENANTS);
  });

  const cli = () => platform.client('cli');

  async function waitForJob(job: JobView): Promise<JobView> {
    for (let attempt = 0; attempt < 600; attempt += 1) {
      const reply = await cli().request<JobView>('GET', `/v1/backup-jobs/${job.id}`);
      if (reply.body.status !== 'running') return reply.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`job ${job.id} did not finish`);
  }

  async function backUp(tenant: string): Promise<JobView> {
    const started = await cli().request<JobView>('POST', `/v1/tenants/${tenant}/backups`);
    expect(started.status).toBe(202);
    const job = await waitForJob(started.body);
    expect(job.error).toBeNull();
    return job;
  }

  async function restore(tenant: string, backup: string, confirm: unknown = true): Promise<JobView> {
    const started = await cli().request<JobView>('POST', `/v1/tenants/${tenant}/restore`, { backup, confirm });
    expect(started.status).toBe(202);
    return waitForJob(started.body);
  }

  async function archiveOf(tenant: string, backupId: string): Promise<string> {
    const list = await cli().request<{ backups: { id: string; file: string }[] }>('GET', `/v1/tenants/${tenant}/backups`);
    const backup = list.body.backups.find((candidate) => candidate.id === backupId);
    return path.join(platform.config.dataDir, 'backups', backup!.file);
  }

  /** Scratch databases of this file's tenants; other test files run drills on the same server at the same time. */
  async function leftoverDatabases(): Promise<string[]> {
    const rows = await queryServer<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname ~ '^esm_(drill|restore|replaced)_bk_'",
    );
    return rows.map((row) => row.datname);
  }

  it('backup writes a private archive and records it', async () => {
    const job = await backUp('bk-main');
    const file = await archiveOf('bk-main', job.backupId!);
    expect(file).toMatch(/backups\/bk-main\/\d{4}-\d\d-\d\dT[\d-]+Z\.tar\.gz$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect(job.progress.tablesDone).toBe(job.progress.tablesTotal);

    const manifest = await readManifest(file);
    expect(manifest.tenant).toBe('bk-main');
    expect(manifest.migrationVersion).toBe(manifest.migrations.at(-1));
    const order = manifest.tables.map((table) => table.name);
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('objects'));
    expect(order.indexOf('objects')).toBeLessThan(order.indexOf('relations'));
    expect(manifest.tables.find((table) => table.name === 'objects')?.rows).toBe(123); // 120 Archisurance elements and a requirement set of 3

    const registry = await connectRegistry(platform);
    const record = await registry.query('SELECT outcome, size_bytes::int AS size, rows::int AS rows FROM backups WHERE id = $1', [job.backupId]);
    await registry.end();
    expect(record.rows[0]).toEqual({ outcome: 'succeeded', size: (await stat(file)).size, rows: job.result!.rows });
  });

  it('restore into newer rows gives backup rows', async () => {
    const before = await snapshotTenant('bk-main');
    const job = await backUp('bk-main');
    const secret = await readTenantSecret(platform, 'bk-main');
    await seedTenant(secret, { limit: 5, label: 'newer' });
    expect(await snapshotTenant('bk-main')).not.toEqual(before);

    const restored = await restore('bk-main', job.backupId!);

    expect(restored.error).toBeNull();
    expect(restored.status).toBe('succeeded');
    expect(await snapshotTenant('bk-main')).toEqual(before);
    expect(await leftoverDatabases()).toEqual([]);
    // The app login still works, and new audit entries continue after the restored ids.
    const app = new pg.Client(secret.database.app);
    await app.connect();
    const inserted = await app.query<{ id: string }>("INSERT INTO audit_entries (action, entity_type) VALUES ('test.after-restore', 'test') RETURNING id");
    await app.end();
    const maxBefore = Math.max(...(before.audit_entries as { id: string }[]).map((row) => Number(row.id)));
    expect(Number(inserted.rows[0]!.id)).toBe(maxBefore + 1);
  });

  it('restore into a fresh database gives identical rows', async () => {
    const before = await snapshotTenant('bk-lost');
    const job = await backUp('bk-lost');
    // The database and its roles are lost, as with a failed server.
    await dropTenantDatabase({ id: 'test', ...inject('postgres'), database: 'postgres' }, 'bk-lost');

    const restored = await restore('bk-lost', job.backupId!);

    expect(restored.error).toBeNull();
    expect(await snapshotTenant('bk-lost')).toEqual(before);
    const secret = await readTenantSecret(platform, 'bk-lost');
    const app = new pg.Client(secret.database.app);
    await app.connect();
    expect((await app.query('SELECT count(*)::int AS n FROM objects')).rows[0].n).toBe(23); // 20 elements and a requirement set of 3
    await app.end();
  });

  it('restore requires confirm', async () => {
    const job = await backUp('bk-main');
    for (const confirm of [undefined, false, 'yes']) {
      const reply = await cli().request<{ error: { code: string } }>('POST', '/v1/tenants/bk-main/restore', { backup: job.backupId, confirm });
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('RESTORE_CONFIRMATION_REQUIRED');
    }
    const unknown = await cli().request<{ error: { code: string } }>('POST', '/v1/tenants/bk-main/restore', { backup: 'nope', confirm: true });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('BACKUP_NOT_FOUND');
    const foreign = await platform.client('gateway').request('POST', '/v1/tenants/bk-main/backups');
    expect(foreign.status).toBe(403);
    expect((await cli().request<{ error: { code: string } }>('GET', '/v1/backup-jobs/none')).body.error.code).toBe('BACKUP_JOB_NOT_FOUND');
  });

  it('flipped byte is rejected unchanged', async () => {
    const job = await backUp('bk-main');
    const file = await archiveOf('bk-main', job.backupId!);
    const original = await readFile(file);
    await seedTenant(await readTenantSecret(platform, 'bk-main'), { limit: 3, label: 'flip' });
    const before = await snapshotTenant('bk-main');

    const flipped = Buffer.from(original);
    flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
    await writeFile(file, flipped);
    const compressed = await restore('bk-main', job.backupId!);
    expect(compressed.error?.code).toBe('BACKUP_ARCHIVE_CORRUPT');

    // A changed byte inside a table file, repacked with a valid gzip and tar, fails its SHA-256.
    await writeFile(file, await repack(original, (_manifest, files) => {
      const objects = files.get('tables/objects.csv')!;
      objects[10] = objects[10] === 0x41 ? 0x42 : 0x41;
    }));
    const checksum = await restore('bk-main', job.backupId!);
    expect(checksum.error?.code).toBe('BACKUP_ARCHIVE_CORRUPT');
    expect(checksum.error?.message).toContain('SHA-256');

    expect(await snapshotTenant('bk-main')).toEqual(before);
    expect(await leftoverDatabases()).toEqual([]);
  });

  it('failed load leaves target unchanged', async () => {
    const job = await backUp('bk-main');
    const file = await archiveOf('bk-main', job.backupId!);
    await seedTenant(await readTenantSecret(platform, 'bk-main'), { limit: 2, label: 'half' });
    const before = await snapshotTenant('bk-main');

    // The relations file is cut in the middle of a row, with a manifest that matches the cut file,
    // so the checksums pass and COPY fails after the earlier tables were loaded.
    await writeFile(file, await repack(await readFile(file), (manifest, files) => {
      const table = manifest.tables.find((candidate) => candidate.name === 'relations')!;
      const cut = files.get(table.file)!.subarray(0, Math.floor(table.bytes / 2));
      files.set(table.file, cut);
      table.bytes = cut.length;
      table.sha256 = sha256(cut);
    }));
    const failed = await restore('bk-main', job.backupId!);

    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('RESTORE_FAILED');
    expect(await snapshotTenant('bk-main')).toEqual(before);
    expect(await leftoverDatabases()).toEqual([]);
    expect(platform.admin.orchestrator.upstream('bk-main')).not.toBeNull();
  });

  it('retention keeps the newest N', async () => {
    const { service } = platform.admin.backups;
    const keep = service.settings.keep;
    service.settings.keep = 2;
    try {
      const jobs = [];
      for (let round = 0; round < 4; round += 1) jobs.push(await backUp('bk-keep'));
      const list = await cli().request<{ backups: { id: string }[] }>('GET', '/v1/tenants/bk-keep/backups');
      expect(list.body.backups.map((backup) => backup.id)).toEqual([jobs[3]!.backupId, jobs[2]!.backupId]);
      expect((await readdir(path.join(platform.config.dataDir, 'backups', 'bk-keep'))).filter((name) => name.endsWith('.tar.gz'))).toHaveLength(2);
    } finally {
      service.settings.keep = keep;
    }
  });

  it('schedule backs up due tenants', async () => {
    const registry = await connectRegistry(platform);
    const count = async () => (await registry.query("SELECT tenant, count(*)::int AS n FROM backups WHERE actor = 'system' GROUP BY tenant ORDER BY tenant")).rows;
    expect(await count()).toEqual([]);
    // Every tenant already has a backup from the tests above, so it becomes due by moving them back a day.
    await registry.query("UPDATE backups SET started_at = started_at - interval '25 hours'");
    await platform.admin.backups.schedule.runDueWork();
    expect(await count()).toEqual(TENANTS.map((tenant) => ({ tenant, n: 1 })).sort((a, b) => a.tenant.localeCompare(b.tenant)));
    const drills = await registry.query("SELECT tenant, outcome FROM backup_restores WHERE kind = 'drill' AND actor = 'system' ORDER BY tenant");
    expect(drills.rows.map((row) => row.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    await platform.admin.backups.schedule.runDueWork();
    expect((await count()).every((row: { n: number }) => row.n === 1)).toBe(true);
    await registry.end();
  });
});

/** Reads the manifest of an archive. */
async function readManifest(file: string): Promise<BackupManifest> {
  const entries = await unpack(await readFile(file));
  return JSON.parse(entries.get('manifest.json')!.toString('utf8')) as BackupManifest;
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

async function unpack(archive: Buffer): Promise<Map<string, Buffer>> {
  const extract = tar.extract();
  const entries = new Map<string, Buffer>();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      entries.set(entry.header.name, Buffer.concat(chunks));
    }
  })();
  extract.end(gunzipSync(archive));
  await done;
  return entries;
}

/** Unpacks a tar.gz into memory, lets `change` alter the manifest and files, and packs it again. */
async function repack(archive: Buffer, change: (manifest: BackupManifest, files: Map<string, Buffer>) => void): Promise<Buffer> {
  const entries = await unpack(archive);
  const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as BackupManifest;
  entries.delete('manifest.json');
  change(manifest, entries);
  const pack = tar.pack();
  pack.entry({ name: 'manifest.json' }, JSON.stringify(manifest));
  for (const [name, content] of entries) pack.entry({ name }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}
