import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropTenantDatabase, provisionTenantDatabase, restrictServerDatabases, type ProvisioningServer, type TenantDatabaseLogins } from './tenant-database.js';
import { scramSha256Verifier } from './scram-verifier.js';

const postgres = inject('postgres');
const server: ProvisioningServer = { id: 'test', ...postgres, database: 'postgres' };

async function connect(login: { host: string; port: number; user: string; password: string }, database: string) {
  const client = new pg.Client({ ...login, database });
  await client.connect();
  return client;
}

describe('provisionTenantDatabase', () => {
  let alpha: TenantDatabaseLogins;
  let beta: TenantDatabaseLogins;

  beforeAll(async () => {
    alpha = await provisionTenantDatabase(server, 'prov-alpha');
    beta = await provisionTenantDatabase(server, 'prov-beta');
    const owner = await connect(alpha.owner, alpha.owner.database);
    await owner.query('CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)');
    await owner.end();
  });

  afterAll(async () => {
    await dropTenantDatabase(server, 'prov-alpha');
    await dropTenantDatabase(server, 'prov-beta');
  });

  it('gives every role a distinct password of at least 32 bytes', () => {
    const passwords = [alpha.owner, alpha.app, alpha.readOnly, beta.owner, beta.app, beta.readOnly].map((l) => l.password);
    expect(new Set(passwords).size).toBe(6);
    for (const password of passwords) expect(Buffer.from(password, 'base64url').length).toBeGreaterThanOrEqual(32);
  });

  it('lets the app role write tables the owner creates', async () => {
    const app = await connect(alpha.app, alpha.app.database);
    await app.query("INSERT INTO items (name) VALUES ('written by app')");
    expect((await app.query('SELECT count(*)::int AS n FROM items')).rows[0].n).toBe(1);
    await app.end();
  });

  it('rejects an insert by the read-only role', async () => {
    const readOnly = await connect(alpha.readOnly, alpha.readOnly.database);
    await expect(readOnly.query("INSERT INTO items (name) VALUES ('x')")).rejects.toMatchObject({ code: '42501' });
    expect((await readOnly.query('SELECT count(*)::int AS n FROM items')).rows[0].n).toBeGreaterThanOrEqual(0);
    await readOnly.end();
  });

  it("rejects a connection by another tenant's app role", async () => {
    await expect(connect(beta.app, alpha.app.database)).rejects.toMatchObject({ code: '42501' });
  });

  it('rejects a connection to the maintenance database by a tenant role', async () => {
    await restrictServerDatabases(server);
    await expect(connect(alpha.app, 'postgres')).rejects.toMatchObject({ code: '42501' });
  });

  it('can run again and replaces the passwords', async () => {
    const again = await provisionTenantDatabase(server, 'prov-alpha');
    expect(again.app.password).not.toBe(alpha.app.password);
    const app = await connect(again.app, again.app.database);
    expect((await app.query('SELECT count(*)::int AS n FROM items')).rows[0].n).toBe(1);
    await app.end();
    alpha = again;
  });
});

describe('scramSha256Verifier', () => {
  it('matches the RFC 7677 test vector', () => {
    // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==.
    const verifier = scramSha256Verifier('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
    expect(verifier).toBe(
      'SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=',
    );
  });
});
