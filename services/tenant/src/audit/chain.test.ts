import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, inspectAuditSchema, walkAuditChain, type AuditChainReport } from '@esm/common';
import { dropTenantDatabase, provisionTenantDatabase } from '../../../admin/src/provisioning/tenant-database.js';
import { runMigrations } from '../db/migrate.js';
import { bearer, createTestTenant, createUserWithToken, provisioningServer, type TestTenant } from '../test-support/tenant-fixture.js';
import { verifyAuditChain } from './verify-chain.js';

const ZERO_HASH = Buffer.alloc(32);
const silent = createLogger('audit-chain-test', { level: 'silent' });

interface StoredEntry {
  id: string;
  previous_hash: Buffer;
  hash: Buffer;
}

async function storedChain(pool: pg.Pool): Promise<StoredEntry[]> {
  // The order names the bigint column: the output column id is text and would sort "10" before "9".
  const result = await pool.query<StoredEntry>(
    'SELECT entry.id::text AS id, entry.previous_hash, entry.hash FROM esm.audit_entries AS entry ORDER BY entry.id',
  );
  return result.rows;
}

/** Runs `tamper` as the superuser with triggers off, walks the chain in the same transaction and rolls both back. */
async function walkAfter(pool: pg.Pool, tamper: (client: pg.PoolClient) => Promise<void>): Promise<AuditChainReport> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // The superuser's replica mode skips ordinary triggers, including the append-only one.
    await client.query('SET LOCAL session_replication_role = replica');
    await tamper(client);
    return await walkAuditChain(client);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('audit chain', () => {
  let tenant: TestTenant;
  let writer: string;

  beforeAll(async () => {
    tenant = await createTestTenant('chain');
    writer = (await createUserWithToken(tenant, 'write')).token;
    for (const name of ['first', 'second', 'third']) {
      const response = await tenant.app.inject({ method: 'POST', url: '/api/objects', headers: bearer(writer), payload: { type: 'process', name } });
      expect(response.statusCode).toBe(201);
    }
  });

  afterAll(async () => tenant.close());

  const database = () => ({ pool: tenant.admin, readOnlyRole: tenant.secret.database.readOnly.user });

  it('links each entry to the one before it', async () => {
    const chain = await storedChain(tenant.admin);
    expect(chain.length).toBeGreaterThanOrEqual(3);
    expect(chain[0]!.previous_hash.equals(ZERO_HASH)).toBe(true);
    for (let index = 1; index < chain.length; index += 1) {
      expect(chain[index]!.previous_hash.equals(chain[index - 1]!.hash), `entry ${chain[index]!.id}`).toBe(true);
    }
  });

  it('hashes the previous hash and the content', async () => {
    const result = await tenant.admin.query<{ matches: boolean }>(
      `SELECT bool_and(entry.hash = sha256(entry.previous_hash || esm.audit_entry_content(entry))) AS matches FROM esm.audit_entries AS entry`,
    );
    expect(result.rows[0]!.matches).toBe(true);
  });

  it('reports an intact chain with its head', async () => {
    const chain = await storedChain(tenant.admin);
    const report = await verifyAuditChain(database());
    expect(report).toEqual({
      entries: chain.length,
      firstBroken: null,
      head: { id: chain.at(-1)!.id, hash: chain.at(-1)!.hash.toString('hex') },
    });
  });

  it('keeps one chain under 50 concurrent writes', async () => {
    const before = (await storedChain(tenant.admin)).length;

    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        tenant.app.inject({ method: 'POST', url: '/api/objects', headers: bearer(writer), payload: { type: 'process', name: `parallel ${index}` } }),
      ),
    );

    expect(responses.map((response) => response.statusCode)).toEqual(Array(50).fill(201));
    const report = await verifyAuditChain(database());
    expect(report.firstBroken).toBeNull();
    expect(report.entries).toBe(before + 50);
    const forks = await tenant.admin.query<{ entries: number; links: number }>(
      'SELECT count(*)::int AS entries, count(DISTINCT previous_hash)::int AS links FROM esm.audit_entries',
    );
    expect(forks.rows[0]!.links).toBe(forks.rows[0]!.entries);
  });

  it('keeps one chain when writers hold their transactions open', async () => {
    // Each writer sleeps after its insert and before its commit, so without
    // the trigger's lock the next writers would read a head that is not the newest.
    const clients = await Promise.all(Array.from({ length: 12 }, () => new pg.Client(tenant.secret.database.app)));
    await Promise.all(clients.map((client) => client.connect()));
    try {
      await Promise.all(
        clients.map(async (client, index) => {
          await client.query('BEGIN');
          await client.query(`INSERT INTO audit_entries (action, entity_type, summary) VALUES ('object.created', 'object', $1)`, [`slow ${index}`]);
          await client.query('SELECT pg_sleep(0.05)');
          await client.query('COMMIT');
        }),
      );
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }

    const report = await verifyAuditChain(database());
    expect(report.firstBroken).toBeNull();
    const slow = await tenant.admin.query<{ count: number }>("SELECT count(*)::int AS count FROM esm.audit_entries WHERE summary LIKE 'slow %'");
    expect(slow.rows[0]!.count).toBe(12);
  });

  it('replaces an id and hash given by the writer', async () => {
    const app = new pg.Client(tenant.secret.database.app);
    await app.connect();
    try {
      const inserted = await app.query<{ id: string; hash: Buffer }>(
        `INSERT INTO audit_entries (id, action, entity_type, summary, previous_hash, hash)
         VALUES (1, 'object.created', 'object', 'forged', $1, $1) RETURNING id::text AS id, hash`,
        [ZERO_HASH],
      );
      const chain = await storedChain(tenant.admin);
      expect(inserted.rows[0]!.id).toBe(chain.at(-1)!.id);
      expect(inserted.rows[0]!.hash.equals(ZERO_HASH)).toBe(false);
      expect((await verifyAuditChain(database())).firstBroken).toBeNull();
    } finally {
      await app.end();
    }
  });

  it('rejects an insert in a REPEATABLE READ transaction', async () => {
    const app = new pg.Client(tenant.secret.database.app);
    await app.connect();
    try {
      await app.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await expect(
        app.query(`INSERT INTO audit_entries (action, entity_type, summary) VALUES ('object.created', 'object', 'snapshot')`),
      ).rejects.toMatchObject({ code: '25000' });
    } finally {
      await app.query('ROLLBACK');
      await app.end();
    }
  });

  it('finds an entry whose summary was changed', async () => {
    const chain = await storedChain(tenant.admin);
    const target = chain[2]!.id;

    const report = await walkAfter(tenant.admin, async (client) => {
      await client.query(`UPDATE esm.audit_entries SET summary = 'rewritten' WHERE id = $1`, [target]);
    });

    expect(report.firstBroken).toEqual({ id: target, reason: 'hash' });
  });

  it('finds the entry after a deleted one', async () => {
    const chain = await storedChain(tenant.admin);

    const report = await walkAfter(tenant.admin, async (client) => {
      await client.query('DELETE FROM esm.audit_entries WHERE id = $1', [chain[3]!.id]);
    });

    expect(report.firstBroken).toEqual({ id: chain[4]!.id, reason: 'link' });
    expect(report.entries).toBe(chain.length - 1);
  });

  it('finds a removed first entry', async () => {
    const chain = await storedChain(tenant.admin);

    const report = await walkAfter(tenant.admin, async (client) => {
      await client.query('DELETE FROM esm.audit_entries WHERE id = $1', [chain[0]!.id]);
    });

    expect(report.firstBroken).toEqual({ id: chain[1]!.id, reason: 'link' });
  });

  it('misses a consistent rewrite without anchors', async () => {
    // Recomputing every hash leaves a chain that verifies by itself. admin's anchors find this case.
    const chain = await storedChain(tenant.admin);

    const report = await walkAfter(tenant.admin, async (client) => {
      await client.query(`UPDATE esm.audit_entries SET summary = 'rewritten' WHERE id = $1`, [chain[1]!.id]);
      await rehashChain(client);
    });

    expect(report.firstBroken).toBeNull();
    expect(report.head?.id).toBe(chain.at(-1)!.id);
    expect(report.head?.hash).not.toBe(chain.at(-1)!.hash.toString('hex'));
  });

  it('passes the body check of the content function', async () => {
    const client = await tenant.admin.connect();
    try {
      await client.query('BEGIN');
      expect(await inspectAuditSchema(client)).toEqual({ kind: 'intact' });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('audit chain migration', () => {
  const server = provisioningServer();
  const name = `chain-backfill-${Date.now().toString(36)}`;
  let pool: pg.Pool;

  afterAll(async () => {
    await pool?.end();
    await dropTenantDatabase(server, name);
  });

  it('hashes entries written before it in id order', async () => {
    const logins = await provisionTenantDatabase(server, name);
    const roles = { app: logins.app.user, readOnly: logins.readOnly.user };
    const migrations = (await readdir(path.join(path.dirname(fileURLToPath(import.meta.url)), '../db/migrations')))
      .filter((file) => /^\d{3}-.*\.ts$/.test(file) && !file.endsWith('.d.ts'))
      .sort();
    const before = migrations.indexOf('005-audit-chain.ts');
    expect(before).toBeGreaterThan(0);
    await runMigrations(logins.owner, roles, silent, { count: before });

    const app = new pg.Client(logins.app);
    await app.connect();
    for (const summary of ['old one', 'old two', 'old three']) {
      await app.query(`INSERT INTO audit_entries (action, entity_type, summary) VALUES ('object.created', 'object', $1)`, [summary]);
    }
    await app.end();
    await runMigrations(logins.owner, roles, silent);

    pool = new pg.Pool({ ...server, database: logins.owner.database, max: 2 });
    const chain = await storedChain(pool);
    expect(chain.map((entry) => entry.id)).toEqual(['1', '2', '3']);
    expect(chain[0]!.previous_hash.equals(ZERO_HASH)).toBe(true);
    const appPool = new pg.Pool(logins.app);
    try {
      const report = await verifyAuditChain({ pool: appPool, readOnlyRole: logins.readOnly.user });
      expect(report).toEqual({ entries: 3, firstBroken: null, head: { id: '3', hash: chain[2]!.hash.toString('hex') } });
    } finally {
      await appPool.end();
    }
  });
});

/** Recomputes every hash in id order, as an attacker with the owner role could. */
async function rehashChain(client: pg.PoolClient | pg.Client): Promise<void> {
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
}
