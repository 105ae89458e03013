import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Indexes the audit log by the objects each entry is about, so that
 * `GET /api/audit?objectId=` reads one object's history through an index.
 * `esm.audit_entry_object_ids` returns the ids of those objects from the
 * columns each writer fills:
 * - `object` and `classification` entries: `entity_id`, the object's id;
 * - `statement` entries: the object id before the slash in
 *   `entity_id` (`<object id>/<requirement id>`);
 * - `relation` entries: `sourceId` and `targetId` of `after` (created) or
 *   `before` (deleted).
 * Other entries, imports among them, name no object and get an empty array.
 *
 * The audit chain is not touched: the content function and the triggers
 * stay as migration 005 made them, and an index adds no column to an entry.
 *
 * NOTE: the GIN index stores what the function returned when each entry was
 * written. A migration that changes the function must drop and create the
 * index again, or old entries keep the ids of the old definition.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  // IMMUTABLE is true: the result depends on the arguments alone. The fixed
  // search_path keeps a caller's objects from changing what the index holds.
  pgm.sql(`
    CREATE FUNCTION audit_entry_object_ids(entity_type text, entity_id text, before jsonb, after jsonb) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    AS $ids$
      SELECT CASE entity_type
        WHEN 'object' THEN array_remove(ARRAY[entity_id], NULL)
        WHEN 'classification' THEN array_remove(ARRAY[entity_id], NULL)
        WHEN 'statement' THEN array_remove(ARRAY[nullif(split_part(entity_id, '/', 1), '')], NULL)
        WHEN 'relation' THEN array_remove(
          ARRAY[before ->> 'sourceId', before ->> 'targetId', after ->> 'sourceId', after ->> 'targetId'], NULL)
        ELSE ARRAY[]::text[]
      END
    $ids$;

    CREATE INDEX audit_entries_object_ids ON audit_entries
      USING gin (audit_entry_object_ids(entity_type, entity_id, before, after));
  `);
}

// The schema is never rolled back: a tenant's data is restored from a backup instead.
export const down = false;
