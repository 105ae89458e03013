import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../test-support/tenant-fixture.js';
import {
  inTenantTransaction,
  insertAssignment,
  insertObject,
  insertObjects,
  insertRelation,
  readEffectiveLevels,
  readInheritedLevels,
} from '../test-support/classification-model.js';
import { previewRemoval, recomputeAll, recomputeFrom, type LevelChange } from './propagation.js';

let tenant: TestTenant;

beforeAll(async () => {
  tenant = await createTestTenant('classification-propagation');
});

afterAll(async () => {
  await tenant?.close();
});

/** Runs recomputeAll in a transaction that is rolled back, and returns what it would write. */
async function fullRecomputation(): Promise<{ changes: number; rows: string[]; cycles: string[][] }> {
  const client = await tenant.admin.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL search_path TO esm');
    const { changes, cycles } = await recomputeAll(client);
    const rows = await client.query<{ row: string }>(
      `SELECT concat_ws(' ', object_id, dimension, level, source_object_id, via_relation_id, via_object_id, path_length) AS row
       FROM inherited_levels ORDER BY object_id, dimension`,
    );
    return { changes, rows: rows.rows.map((row) => row.row), cycles };
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('propagation', () => {
  it('cycle: objects in it get the highest level and the cycle is reported', async () => {
    const process = await insertObject(tenant, 'process', 'Case handling');
    const information = await insertObject(tenant, 'information_object', 'Case files');
    const applicationA = await insertObject(tenant, 'application', 'Case system');
    const applicationB = await insertObject(tenant, 'application', 'Archive');
    await insertRelation(tenant, 'uses_information', process, information);
    await insertRelation(tenant, 'handled_in', information, applicationA);
    await insertRelation(tenant, 'depends_on', applicationA, applicationB);
    await insertRelation(tenant, 'depends_on', applicationB, applicationA);
    await insertRelation(tenant, 'depends_on', applicationA, applicationA);
    await insertAssignment(tenant, information, 'confidentiality', 3);
    await insertAssignment(tenant, information, 'integrity', 2);
    await insertAssignment(tenant, information, 'availability', 2);

    const changes = await inTenantTransaction(tenant, (transaction) => recomputeFrom(transaction, [information]));

    const expected = { confidentiality: 3, integrity: 2, availability: 2 };
    expect(await readEffectiveLevels(tenant, applicationA)).toEqual(expected);
    expect(await readEffectiveLevels(tenant, applicationB)).toEqual(expected);
    expect(await readEffectiveLevels(tenant, process)).toEqual({});
    expect(changes).toHaveLength(6);
    const { cycles } = await fullRecomputation();
    expect(cycles).toContainEqual([applicationA, applicationB].sort());
  });

  it('previewRemoval lists the application whose level drops and writes nothing', async () => {
    const high = await insertObject(tenant, 'information_object', 'Patient records');
    const low = await insertObject(tenant, 'information_object', 'Opening hours');
    const application = await insertObject(tenant, 'application', 'Journal system');
    const server = await insertObject(tenant, 'server', 'Journal server');
    await insertRelation(tenant, 'handled_in', high, application);
    await insertRelation(tenant, 'handled_in', low, application);
    await insertRelation(tenant, 'runs_on', application, server);
    await insertAssignment(tenant, high, 'confidentiality', 4);
    await insertAssignment(tenant, low, 'confidentiality', 1);
    await inTenantTransaction(tenant, (transaction) => recomputeFrom(transaction, [high, low]));
    const rowsBefore = await readInheritedLevels(tenant);

    const preview = await inTenantTransaction(tenant, (transaction) =>
      previewRemoval(transaction, { objectIds: [high], relationIds: [] }),
    );

    expect(preview).toContainEqual({ objectId: application, dimension: 'confidentiality', before: 4, after: 1 });
    expect(preview).toContainEqual({ objectId: server, dimension: 'confidentiality', before: 4, after: 1 });
    expect(preview).toHaveLength(2);
    expect(await readInheritedLevels(tenant)).toEqual(rowsBefore);

    // Deleting for real moves the levels the preview listed. The delete
    // already removed the rows that came from the object, so `before` is null.
    const changes = await inTenantTransaction(tenant, async (transaction) => {
      await transaction.query('DELETE FROM objects WHERE id = $1', [high]);
      return recomputeFrom(transaction, [application]);
    });
    const withoutBefore = (list: LevelChange[]) => list.map(({ before: _before, ...rest }) => rest).sort(byObject);
    expect(withoutBefore(changes)).toEqual(withoutBefore(preview));
    expect(await readEffectiveLevels(tenant, application)).toEqual({ confidentiality: 1 });
  });

  it('previewRemoval of a relation lists what it alone carried', async () => {
    const information = await insertObject(tenant, 'information_object', 'Salaries');
    const application = await insertObject(tenant, 'application', 'Payroll');
    const relation = await insertRelation(tenant, 'handled_in', information, application);
    await insertAssignment(tenant, information, 'integrity', 3);
    await inTenantTransaction(tenant, (transaction) => recomputeFrom(transaction, [information]));

    const preview = await inTenantTransaction(tenant, (transaction) =>
      previewRemoval(transaction, { objectIds: [], relationIds: [relation] }),
    );

    expect(preview).toEqual([{ objectId: application, dimension: 'integrity', before: 3, after: null }]);
    expect(await readEffectiveLevels(tenant, application)).toEqual({ integrity: 3 });
  });

  it('incremental recomputation writes exactly the rows of a full one', async () => {
    // Levels travel from an application to the server that hosts it, against the relation.
    await tenant.admin.query(
      `INSERT INTO esm.relation_types (key, name_sv, reverse_name_sv, name_en, reverse_name_en, protection_flow)
       VALUES ('hosts', 'är värd för', 'har värd', 'hosts', 'is hosted by', 'target_to_source')`,
    );
    const counts = { information: 40, application: 200, server: 60 };
    const information = await insertObjects(tenant, 'information_object', names('info', counts.information));
    const applications = await insertObjects(tenant, 'application', names('app', counts.application));
    const servers = await insertObjects(tenant, 'server', names('server', counts.server));

    const random = randomSource(7);
    const relationTypes = [
      { type: 'handled_in', sources: information, targets: applications },
      { type: 'depends_on', sources: applications, targets: applications },
      { type: 'hosts', sources: servers, targets: applications },
      { type: 'uses_information', sources: information, targets: information },
    ];
    const relations: string[] = [];
    const addRandomRelation = async (): Promise<string[]> => {
      const { type, sources, targets } = relationTypes[random(relationTypes.length)]!;
      const source = sources[random(sources.length)]!;
      const target = targets[random(targets.length)]!;
      relations.push(await insertRelation(tenant, type, source, target));
      return [source, target];
    };
    for (let index = 0; index < 700; index += 1) await addRandomRelation();
    const dimensions = ['confidentiality', 'integrity', 'availability', 'traceability'];
    for (const id of information) {
      for (const dimension of dimensions) {
        if (random(4) > 0) await insertAssignment(tenant, id, dimension, random(5));
      }
    }
    for (let index = 0; index < 20; index += 1) {
      await insertAssignment(tenant, applications[random(applications.length)]!, dimensions[random(4)]!, random(5));
    }
    await inTenantTransaction(tenant, (transaction) => recomputeAll(transaction));
    expect((await fullRecomputation()).cycles.length).toBeGreaterThan(0);

    const objects = [...information, ...applications, ...servers];
    for (let step = 1; step <= 60; step += 1) {
      const changed = await applyRandomChange(random, objects, relations, dimensions, addRandomRelation);
      await inTenantTransaction(tenant, (transaction) => recomputeFrom(transaction, changed));

      if (step % 10 === 0) {
        const incremental = await readInheritedLevels(tenant);
        const full = await fullRecomputation();
        expect(full.rows).toEqual(incremental);
        expect(full.changes).toBe(0);
      }
    }
  });
});

function byObject(a: { objectId: string }, b: { objectId: string }): number {
  return a.objectId < b.objectId ? -1 : 1;
}

function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix} ${index}`);
}

/** Returns a function that draws whole numbers below its argument from a fixed seed. */
function randomSource(seed: number): (below: number) => number {
  const draws = fc.sample(fc.noBias(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })), { seed, numRuns: 20_000 });
  let next = 0;
  return (below) => {
    const draw = draws[next % draws.length]!;
    next += 1;
    return Math.floor(draw * below);
  };
}

/**
 * Makes one random change as the other parts would, and returns the objects
 * they pass to recomputeFrom: both ends of a new or deleted relation, the
 * object whose level changed, or the neighbours of a deleted object.
 */
async function applyRandomChange(
  random: (below: number) => number,
  objects: string[],
  relations: string[],
  dimensions: string[],
  addRandomRelation: () => Promise<string[]>,
): Promise<string[]> {
  const kind = random(5);
  if (kind === 0) return addRandomRelation();

  if (kind === 1 && relations.length > 0) {
    const [relation] = relations.splice(random(relations.length), 1);
    const deleted = await tenant.admin.query<{ source_id: string; target_id: string }>(
      'DELETE FROM esm.relations WHERE id = $1 RETURNING source_id, target_id',
      [relation],
    );
    return deleted.rows.flatMap((row) => [row.source_id, row.target_id]);
  }

  const object = objects[random(objects.length)]!;
  const dimension = dimensions[random(dimensions.length)]!;
  if (kind === 2) {
    await insertAssignment(tenant, object, dimension, random(5));
    return [object];
  }
  if (kind === 3) {
    await tenant.admin.query('DELETE FROM esm.classification_assignments WHERE object_id = $1 AND dimension = $2', [object, dimension]);
    return [object];
  }

  const neighbours = await tenant.admin.query<{ id: string; relation: string }>(
    `SELECT CASE WHEN source_id = $1 THEN target_id ELSE source_id END AS id, id AS relation
     FROM esm.relations WHERE source_id = $1 OR target_id = $1`,
    [object],
  );
  await tenant.admin.query('DELETE FROM esm.objects WHERE id = $1', [object]);
  objects.splice(objects.indexOf(object), 1);
  for (const row of neighbours.rows) {
    const index = relations.indexOf(row.relation);
    if (index >= 0) relations.splice(index, 1);
  }
  return neighbours.rows.map((row) => row.id);
}
