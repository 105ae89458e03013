import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { dataPaths } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import { dropTenantDatabase, tenantDatabaseNames, type ProvisioningServer } from '../provisioning/tenant-database.js';

/** The tenant databases and roles on one server, by name. */
export interface ServerInventory {
  server: string;
  databases: string[];
  roles: string[];
}

/**
 * Drops the databases that restores and restore drills create beside a
 * tenant's own (`esm_restore_<key>_<8 hex>`, `esm_drill_…`, `esm_replaced_…`).
 * A crash of admin during a restore leaves one behind; the exact pattern
 * keeps `esm_restore_a_b_…` of tenant `a-b` out of tenant `a`'s match.
 */
export async function dropTenantScratchDatabases(server: ProvisioningServer, tenant: string): Promise<string[]> {
  const key = tenant.replace(/-/g, '_');
  return withServer(server, async (client) => {
    const found = await client.query<{ name: string }>(
      `SELECT datname AS name FROM pg_database WHERE datname ~ $1`,
      [`^esm_(restore|drill|replaced)_${key}_[0-9a-f]{8}$`],
    );
    for (const { name } of found.rows) await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    return found.rows.map((row) => row.name);
  });
}

/** Drops a tenant's database, its roles and any scratch databases of its restores. */
export async function dropAllTenantDatabases(server: ProvisioningServer, tenant: string): Promise<void> {
  await dropTenantScratchDatabases(server, tenant);
  await dropTenantDatabase(server, tenant);
}

/** Removes the tenant's secret file; does nothing when it is gone. */
export async function removeTenantSecret(context: Pick<AdminContext, 'config'>, tenant: string): Promise<void> {
  await rm(tenantSecretFile(context, tenant), { force: true });
}

/** Lists the databases named `esm_tenant_*` and the roles named `esm_*_owner`, `esm_*_app` and `esm_*_ro` on a server. */
export async function readServerInventory(server: ProvisioningServer): Promise<ServerInventory> {
  return withServer(server, async (client) => {
    const databases = await client.query<{ name: string }>(`SELECT datname AS name FROM pg_database WHERE datname LIKE 'esm\\_tenant\\_%' ORDER BY 1`);
    const roles = await client.query<{ name: string }>(`SELECT rolname AS name FROM pg_roles WHERE rolname ~ '^esm_.+_(owner|app|ro)$' ORDER BY 1`);
    return { server: server.id, databases: databases.rows.map((row) => row.name), roles: roles.rows.map((row) => row.name) };
  });
}

/** Returns the tenant names that have a secret file. */
export async function listTenantSecretNames(context: Pick<AdminContext, 'config'>): Promise<string[]> {
  const files = await readdir(dataPaths(context.config).tenantSecretsDir).catch(() => [] as string[]);
  return files.filter((file) => file.endsWith('.json')).map((file) => path.basename(file, '.json'));
}

/** The database and role names a tenant owns, for comparing an inventory with the registry. */
export function tenantResourceNames(tenant: string): string[] {
  const names = tenantDatabaseNames(tenant);
  return [names.database, names.owner, names.app, names.readOnly];
}

async function withServer<T>(server: ProvisioningServer, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database: server.database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
