import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Makes the database itself reject a relation whose end objects do not have
 * types its relation type allows, whatever order of writes leads there:
 * inserting or changing a relation, changing an object's type, or narrowing
 * a relation type's allowed ends. Each check raises SQLSTATE `ES001` (a class
 * PostgreSQL does not use) with a DETAIL of JSON
 * `{ "relation", "type", "sourceType", "targetType" }` for the first relation
 * that breaks the rule; the tenant maps it to 422 RELATION_NOT_ALLOWED.
 *
 * Each check locks what it reads FOR SHARE: the relation types, and for new
 * or changed relations the end objects. A concurrent change of an object's
 * type or of a relation type's ends holds a row lock that conflicts, so one
 * of two racing transactions waits for the other and then checks against
 * the committed state.
 *
 * Also adds the relation types that ArchiMate imports use, allowed between
 * objects of any type, and an index on the ArchiMate identifier that
 * relations keep in their attributes.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(RELATION_END_CHECKS);
  pgm.sql(ARCHIMATE_RELATION_TYPES);
  // A re-import finds the relations of its file by their ArchiMate identifier.
  pgm.sql("CREATE INDEX relations_archimate_identifier ON relations ((attributes ->> 'archimate:identifier'))");
}

// The schema is never rolled back: a tenant's data is restored from a backup instead.
export const down = false;

// The functions run with the caller's rights, so the app role needs UPDATE
// on objects and relation_types for the FOR SHARE locks, which it has. A
// fixed search_path with pg_temp last keeps a caller's objects from
// replacing the tables the functions read.
const RELATION_END_CHECKS = `
  CREATE FUNCTION raise_relation_not_allowed(relation_id uuid, relation_type text, source_type text, target_type text)
    RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $raise$
  BEGIN
    RAISE EXCEPTION 'relation type % does not allow a relation from type % to type %', relation_type, source_type, target_type
      USING ERRCODE = 'ES001',
            DETAIL = pg_catalog.jsonb_build_object(
              'relation', relation_id, 'type', relation_type, 'sourceType', source_type, 'targetType', target_type)::text;
  END
  $raise$;

  -- Statement level with a transition table, so a bulk insert of an import
  -- costs three set queries instead of three lookups per row.
  CREATE FUNCTION check_new_relation_ends() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $check$
  DECLARE
    broken record;
  BEGIN
    PERFORM 1 FROM esm.relation_types
      WHERE key IN (SELECT type FROM new_relations) ORDER BY key FOR SHARE;
    PERFORM 1 FROM esm.objects
      WHERE id IN (SELECT source_id FROM new_relations UNION SELECT target_id FROM new_relations) ORDER BY id FOR SHARE;

    SELECT r.id, r.type, s.type AS source_type, t.type AS target_type INTO broken
    FROM new_relations r
    JOIN esm.relation_types rt ON rt.key = r.type
    JOIN esm.objects s ON s.id = r.source_id
    JOIN esm.objects t ON t.id = r.target_id
    WHERE (rt.source_types IS NOT NULL AND s.type <> ALL (rt.source_types))
       OR (rt.target_types IS NOT NULL AND t.type <> ALL (rt.target_types))
    LIMIT 1;
    IF FOUND THEN
      PERFORM esm.raise_relation_not_allowed(broken.id, broken.type, broken.source_type, broken.target_type);
    END IF;
    RETURN NULL;
  END
  $check$;

  CREATE TRIGGER relations_check_ends_on_insert AFTER INSERT ON relations
    REFERENCING NEW TABLE AS new_relations
    FOR EACH STATEMENT EXECUTE FUNCTION check_new_relation_ends();
  -- PostgreSQL allows no column list on a trigger with a transition table, so every update is checked.
  CREATE TRIGGER relations_check_ends_on_update AFTER UPDATE ON relations
    REFERENCING NEW TABLE AS new_relations
    FOR EACH STATEMENT EXECUTE FUNCTION check_new_relation_ends();

  CREATE FUNCTION check_relations_of_retyped_object() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $check$
  DECLARE
    broken record;
  BEGIN
    PERFORM 1 FROM esm.relation_types
      WHERE key IN (SELECT type FROM esm.relations WHERE source_id = NEW.id OR target_id = NEW.id) ORDER BY key FOR SHARE;

    SELECT r.id, r.type, s.type AS source_type, t.type AS target_type INTO broken
    FROM esm.relations r
    JOIN esm.relation_types rt ON rt.key = r.type
    JOIN esm.objects s ON s.id = r.source_id
    JOIN esm.objects t ON t.id = r.target_id
    WHERE (r.source_id = NEW.id OR r.target_id = NEW.id)
      AND ((rt.source_types IS NOT NULL AND s.type <> ALL (rt.source_types))
        OR (rt.target_types IS NOT NULL AND t.type <> ALL (rt.target_types)))
    LIMIT 1;
    IF FOUND THEN
      PERFORM esm.raise_relation_not_allowed(broken.id, broken.type, broken.source_type, broken.target_type);
    END IF;
    RETURN NULL;
  END
  $check$;

  CREATE TRIGGER objects_check_relations_on_type_change AFTER UPDATE OF type ON objects
    FOR EACH ROW WHEN (OLD.type IS DISTINCT FROM NEW.type)
    EXECUTE FUNCTION check_relations_of_retyped_object();

  CREATE FUNCTION check_relations_of_changed_relation_type() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $check$
  DECLARE
    broken record;
  BEGIN
    SELECT r.id, r.type, s.type AS source_type, t.type AS target_type INTO broken
    FROM esm.relations r
    JOIN esm.objects s ON s.id = r.source_id
    JOIN esm.objects t ON t.id = r.target_id
    WHERE r.type = NEW.key
      AND ((NEW.source_types IS NOT NULL AND s.type <> ALL (NEW.source_types))
        OR (NEW.target_types IS NOT NULL AND t.type <> ALL (NEW.target_types)))
    LIMIT 1;
    IF FOUND THEN
      PERFORM esm.raise_relation_not_allowed(broken.id, broken.type, broken.source_type, broken.target_type);
    END IF;
    RETURN NULL;
  END
  $check$;

  CREATE TRIGGER relation_types_check_relations_on_ends_change AFTER UPDATE OF source_types, target_types ON relation_types
    FOR EACH ROW WHEN (OLD.source_types IS DISTINCT FROM NEW.source_types OR OLD.target_types IS DISTINCT FROM NEW.target_types)
    EXECUTE FUNCTION check_relations_of_changed_relation_type();
`;

// Allowed between any types, because ArchiMate allows most relationships
// between most elements. The protection flow follows dependency: the
// element that accesses, is assigned to, realizes, serves or contains
// another must protect that element's information, so levels travel from
// the target to the source. Serving and realization between layers work the
// same way: a node or system software that serves or realizes an
// application component, and an application that realizes or serves a
// business process, inherit what the served or realized element needs.
// Flow and triggering connect behaviour without naming the data that moves,
// and influence, specialization and association state no dependency, so
// those carry no levels; model the data with access relationships instead.
const ARCHIMATE_RELATION_TYPES = `
  INSERT INTO relation_types
    (key, name_sv, reverse_name_sv, name_en, reverse_name_en, source_types, target_types, protection_flow, built_in, sort_order) VALUES
    ('archimate_composition', 'består av', 'är en del av', 'is composed of', 'is a part of', NULL, NULL, 'target_to_source', true, 200),
    ('archimate_aggregation', 'aggregerar', 'aggregeras i', 'aggregates', 'is aggregated in', NULL, NULL, 'target_to_source', true, 210),
    ('archimate_assignment', 'är tilldelad', 'har tilldelad', 'is assigned to', 'has assigned', NULL, NULL, 'target_to_source', true, 220),
    ('archimate_realization', 'realiserar', 'realiseras av', 'realizes', 'is realized by', NULL, NULL, 'target_to_source', true, 230),
    ('archimate_serving', 'betjänar', 'betjänas av', 'serves', 'is served by', NULL, NULL, 'target_to_source', true, 240),
    ('archimate_access', 'har åtkomst till', 'är åtkomlig för', 'accesses', 'is accessed by', NULL, NULL, 'target_to_source', true, 250),
    ('archimate_influence', 'påverkar', 'påverkas av', 'influences', 'is influenced by', NULL, NULL, 'none', true, 260),
    ('archimate_triggering', 'utlöser', 'utlöses av', 'triggers', 'is triggered by', NULL, NULL, 'none', true, 270),
    ('archimate_flow', 'flödar till', 'tar emot flöde från', 'flows to', 'receives a flow from', NULL, NULL, 'none', true, 280),
    ('archimate_specialization', 'är en specialisering av', 'är en generalisering av', 'is a specialization of', 'is a generalization of',
      NULL, NULL, 'none', true, 290),
    ('archimate_association', 'är associerad med', 'är associerad med', 'is associated with', 'is associated with', NULL, NULL, 'none', true, 300)
  ON CONFLICT (key) DO NOTHING;
`;
