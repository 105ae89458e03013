import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from '../../db/transaction.js';
import { bearer, createTestTenant, createUserWithToken, type TestTenant } from '../../test-support/tenant-fixture.js';
import { listObjects, type ObjectListQuery } from './object-list.js';

/**
 * Times pages of 50 objects out of 100,000 through `GET /api/objects`, and
 * prints the scans in the query plans of each list (the whole plans with
 * ESM_BENCHMARK_PLANS=1). It runs only with ESM_BENCHMARK=1, because seeding
 * takes a while, and prints its figures instead of asserting them, because
 * they depend on the machine.
 *
 * The objects are spread evenly over six types; every application has a
 * lifecycle and a user count. Names and descriptions combine Swedish and
 * English words, so common search words match tens of thousands of rows and
 * rare ones a handful.
 */
const OBJECT_COUNT = 100_000;
const RUNS_PER_QUERY = 5;

const QUERIES: [string, string][] = [
  ['all, by name', 'sort=name'],
  ['all, by type', 'sort=type'],
  ['one type, by name', 'type=application&sort=name'],
  ['one type, newest first', 'type=application&sort=-updatedAt'],
  ['choice filter', 'type=application&attribute.lifecycle=in_use&sort=name'],
  ['number range', 'type=application&attribute.user_count.min=100&attribute.user_count.max=200&sort=name'],
  ['common search word', 'q=avtal&sort=name'],
  ['rare search word', 'q=objekt4711&sort=name'],
  ['search prefix, newest first', 'q=serv&sort=-updatedAt'],
];

describe.runIf(process.env.ESM_BENCHMARK === '1')('object list benchmark', () => {
  let tenant: TestTenant;
  let token: string;

  beforeAll(async () => {
    tenant = await createTestTenant('object-list-benchmark');
    token = (await createUserWithToken(tenant, 'read')).token;
    await seedObjects(tenant);
  }, 600_000);

  afterAll(async () => {
    await tenant?.close();
  });

  it('times the first and the second page of each list', async () => {
    const rows: Record<string, string | number>[] = [];
    for (const [name, query] of QUERIES) {
      const first = await timePage(`${query}&limit=50`);
      const next = first.body.next as string | null;
      const second = next ? await timePage(`${query}&limit=50&after=${next}`) : null;
      rows.push({
        query: name,
        rows: first.body.objects.length,
        'first page ms (median)': first.medianMs,
        'second page ms (median)': second?.medianMs ?? '-',
        plan: await planOf(query),
      });
    }
    console.table(rows);
    expect(rows).toHaveLength(QUERIES.length);
  }, 600_000);

  async function timePage(query: string): Promise<{ medianMs: number; body: { objects: unknown[]; next: string | null } }> {
    const durations: number[] = [];
    let body: { objects: unknown[]; next: string | null } = { objects: [], next: null };
    for (let run = 0; run < RUNS_PER_QUERY; run += 1) {
      const start = performance.now();
      const response = await tenant.app.inject({ method: 'GET', url: `/api/objects?${query}`, headers: bearer(token) });
      durations.push(performance.now() - start);
      expect(response.statusCode, response.body).toBe(200);
      body = response.json();
    }
    durations.sort((a, b) => a - b);
    return { medianMs: Math.round(durations[Math.floor(durations.length / 2)]! * 10) / 10, body };
  }

  /**
   * Runs the list query in a transaction that explains each statement on
   * objects before running it, and returns the scan nodes of those plans,
   * such as `Index Scan using objects_name_id`, one statement after another.
   */
  async function planOf(query: string): Promise<string> {
    const parameters = new URLSearchParams(query);
    const listQuery: ObjectListQuery = {
      type: parameters.get('type') ?? undefined,
      q: parameters.get('q') ?? undefined,
      sort: (parameters.get('sort') ?? 'name') as ObjectListQuery['sort'],
      limit: 50,
      attributeFilters: [...parameters].filter(([key]) => key.startsWith('attribute.')).map(([key, value]) => ({ name: key.slice('attribute.'.length), value })),
    };
    const client = await tenant.admin.connect();
    const plans: string[] = [];
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL search_path = esm');
      const explaining = {
        query: async (sql: string, values?: unknown[]) => {
          if (sql.includes('FROM objects')) {
            const plan = await client.query(`EXPLAIN (ANALYZE, FORMAT TEXT) ${sql}`, values);
            const lines = plan.rows.map((row) => String(row['QUERY PLAN']));
            if (process.env.ESM_BENCHMARK_PLANS === '1') console.log(`${sql}\n${lines.join('\n')}`);
            plans.push(lines.filter((line) => /Scan|Sort/.test(line)).map((line) => line.trim().replace(/^->\s*/, '').replace(/\s+\(cost.*$/, '')).join(', '));
          }
          return client.query(sql, values);
        },
      } as unknown as Transaction;
      await listObjects(explaining, listQuery);
      return plans.join(' / then ');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }
});

/** Inserts OBJECT_COUNT objects in one statement and analyses the table. */
async function seedObjects(tenant: TestTenant): Promise<void> {
  await tenant.admin.query(`
    WITH words AS (
      SELECT ARRAY['avtal', 'avtalet', 'kund', 'leverantör', 'server', 'servrar', 'contract', 'supplier', 'customer',
                   'register', 'drift', 'backup', 'nätverk', 'portal', 'ekonomi', 'personal'] AS list
    )
    INSERT INTO esm.objects (type, name, description, attributes, updated_at)
    SELECT (ARRAY['application', 'server', 'process', 'information_object', 'partner', 'network'])[1 + n % 6] AS type,
           initcap(list[1 + n % 16]) || ' ' || list[1 + (n / 16) % 16] || ' objekt' || n,
           'Beskrivning av ' || list[1 + (n / 7) % 16] || ' och ' || list[1 + (n / 3) % 16] || '.',
           CASE WHEN n % 6 = 0 THEN jsonb_build_object(
                  'lifecycle', (ARRAY['planned', 'in_use', 'phasing_out', 'retired'])[1 + (n / 6) % 4],
                  'user_count', (n * 7919) % 5000)
                ELSE '{}'::jsonb END,
           now() - (n || ' seconds')::interval
    FROM generate_series(1, ${OBJECT_COUNT}) AS n, words
  `);
  await tenant.admin.query('ANALYZE esm.objects');
}
