import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';
import { createLogger, readSecretFile, type TenantSecret } from '@esm/common';
import { runMigrations } from '@esm/tenant/dist/db/migrate.js';
import { parseArchimateModel } from '../../../tenant/src/imports/archimate/parse.js';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import { tenantDatabaseNames } from '../provisioning/tenant-database.js';
import type { AdminTestPlatform } from './admin-test-platform.js';

/** The Archisurance model, an ArchiMate exchange file from outside this repository (see the README's Tests section). */
export const ARCHISURANCE_FILE = fileURLToPath(new URL('../../../../../shared/fixtures/archimate/archisurance-exchange.xml', import.meta.url));

/** Reads the tenant's secret that the deployment wrote. */
export async function readTenantSecret(platform: AdminTestPlatform, tenant: string): Promise<TenantSecret> {
  return readSecretFile<TenantSecret>(tenantSecretFile(platform, tenant));
}

/** Runs the real tenant migrations on a deployed tenant's database with its owner login. */
export async function migrateTenant(platform: AdminTestPlatform, tenant: string): Promise<TenantSecret> {
  const secret = await readTenantSecret(platform, tenant);
  const roles = { app: secret.database.app.user, readOnly: secret.database.readOnly.user };
  await runMigrations(secret.database.owner, roles, createLogger('backup-test', { level: 'silent' }));
  return secret;
}

/**
 * Writes a model into a migrated tenant database with its app login, as the
 * tenant would: two users, an invitation, a sign-in challenge, the objects
 * and relations of the Archisurance model (or its first `limit` elements)
 * and one audit entry per object and relation.
 */
export async function seedTenant(secret: TenantSecret, options: { limit?: number; label?: string } = {}): Promise<void> {
  const model = parseArchimateModel(await readFile(ARCHISURANCE_FILE, 'utf8'));
  const elements = model.elements.slice(0, options.limit ?? model.elements.length);
  const label = options.label ?? 'seed';
  const client = new pg.Client(secret.database.app);
  await client.connect();
  try {
    await client.query('BEGIN');
    const user = await client.query<{ id: string }>(
      `INSERT INTO users (email, mobile, password_hash, access_level, status, totp_enabled)
       VALUES ($1, '+46 70 000 00 00', 'not-a-real-hash', 'admin', 'active', true) RETURNING id`,
      [`admin-${label}@example.test`],
    );
    const userId = user.rows[0]!.id;
    await client.query(`INSERT INTO users (email, access_level) VALUES ($1, 'read')`, [`reader-${label}@example.test`]);
    await client.query(
      `INSERT INTO invitations (token_hash, email, access_level, expires_at)
       VALUES (sha256(random()::text::bytea), $1, 'write', now() + interval '7 days')`,
      [`writer-${label}@example.test`],
    );
    await client.query(`INSERT INTO sign_in_challenges (hash, user_id, expires_at) VALUES (sha256(random()::text::bytea), $1, now())`, [userId]);

    const ids = new Map<string, string>();
    for (const element of elements) {
      const row = await client.query<{ id: string }>(
        'INSERT INTO objects (type, name, description, attributes, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [element.type, element.name || element.identifier, element.description, JSON.stringify(element.attributes), userId],
      );
      ids.set(element.identifier, row.rows[0]!.id);
      await audit(client, userId, 'object.created', 'object', row.rows[0]!.id, { name: element.name });
    }
    for (const relationship of model.relationships) {
      const source = ids.get(relationship.source);
      const target = ids.get(relationship.target);
      if (!source || !target) continue;
      const row = await client.query<{ id: string }>(
        'INSERT INTO relations (type, name, source_id, target_id, attributes, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [relationship.type, relationship.name, source, target, JSON.stringify(relationship.attributes), userId],
      );
      await audit(client, userId, 'relation.created', 'relation', row.rows[0]!.id, { type: relationship.type });
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

async function audit(client: pg.Client, userId: string, action: string, entityType: string, entityId: string, after: unknown): Promise<void> {
  await client.query(
    `INSERT INTO audit_entries (actor_id, actor_email, action, entity_type, entity_id, after, summary, request_id, client_address)
     VALUES ($1, 'admin@example.test', $2, $3, $4, $5, $2, 'req-1', '127.0.0.1')`,
    [userId, action, entityType, entityId, JSON.stringify(after)],
  );
}

/**
 * Reads every row of every table in schema `esm` of a tenant's database, in
 * a fixed order and with the superuser's access, so two databases can be compared.
 */
export async function snapshotTenant(tenant: string, database = tenantDatabaseNames(tenant).database): Promise<Record<string, unknown[]>> {
  const client = new pg.Client({ ...inject('postgres'), database });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'esm' ORDER BY tablename",
    );
    const snapshot: Record<string, unknown[]> = {};
    for (const { name } of tables.rows) {
      // Ordering by the whole row's text gives one order for tables with any key.
      const rows = await client.query(`SELECT * FROM esm.${pg.escapeIdentifier(name)} t ORDER BY t::text`);
      snapshot[name] = rows.rows;
    }
    return snapshot;
  } finally {
    await client.end();
  }
}

/** Runs one query as the superuser on a database of the test server. */
export async function queryServer<T extends pg.QueryResultRow>(sql: string, values: unknown[] = [], database = 'postgres'): Promise<T[]> {
  const client = new pg.Client({ ...inject('postgres'), database });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
