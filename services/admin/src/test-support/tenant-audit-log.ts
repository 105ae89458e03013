import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { createLogger, type TenantSecret } from '@esm/common';
import { runMigrations } from '../../../tenant/src/db/migrate.js';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import type { AdminTestPlatform } from './admin-test-platform.js';

/**
 * Runs the real tenant migrations on a tenant that admin deployed with the
 * fake tenant process (which creates no tables), and returns its secret.
 * `count` stops after that many pending migrations.
 */
export async function migrateDeployedTenant(platform: AdminTestPlatform, tenant: string, count?: number): Promise<TenantSecret> {
  const secret = JSON.parse(await readFile(tenantSecretFile(platform, tenant), 'utf8')) as TenantSecret;
  const roles = { app: secret.database.app.user, readOnly: secret.database.readOnly.user };
  await runMigrations(secret.database.owner, roles, createLogger('audit-test', { level: 'silent' }), { count });
  return secret;
}

/** Appends one audit entry per summary with the app login, as the tenant would. */
export async function appendAuditEntries(secret: TenantSecret, summaries: string[]): Promise<void> {
  await withClient(secret.database.app, async (client) => {
    for (const summary of summaries) {
      await client.query(`INSERT INTO audit_entries (action, entity_type, summary) VALUES ('object.created', 'object', $1)`, [summary]);
    }
  });
}

/** Runs a statement on the tenant database as the superuser, with ordinary triggers (the append-only one too) skipped. */
export async function tamperAsSuperuser(secret: TenantSecret, statement: string, values: unknown[] = []): Promise<void> {
  const { host, port, user, password } = inject('postgres');
  await withClient({ host, port, user, password, database: secret.database.owner.database }, async (client) => {
    await client.query('SET session_replication_role = replica');
    await client.query(statement, values);
  });
}

/**
 * Changes one entry's summary with the owner login and recomputes every hash
 * in id order, so the chain verifies by itself. The owner may switch off
 * the append-only trigger of its own table, so this needs no superuser.
 */
export async function rewriteChainAsOwner(secret: TenantSecret, entryId: string, summary: string): Promise<void> {
  await withClient(secret.database.owner, async (client) => {
    await client.query('BEGIN');
    await client.query('ALTER TABLE esm.audit_entries DISABLE TRIGGER audit_entries_append_only');
    await client.query('UPDATE esm.audit_entries SET summary = $2 WHERE id = $1', [entryId, summary]);
    await client.query(`
      DO $$
      DECLARE
        previous bytea := decode(repeat('00', 32), 'hex');
        entry esm.audit_entries;
      BEGIN
        FOR entry IN SELECT * FROM esm.audit_entries ORDER BY id LOOP
          UPDATE esm.audit_entries SET previous_hash = previous, hash = sha256(previous || esm.audit_entry_content(entry))
           WHERE id = entry.id RETURNING hash INTO previous;
        END LOOP;
      END
      $$`);
    await client.query('ALTER TABLE esm.audit_entries ENABLE TRIGGER audit_entries_append_only');
    await client.query('COMMIT');
  });
}

/** Runs a statement on the tenant database with the owner login. */
export async function runAsOwner(secret: TenantSecret, statement: string): Promise<void> {
  await withClient(secret.database.owner, (client) => client.query(statement));
}

async function withClient<T>(login: pg.ClientConfig, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(login);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
