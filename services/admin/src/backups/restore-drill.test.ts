import { truncate } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectRegistry, registerAndDeploy, startAdminTestPlatform, type AdminTestPlatform } from '../test-support/admin-test-platform.js';
import { migrateTenant, queryServer, seedTenant } from '../test-support/backup-fixture.js';
import type { JobView } from './backup-jobs.js';
import { checkAuditChain } from './restore-drill.js';

const TENANTS = ['drill-model', 'drill-broken'];

describe('restore drill', () => {
  let platform: AdminTestPlatform;

  beforeAll(async () => {
    platform = await startAdminTestPlatform();
    for (const tenant of TENANTS) {
      await registerAndDeploy(platform, tenant);
      await seedTenant(await migrateTenant(platform, tenant));
    }
  });

  afterAll(async () => {
    await platform.cleanup(TENANTS);
  });

  async function runJob(url: string): Promise<JobView> {
    const started = await platform.client('cli').request<JobView>('POST', url);
    expect(started.status).toBe(202);
    for (let attempt = 0; attempt < 600; attempt += 1) {
      const reply = await platform.client('cli').request<JobView>('GET', `/v1/backup-jobs/${started.body.id}`);
      if (reply.body.status !== 'running') return reply.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`job ${started.body.id} did not finish`);
  }

  async function drillDatabases(): Promise<string[]> {
    return (await queryServer<{ datname: string }>("SELECT datname FROM pg_database WHERE datname ~ '^esm_drill_drill_'")).map((row) => row.datname);
  }

  it('drill without backup returns 404', async () => {
    const reply = await platform.client('cli').request<{ error: { code: string } }>('POST', '/v1/tenants/drill-model/restore-drill');
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe('BACKUP_NONE');
  });

  it('drill of Archisurance records success and time', async () => {
    const backup = await runJob('/v1/tenants/drill-model/backups');
    expect(backup.status).toBe('succeeded');

    const drill = await runJob('/v1/tenants/drill-model/restore-drill');

    expect(drill.error).toBeNull();
    expect(drill.backupId).toBe(backup.backupId);
    const tables = drill.result!.tables as { table: string; rows: number }[];
    expect(tables.find((table) => table.table === 'objects')?.rows).toBe(123); // 120 Archisurance elements and a requirement set of 3
    // Migration 005 gives the audit table its hash chain, so the drill checks the links.
    expect(drill.result!.audit).toEqual({ entries: 299, chainChecked: true }); // the import's entry, then 120 objects and 178 relations
    expect(await drillDatabases()).toEqual([]);

    const registry = await connectRegistry(platform);
    const record = await registry.query('SELECT outcome, duration_ms, backup_id FROM backup_restores WHERE id = $1', [drill.id]);
    await registry.end();
    expect(record.rows[0]).toMatchObject({ outcome: 'succeeded', backup_id: backup.backupId });
    expect(record.rows[0].duration_ms).toBeGreaterThan(0);
    // The README's RTO estimate quotes this line.
    console.log(`restore drill of the Archisurance-sized model: ${record.rows[0].duration_ms} ms for ${String(backup.result!.rows)} rows`);
  });

  it('drill of broken backup records failure', async () => {
    const backup = await runJob('/v1/tenants/drill-broken/backups');
    const list = await platform.client('cli').request<{ backups: { id: string; file: string }[] }>('GET', '/v1/tenants/drill-broken/backups');
    const file = path.join(platform.config.dataDir, 'backups', list.body.backups.find((entry) => entry.id === backup.backupId)!.file);
    await truncate(file, 3000);

    const drill = await runJob('/v1/tenants/drill-broken/restore-drill');

    expect(drill.status).toBe('failed');
    expect(drill.error?.code).toBe('BACKUP_ARCHIVE_CORRUPT');
    expect(await drillDatabases()).toEqual([]);
    const registry = await connectRegistry(platform);
    const record = await registry.query('SELECT outcome, error_code, duration_ms FROM backup_restores WHERE id = $1', [drill.id]);
    await registry.end();
    expect(record.rows[0]).toMatchObject({ outcome: 'failed', error_code: 'BACKUP_ARCHIVE_CORRUPT' });
  });

  describe('audit chain check', () => {
    let client: pg.Client;
    const database = `esm_chain_test_${process.pid}`;

    beforeAll(async () => {
      await queryServer(`CREATE DATABASE ${database}`);
      client = new pg.Client({ ...inject('postgres'), database });
      await client.connect();
      await client.query('CREATE SCHEMA esm');
      await client.query('CREATE TABLE esm.audit_entries (id bigint PRIMARY KEY, hash bytea, previous_hash bytea)');
    });

    afterAll(async () => {
      await client.end();
      await queryServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    });

    it('accepts a linked chain', async () => {
      await client.query("INSERT INTO esm.audit_entries VALUES (1, '\\x01', NULL), (2, '\\x02', '\\x01'), (5, '\\x05', '\\x02')");
      await expect(checkAuditChain(client, 'chain')).resolves.toBe(true);
    });

    it('reports the first broken link', async () => {
      await client.query("INSERT INTO esm.audit_entries VALUES (6, '\\x06', '\\x05'), (7, '\\x07', '\\x09'), (8, '\\x08', '\\x02')");
      await expect(checkAuditChain(client, 'chain')).rejects.toMatchObject({ code: 'DRILL_AUDIT_CHAIN_BROKEN', values: { entry: '7' } });
    });

    it('skips a table without chain columns', async () => {
      await client.query('ALTER TABLE esm.audit_entries DROP COLUMN previous_hash');
      await expect(checkAuditChain(client, 'chain')).resolves.toBe(false);
    });
  });
});
