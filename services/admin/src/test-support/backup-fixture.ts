import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';
import { createLogger, readSecretFile, type TenantSecret } from '@esm/common';
import { runMigrations } from '@esm/tenant/dist/db/migrate.js';
import { parseArchimateModel } from '../../../tenant/src/imports/archimate/parse.js';
import { importArchimateModel } from '../../../tenant/src/imports/archimate/import.js';
import { recomputeAll } from '../../../tenant/src/classification/propagation.js';
import type { Transaction } from '../../../tenant/src/db/transaction.js';
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

    const source = { actorId: userId, actorEmail: `admin-${label}@example.test`, requestId: 'req-1', clientAddress: '127.0.0.1' };
    const identifiers = new Set(elements.map((element) => element.identifier));
    const relationships = model.relationships.filter(
      (relationship) => identifiers.has(relationship.source) && identifiers.has(relationship.target),
    );
    // A pg.Client runs the same queries as the pool client the tenant passes.
    const transaction = client as unknown as Transaction;
    await importArchimateModel(transaction, source, { elements, relationships }, { mayChangeMetaModel: true, onProgress: () => {} });
    await seedClassificationAndRequirements(client, userId);
    // One entry per object and relation as well, so the audit chain has a length worth checking.
    await client.query(
      `INSERT INTO audit_entries (actor_id, actor_email, action, entity_type, entity_id, after, summary, request_id, client_address)
       SELECT $1, 'admin@example.test', action, entity_type, id::text, jsonb_build_object('name', name), action, 'req-1', '127.0.0.1'
       FROM (SELECT 'object.created' AS action, 'object' AS entity_type, id, name, 1 AS kind FROM objects
             WHERE type NOT IN ('requirement_set', 'requirement')
             UNION ALL
             SELECT 'relation.created', 'relation', id, type, 2 FROM relations) AS created
       ORDER BY kind, name, id`,
      [userId],
    );
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

/**
 * Gives the first information object a level (so inherited levels exist)
 * and adds a requirement set whose requirement sits under a group, with a
 * compliance statement: rows in the tables of migration 007, including the
 * self-reference of `requirements`, which a restore must load in any order.
 */
async function seedClassificationAndRequirements(client: pg.Client, userId: string): Promise<void> {
  const information = await client.query<{ id: string }>("SELECT id FROM objects WHERE type = 'information_object' ORDER BY name LIMIT 1");
  if (information.rows[0]) {
    await client.query(
      `INSERT INTO classification_assignments (object_id, dimension, level, justification, updated_by)
       VALUES ($1, 'confidentiality', 3, 'Customer data', $2)
       ON CONFLICT (object_id, dimension) DO NOTHING`,
      [information.rows[0].id, userId],
    );
    await recomputeAll(client as unknown as Transaction);
  }
  const set = await client.query<{ id: string }>(
    "INSERT INTO objects (type, name) VALUES ('requirement_set', 'Internal requirements') RETURNING id",
  );
  const setId = set.rows[0]!.id;
  await client.query('INSERT INTO requirement_sets (object_id) VALUES ($1)', [setId]);
  const [group, requirement] = (
    await client.query<{ id: string }>(
      "INSERT INTO objects (type, name) VALUES ('requirement', 'Access'), ('requirement', 'Review access yearly') RETURNING id",
    )
  ).rows.map((row) => row.id);
  // The child row comes first, so a restore that loads rows in file order meets the reference before its target.
  await client.query(
    `INSERT INTO requirements (object_id, set_id, parent_id, identifier, kind, sort_order)
     VALUES ($3, $2, $1, 'r-1', 'requirement', 2), ($1, $2, NULL, 'g-1', 'group', 1)`,
    [group, setId, requirement],
  );
  const subject = information.rows[0]?.id ?? setId;
  await client.query(
    `INSERT INTO compliance_statements (object_id, requirement_id, status, reason, updated_by)
     VALUES ($1, $2, 'not_applicable', 'Handled by the supplier', $3)`,
    [subject, requirement, userId],
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
