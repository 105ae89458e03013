import pg from 'pg';
import { randomSecret, type DatabaseLogin } from '@esm/common';
import { scramSha256Verifier } from './scram-verifier.js';

/** A PostgreSQL server with the provisioning role's password already read from its file. */
export interface ProvisioningServer {
  id: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** Maintenance database, usually `postgres`. */
  database: string;
}

/** The three logins of one tenant database. */
export interface TenantDatabaseLogins {
  owner: DatabaseLogin;
  app: DatabaseLogin;
  readOnly: DatabaseLogin;
}

/**
 * Database and role names of a tenant. Tenant names are DNS labels without
 * underscores, so replacing hyphens with underscores maps names one to one.
 */
export function tenantDatabaseNames(tenant: string) {
  const key = tenant.replace(/-/g, '_');
  return {
    database: `esm_tenant_${key}`,
    owner: `esm_${key}_owner`,
    app: `esm_${key}_app`,
    readOnly: `esm_${key}_ro`,
  };
}

/** The schema that holds every table of a tenant. */
export const TENANT_SCHEMA = 'esm';

/**
 * Creates (or completes) a tenant's database and its three roles, each with
 * a fresh random password of 32 bytes, and returns their logins. Safe to run
 * again after a crash half-way: existing roles get new passwords, and
 * existing databases and grants are kept.
 *
 * NOTE: the provisioning role must be a superuser. A role with only
 * CREATEDB and CREATEROLE cannot create a database owned by another role on
 * PostgreSQL 16 and later without extra grants, which are not made here yet.
 */
export async function provisionTenantDatabase(server: ProvisioningServer, tenant: string): Promise<TenantDatabaseLogins> {
  const names = tenantDatabaseNames(tenant);
  const passwords = { owner: randomSecret(32), app: randomSecret(32), readOnly: randomSecret(32) };
  const id = pg.escapeIdentifier;

  await withClient(server, server.database, async (client) => {
    await upsertLoginRole(client, names.owner, passwords.owner);
    await upsertLoginRole(client, names.app, passwords.app);
    await upsertLoginRole(client, names.readOnly, passwords.readOnly);
    // The app role switches to the read-only role for read-only requests.
    await client.query(`GRANT ${id(names.readOnly)} TO ${id(names.app)}`);

    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [names.database]);
    if (exists.rowCount === 0) {
      await client.query(
        `CREATE DATABASE ${id(names.database)} OWNER ${id(names.owner)} ENCODING 'UTF8' TEMPLATE template0`,
      );
    }
    await grantDatabaseConnect(client, names.database, names);
  });
  await prepareTenantSchema(server, names.database, names);

  const login = (user: string, password: string): DatabaseLogin => ({
    host: server.host,
    port: server.port,
    database: names.database,
    user,
    password,
  });
  return {
    owner: login(names.owner, passwords.owner),
    app: login(names.app, passwords.app),
    readOnly: login(names.readOnly, passwords.readOnly),
  };
}

/** Drops a tenant's database and roles; does nothing for parts already gone. */
export async function dropTenantDatabase(server: ProvisioningServer, tenant: string): Promise<void> {
  const names = tenantDatabaseNames(tenant);
  const id = pg.escapeIdentifier;
  await withClient(server, server.database, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${id(names.database)} WITH (FORCE)`);
    for (const role of [names.app, names.readOnly, names.owner]) {
      await client.query(`DROP ROLE IF EXISTS ${id(role)}`);
    }
  });
}

/**
 * Revokes CONNECT on the server's own databases from PUBLIC, so that a
 * tenant's roles can reach nothing but their tenant's database. Run on
 * servers the platform owns (the embedded one); on a shared external server
 * the operator decides.
 */
export async function restrictServerDatabases(server: ProvisioningServer): Promise<void> {
  await withClient(server, server.database, async (client) => {
    for (const database of ['postgres', 'template1']) {
      await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${pg.escapeIdentifier(database)} FROM PUBLIC`);
    }
  });
}

/** Tells whether the tenant's database exists on the server. */
export async function tenantDatabaseExists(server: ProvisioningServer, tenant: string): Promise<boolean> {
  const { database } = tenantDatabaseNames(tenant);
  return withClient(server, server.database, async (client) => {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    return result.rowCount === 1;
  });
}

/**
 * Creates an empty database under another name for a tenant's existing
 * roles, owned by its owner role and with the grants and schema settings of
 * the tenant's own database. Restores and restore drills load a backup into
 * such a database. Fails with SQLSTATE 42P04 when the database exists.
 */
export async function createTenantScratchDatabase(server: ProvisioningServer, tenant: string, database: string): Promise<void> {
  const names = tenantDatabaseNames(tenant);
  await withClient(server, server.database, async (client) => {
    await client.query(
      `CREATE DATABASE ${pg.escapeIdentifier(database)} OWNER ${pg.escapeIdentifier(names.owner)} ENCODING 'UTF8' TEMPLATE template0`,
    );
    await grantDatabaseConnect(client, database, names);
  });
  await prepareTenantSchema(server, database, names);
}

async function grantDatabaseConnect(client: pg.Client, database: string, names: ReturnType<typeof tenantDatabaseNames>): Promise<void> {
  const id = pg.escapeIdentifier;
  // No other role on this server, tenant or not, may connect.
  await client.query(`REVOKE ALL ON DATABASE ${id(database)} FROM PUBLIC`);
  await client.query(
    `GRANT CONNECT ON DATABASE ${id(database)} TO ${id(names.owner)}, ${id(names.app)}, ${id(names.readOnly)}`,
  );
}

async function prepareTenantSchema(server: ProvisioningServer, database: string, names: ReturnType<typeof tenantDatabaseNames>): Promise<void> {
  const id = pg.escapeIdentifier;
  await withClient(server, database, async (client) => {
    const schema = id(TENANT_SCHEMA);
    const [owner, app, readOnly] = [id(names.owner), id(names.app), id(names.readOnly)];
    await client.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${owner}`);
    await client.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
    await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${app}, ${readOnly}`);
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
    );
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${readOnly}`);
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema} GRANT USAGE, SELECT ON SEQUENCES TO ${app}`);
    for (const role of [owner, app, readOnly]) {
      await client.query(`ALTER ROLE ${role} IN DATABASE ${id(database)} SET search_path = ${schema}`);
    }
  });
}

async function upsertLoginRole(client: pg.Client, role: string, password: string): Promise<void> {
  const verifier = pg.escapeLiteral(scramSha256Verifier(password));
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const options = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
  const verb = exists.rowCount === 0 ? 'CREATE' : 'ALTER';
  await client.query(`${verb} ROLE ${pg.escapeIdentifier(role)} ${options} PASSWORD ${verifier}`);
}

async function withClient<T>(server: ProvisioningServer, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
