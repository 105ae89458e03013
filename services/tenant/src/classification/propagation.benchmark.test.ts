import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../test-support/tenant-fixture.js';
import { inTenantTransaction } from '../test-support/classification-model.js';
import { recomputeAll, recomputeFrom } from './propagation.js';

/**
 * Times propagation on 100,000 objects and 300,000 relations. It runs only
 * with ESM_BENCHMARK=1, because building the model takes about a minute,
 * and it prints its figures instead of asserting them, because they depend
 * on the machine.
 *
 * The model has 50 separate clusters. Each has 200 information objects
 * (with levels in all four dimensions), 1,000 applications and 800 servers,
 * joined by 1,200 `handled_in`, 3,600 `depends_on` and 1,200 `runs_on`
 * relations drawn at random within the cluster. One changed level therefore
 * reaches at most one cluster, about 1,600 objects.
 */
const CLUSTERS = 50;

describe.runIf(process.env.ESM_BENCHMARK === '1')('propagation benchmark', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTestTenant('classification-benchmark');
    await buildClusteredModel(tenant);
  }, 600_000);

  afterAll(async () => {
    await tenant?.close();
  });

  it('times full and incremental recomputation', async () => {
    const first = await timed(() => inTenantTransaction(tenant, recomputeAll));
    const full = await repeat(3, () => inTenantTransaction(tenant, recomputeAll));

    const information = await tenant.admin.query<{ id: string }>(
      "SELECT id FROM esm.objects WHERE type = 'information_object' AND name = 'info 0 0'",
    );
    const informationId = information.rows[0]!.id;
    // Each round moves the level between 0 and 4, so every round changes the whole cluster.
    let round = 0;
    const moved = await repeat(6, async () => {
      round += 1;
      await tenant.admin.query(
        "UPDATE esm.classification_assignments SET level = $2 WHERE object_id = $1 AND dimension = 'confidentiality'",
        [informationId, round % 2 === 1 ? 4 : 0],
      );
      return inTenantTransaction(tenant, (transaction) => recomputeFrom(transaction, [informationId]));
    });
    const unchanged = await repeat(5, () => inTenantTransaction(tenant, (transaction) => recomputeFrom(transaction, [informationId])));
    const region = await tenant.admin.query<{ count: number }>(
      `WITH RECURSIVE reached (id) AS (
         SELECT $1::uuid UNION SELECT r.target_id FROM reached JOIN esm.relations r ON r.source_id = reached.id
         JOIN esm.relation_types t ON t.key = r.type AND t.protection_flow = 'source_to_target')
       SELECT count(*)::int AS count FROM reached`,
      [informationId],
    );

    console.log(
      JSON.stringify(
        {
          loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 10) / 10),
          fullFromEmptyMs: first.milliseconds,
          rowsWrittenFromEmpty: first.result.changes,
          fullUnchangedMedianMs: full.medianMilliseconds,
          cycles: first.result.cycles.length,
          objectsDownstreamOfChange: region.rows[0]!.count,
          incrementalMovedMedianMs: moved.medianMilliseconds,
          levelChangesPerMove: moved.results.map((changes) => changes.length),
          incrementalUnchangedMedianMs: unchanged.medianMilliseconds,
        },
        null,
        2,
      ),
    );
    expect(full.results.map((result) => result.changes)).toEqual([0, 0, 0]);
    expect(unchanged.results.flat()).toEqual([]);
  }, 600_000);
});

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; milliseconds: number }> {
  const start = performance.now();
  const result = await work();
  return { result, milliseconds: Math.round(performance.now() - start) };
}

/** Runs `work` `times` times in a row and returns the results and the median duration. */
async function repeat<T>(times: number, work: () => Promise<T>): Promise<{ results: T[]; medianMilliseconds: number }> {
  const runs: { result: T; milliseconds: number }[] = [];
  for (let run = 0; run < times; run += 1) runs.push(await timed(work));
  const sorted = runs.map((run) => run.milliseconds).sort((a, b) => a - b);
  return { results: runs.map((run) => run.result), medianMilliseconds: sorted[Math.floor(sorted.length / 2)]! };
}

async function buildClusteredModel(tenant: TestTenant): Promise<void> {
  await tenant.admin.query(`
    INSERT INTO esm.objects (type, name)
    SELECT kind.type, kind.prefix || ' ' || cluster || ' ' || member
    FROM generate_series(0, ${CLUSTERS - 1}) AS cluster,
         (VALUES ('information_object', 'info', 200), ('application', 'app', 1000), ('server', 'server', 800)) AS kind (type, prefix, size),
         LATERAL generate_series(0, kind.size - 1) AS member`);
  await tenant.admin.query(`
    CREATE TEMPORARY TABLE members AS
    SELECT id, type, split_part(name, ' ', 2)::int AS cluster, split_part(name, ' ', 3)::int AS member FROM esm.objects`);
  await tenant.admin.query('CREATE INDEX ON members (type, cluster, member)');
  await tenant.admin.query(`
    INSERT INTO esm.relations (type, source_id, target_id)
    SELECT pick.type, s.id, t.id
    FROM (
      SELECT link.type, link.source_type, link.target_type, c.cluster,
             floor(random() * link.source_size)::int AS source_member,
             floor(random() * link.target_size)::int AS target_member
      FROM (VALUES ('handled_in', 'information_object', 200, 'application', 1000, 1200),
                   ('depends_on', 'application', 1000, 'application', 1000, 3600),
                   ('runs_on', 'application', 1000, 'server', 800, 1200))
             AS link (type, source_type, source_size, target_type, target_size, count),
           generate_series(0, ${CLUSTERS - 1}) AS c (cluster),
           LATERAL generate_series(1, link.count) AS draw
    ) pick
    JOIN members s ON s.type = pick.source_type AND s.cluster = pick.cluster AND s.member = pick.source_member
    JOIN members t ON t.type = pick.target_type AND t.cluster = pick.cluster AND t.member = pick.target_member`);
  await tenant.admin.query(`
    INSERT INTO esm.classification_assignments (object_id, dimension, level, justification)
    SELECT o.id, d.key, floor(random() * 4)::int, 'benchmark'
    FROM esm.objects o, esm.classification_dimensions d WHERE o.type = 'information_object'`);
  await tenant.admin.query('ANALYZE');
  const count = await tenant.admin.query<{ objects: number; relations: number }>(
    'SELECT (SELECT count(*)::int FROM esm.objects) AS objects, (SELECT count(*)::int FROM esm.relations) AS relations',
  );
  console.log(JSON.stringify(count.rows[0]));
}
