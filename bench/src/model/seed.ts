import type pg from 'pg';
import { percentReporter } from '../progress.js';
import type { GeneratedModel } from './generator.js';

// Rows per INSERT … SELECT FROM unnest(…): large enough that round trips do
// not dominate, small enough that progress lines come every few seconds.
const BATCH_ROWS = 5_000;

/**
 * Inserts a generated model into a migrated tenant database with the owner
 * login, in batches of unnest arrays. Objects and relations go in without
 * audit entries, as an import's rows would. The database's triggers on
 * relations still check the ends of every batch against the relation
 * types. Finishes with ANALYZE, so the planner's statistics match the tables.
 */
export async function seedModel(owner: pg.Pool, model: GeneratedModel, suite: string): Promise<void> {
  const { objects, relations, levels } = model;

  const objectProgress = percentReporter(suite, 'inserting objects', objects.length);
  for (let start = 0; start < objects.length; start += BATCH_ROWS) {
    const batch = objects.slice(start, start + BATCH_ROWS);
    await owner.query(
      `INSERT INTO esm.objects (id, type, name, description, attributes, external_id, created_at, updated_at)
       SELECT id, type, name, description, attributes, external_id, updated_at - interval '30 days', updated_at
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::timestamptz[])
         AS batch (id, type, name, description, attributes, external_id, updated_at)`,
      [
        batch.map((object) => object.id),
        batch.map((object) => object.type),
        batch.map((object) => object.name),
        batch.map((object) => object.description),
        batch.map((object) => JSON.stringify(object.attributes)),
        batch.map((object) => object.externalId),
        batch.map((object) => object.updatedAt.toISOString()),
      ],
    );
    objectProgress(start + batch.length);
  }

  for (let start = 0; start < levels.length; start += BATCH_ROWS) {
    const batch = levels.slice(start, start + BATCH_ROWS);
    await owner.query(
      `INSERT INTO esm.classification_assignments (object_id, dimension, level, justification)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[])`,
      [
        batch.map((level) => objects[level.object]!.id),
        batch.map((level) => level.dimension),
        batch.map((level) => level.level),
        batch.map((level) => level.justification),
      ],
    );
  }

  const relationProgress = percentReporter(suite, 'inserting relations', relations.length);
  for (let start = 0; start < relations.length; start += BATCH_ROWS) {
    const batch = relations.slice(start, start + BATCH_ROWS);
    await owner.query(
      `INSERT INTO esm.relations (id, type, source_id, target_id)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[])`,
      [
        batch.map((relation) => relation.id),
        batch.map((relation) => relation.type),
        batch.map((relation) => objects[relation.source]!.id),
        batch.map((relation) => objects[relation.target]!.id),
      ],
    );
    relationProgress(start + batch.length);
  }

  await owner.query('ANALYZE esm.objects, esm.relations, esm.classification_assignments, esm.inherited_levels');
}
