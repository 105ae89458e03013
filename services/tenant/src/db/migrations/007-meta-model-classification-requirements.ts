import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Adds the modelling core: the tenant's meta-model (object types with typed
 * attributes, relation types with allowed ends and protection flow), the
 * classification scales, levels set on objects and levels inherited along
 * relations, requirement sets and requirements, applicability rules,
 * compliance statements, and the template credentials admin hands out.
 *
 * Objects and relations written before this migration keep their types:
 * every type in use that the default meta-model lacks becomes a type of its
 * own, and every attribute key in use becomes a text, number or yes/no
 * attribute of its type, so the foreign keys and the attribute checks hold
 * for old rows. `archimate:identifier` moves to the new `external_id` column.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(META_MODEL_TABLES);
  pgm.sql(DEFAULT_META_MODEL);
  pgm.sql(EXTERNAL_IDS);
  pgm.sql(ADOPT_EXISTING_MODEL);
  pgm.sql(OBJECT_COLUMNS);
  pgm.sql(CLASSIFICATION_TABLES);
  pgm.sql(DEFAULT_CLASSIFICATION_SCALE);
  pgm.sql(REQUIREMENT_TABLES);
  pgm.sql(TEMPLATE_TABLES);
}

// The schema is never rolled back: a tenant's data is restored from a backup instead.
export const down = false;

const META_MODEL_TABLES = `
  -- role: what the platform does with a type's objects. 'information' objects
  -- are where classification levels are set; 'organisation_unit' objects
  -- scope a gap analysis; the two requirement roles belong to requirement
  -- sets and are built in.
  CREATE TABLE object_types (
    key text PRIMARY KEY CHECK (char_length(key) BETWEEN 1 AND 100 AND key !~ '[[:space:]]'),
    name_sv text NOT NULL CHECK (char_length(name_sv) BETWEEN 1 AND 200),
    name_en text NOT NULL CHECK (char_length(name_en) BETWEEN 1 AND 200),
    icon text NOT NULL DEFAULT 'box' CHECK (char_length(icon) BETWEEN 1 AND 50),
    role text NOT NULL DEFAULT 'general'
      CHECK (role IN ('general', 'information', 'organisation_unit', 'requirement_set', 'requirement')),
    built_in boolean NOT NULL DEFAULT false,
    sort_order integer NOT NULL DEFAULT 0,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  );

  -- choices: [{ "key": "...", "sv": "...", "en": "..." }] for kind 'choice'.
  -- reference_type: the type a 'reference' attribute points to, any type when null.
  CREATE TABLE attribute_definitions (
    object_type text NOT NULL REFERENCES object_types (key) ON DELETE CASCADE,
    key text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 200 AND key !~ '[[:space:]]'),
    name_sv text NOT NULL CHECK (char_length(name_sv) BETWEEN 1 AND 200),
    name_en text NOT NULL CHECK (char_length(name_en) BETWEEN 1 AND 200),
    kind text NOT NULL CHECK (kind IN ('text', 'long_text', 'number', 'date', 'choice', 'boolean', 'reference')),
    choices jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(choices) = 'array'),
    reference_type text REFERENCES object_types (key) ON DELETE RESTRICT,
    required boolean NOT NULL DEFAULT false,
    sort_order integer NOT NULL DEFAULT 0,
    PRIMARY KEY (object_type, key),
    CHECK (kind = 'reference' OR reference_type IS NULL)
  );

  -- source_types / target_types: the object types allowed at each end, any type when null.
  -- protection_flow: which way classification levels travel along the relation.
  CREATE TABLE relation_types (
    key text PRIMARY KEY CHECK (char_length(key) BETWEEN 1 AND 100 AND key !~ '[[:space:]]'),
    name_sv text NOT NULL CHECK (char_length(name_sv) BETWEEN 1 AND 200),
    name_en text NOT NULL CHECK (char_length(name_en) BETWEEN 1 AND 200),
    reverse_name_sv text NOT NULL CHECK (char_length(reverse_name_sv) BETWEEN 1 AND 200),
    reverse_name_en text NOT NULL CHECK (char_length(reverse_name_en) BETWEEN 1 AND 200),
    source_types text[] CHECK (cardinality(source_types) > 0),
    target_types text[] CHECK (cardinality(target_types) > 0),
    protection_flow text NOT NULL DEFAULT 'none' CHECK (protection_flow IN ('none', 'source_to_target', 'target_to_source')),
    built_in boolean NOT NULL DEFAULT false,
    sort_order integer NOT NULL DEFAULT 0,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  );
`;

const DEFAULT_META_MODEL = `
  INSERT INTO object_types (key, name_sv, name_en, icon, role, built_in, sort_order) VALUES
    ('organisation_unit', 'Organisationsenhet', 'Organisation unit', 'building', 'organisation_unit', false, 10),
    ('process', 'Process', 'Process', 'workflow', 'general', false, 20),
    ('information_object', 'Informationsobjekt', 'Information object', 'file-text', 'information', false, 30),
    ('application', 'Applikation', 'Application', 'app-window', 'general', false, 40),
    ('server', 'Server', 'Server', 'server', 'general', false, 50),
    ('network', 'Nätverk', 'Network', 'network', 'general', false, 60),
    ('platform_service', 'Plattformstjänst', 'Platform service', 'cloud', 'general', false, 70),
    ('partner', 'Partner eller leverantör', 'Partner or supplier', 'handshake', 'general', false, 80),
    ('requirement_set', 'Kravsamling', 'Requirement set', 'list-checks', 'requirement_set', true, 90),
    ('requirement', 'Krav', 'Requirement', 'check-square', 'requirement', true, 100);

  INSERT INTO attribute_definitions (object_type, key, name_sv, name_en, kind, choices, reference_type, sort_order) VALUES
    ('organisation_unit', 'manager', 'Chef', 'Manager', 'text', '[]', NULL, 10),
    ('process', 'process_owner', 'Processägare', 'Process owner', 'text', '[]', NULL, 10),
    ('information_object', 'information_owner', 'Informationsägare', 'Information owner', 'text', '[]', NULL, 10),
    ('information_object', 'personal_data', 'Innehåller personuppgifter', 'Contains personal data', 'boolean', '[]', NULL, 20),
    ('information_object', 'retention', 'Gallring och bevarande', 'Retention', 'long_text', '[]', NULL, 30),
    ('application', 'system_owner', 'Systemägare', 'System owner', 'text', '[]', NULL, 10),
    ('application', 'lifecycle', 'Livscykel', 'Lifecycle', 'choice',
      '[{"key": "planned", "sv": "Planerad", "en": "Planned"},
        {"key": "in_use", "sv": "I drift", "en": "In use"},
        {"key": "phasing_out", "sv": "Under avveckling", "en": "Phasing out"},
        {"key": "retired", "sv": "Avvecklad", "en": "Retired"}]', NULL, 20),
    ('application', 'user_count', 'Antal användare', 'Number of users', 'number', '[]', NULL, 30),
    ('application', 'supplier', 'Leverantör', 'Supplier', 'reference', '[]', 'partner', 40),
    ('server', 'hostname', 'Värdnamn', 'Host name', 'text', '[]', NULL, 10),
    ('server', 'operating_system', 'Operativsystem', 'Operating system', 'text', '[]', NULL, 20),
    ('network', 'zone', 'Säkerhetszon', 'Security zone', 'text', '[]', NULL, 10),
    ('platform_service', 'provider', 'Tjänsteleverantör', 'Provider', 'reference', '[]', 'partner', 10),
    ('partner', 'organisation_number', 'Organisationsnummer', 'Organisation number', 'text', '[]', NULL, 10),
    ('partner', 'contract_end', 'Avtalet löper ut', 'Contract ends', 'date', '[]', NULL, 20);

  INSERT INTO relation_types
    (key, name_sv, reverse_name_sv, name_en, reverse_name_en, source_types, target_types, protection_flow, sort_order) VALUES
    ('part_of', 'ingår i', 'omfattar', 'is part of', 'includes',
      '{organisation_unit}', '{organisation_unit}', 'none', 10),
    ('responsible_for', 'ansvarar för', 'ansvaras för av', 'is responsible for', 'is the responsibility of',
      '{organisation_unit}', '{process,information_object,application,server,network,platform_service,partner}', 'none', 20),
    ('uses_information', 'använder', 'används i', 'uses', 'is used in',
      '{process}', '{information_object}', 'none', 30),
    ('supported_by', 'stöds av', 'stöder', 'is supported by', 'supports',
      '{process}', '{application,platform_service}', 'none', 40),
    ('handled_in', 'hanteras i', 'hanterar', 'is handled in', 'handles',
      '{information_object}', '{application,platform_service}', 'source_to_target', 50),
    ('shared_with', 'delas med', 'tar emot', 'is shared with', 'receives',
      '{information_object}', '{partner}', 'source_to_target', 60),
    ('depends_on', 'är beroende av', 'behövs av', 'depends on', 'is needed by',
      '{application,platform_service}', '{application,platform_service}', 'source_to_target', 70),
    ('runs_on', 'körs på', 'kör', 'runs on', 'runs',
      '{application,platform_service}', '{server,platform_service}', 'source_to_target', 80),
    ('connected_to', 'är ansluten till', 'ansluter', 'is connected to', 'connects',
      '{server}', '{network}', 'source_to_target', 90),
    ('provided_by', 'levereras av', 'levererar', 'is provided by', 'provides',
      '{application,platform_service,server,network}', '{partner}', 'source_to_target', 100);
`;

// Types and attribute keys already in use become part of the meta-model, so
// no existing row breaks the new constraints. A key that holds values of
// more than one JSON kind becomes text, and its values are turned into text.
const ADOPT_EXISTING_MODEL = `
  INSERT INTO object_types (key, name_sv, name_en, sort_order)
  SELECT DISTINCT type, type, type, 1000 FROM objects
  WHERE type NOT IN (SELECT key FROM object_types);

  WITH kinds AS (
    SELECT o.type, a.key, array_agg(DISTINCT jsonb_typeof(a.value)) AS json_kinds
    FROM objects o, jsonb_each(o.attributes) a
    WHERE a.key <> 'archimate:identifier'
    GROUP BY o.type, a.key
  )
  INSERT INTO attribute_definitions (object_type, key, name_sv, name_en, kind, sort_order)
  SELECT type, key, key, key,
         CASE WHEN json_kinds = '{number}' THEN 'number' WHEN json_kinds = '{boolean}' THEN 'boolean' ELSE 'text' END,
         1000
  FROM kinds
  ON CONFLICT (object_type, key) DO NOTHING;

  UPDATE objects o SET attributes = (
    SELECT coalesce(jsonb_object_agg(a.key,
             CASE WHEN d.kind = 'text' AND jsonb_typeof(a.value) <> 'string' THEN to_jsonb(a.value #>> '{}') ELSE a.value END), '{}')
    FROM jsonb_each(o.attributes) a
    LEFT JOIN attribute_definitions d ON d.object_type = o.type AND d.key = a.key
    WHERE a.key <> 'archimate:identifier'
  )
  WHERE o.attributes <> '{}';

  INSERT INTO relation_types (key, name_sv, reverse_name_sv, name_en, reverse_name_en, sort_order)
  SELECT DISTINCT type, type, type, type, type, 1000 FROM relations
  WHERE type NOT IN (SELECT key FROM relation_types);
`;

// An identifier from the system an object was imported from (an ArchiMate
// identifier, a CSV column), which later imports match on. An ArchiMate
// identifier that two objects share (the same file imported twice) stays
// with neither, since the column is unique.
const EXTERNAL_IDS = `
  ALTER TABLE objects ADD COLUMN external_id text CHECK (char_length(external_id) BETWEEN 1 AND 500);
  CREATE UNIQUE INDEX objects_external_id ON objects (external_id);
  UPDATE objects o SET external_id = o.attributes ->> 'archimate:identifier'
  WHERE o.attributes ? 'archimate:identifier'
    AND (SELECT count(*) FROM objects p WHERE p.attributes ->> 'archimate:identifier' = o.attributes ->> 'archimate:identifier') = 1;
`;

const OBJECT_COLUMNS = `
  ALTER TABLE objects ADD CONSTRAINT objects_type_fkey FOREIGN KEY (type) REFERENCES object_types (key) ON DELETE RESTRICT;
  ALTER TABLE relations ADD CONSTRAINT relations_type_fkey FOREIGN KEY (type) REFERENCES relation_types (key) ON DELETE RESTRICT;

  -- Full-text search in Swedish and English, plus unstemmed words for
  -- identifiers and names that no stemmer knows.
  ALTER TABLE objects ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('pg_catalog.swedish'::regconfig, name || ' ' || description)
    || to_tsvector('pg_catalog.english'::regconfig, name || ' ' || description)
    || to_tsvector('pg_catalog.simple'::regconfig, name || ' ' || description)
  ) STORED;
  CREATE INDEX objects_search_vector ON objects USING gin (search_vector);
  CREATE INDEX objects_updated_at_id ON objects (updated_at, id);
  CREATE INDEX objects_type_updated_at_id ON objects (type, updated_at, id);
  CREATE INDEX objects_attributes ON objects USING gin (attributes jsonb_path_ops);
  CREATE INDEX relations_type_source_target ON relations (type, source_id, target_id);
`;

const CLASSIFICATION_TABLES = `
  CREATE TABLE classification_dimensions (
    key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    name_sv text NOT NULL CHECK (char_length(name_sv) BETWEEN 1 AND 100),
    name_en text NOT NULL CHECK (char_length(name_en) BETWEEN 1 AND 100),
    abbreviation_sv text NOT NULL CHECK (char_length(abbreviation_sv) BETWEEN 1 AND 10),
    abbreviation_en text NOT NULL CHECK (char_length(abbreviation_en) BETWEEN 1 AND 10),
    sort_order integer NOT NULL DEFAULT 0,
    version integer NOT NULL DEFAULT 1
  );

  -- Levels are stored as numbers; names are display only, so renaming a
  -- level never rewrites a stored level. A level in use cannot be removed.
  CREATE TABLE classification_levels (
    dimension text NOT NULL REFERENCES classification_dimensions (key) ON DELETE CASCADE,
    level integer NOT NULL CHECK (level BETWEEN 0 AND 20),
    name_sv text NOT NULL CHECK (char_length(name_sv) BETWEEN 1 AND 100),
    name_en text NOT NULL CHECK (char_length(name_en) BETWEEN 1 AND 100),
    description_sv text NOT NULL DEFAULT '' CHECK (char_length(description_sv) <= 2000),
    description_en text NOT NULL DEFAULT '' CHECK (char_length(description_en) <= 2000),
    PRIMARY KEY (dimension, level)
  );

  -- A level set by hand: on an object of an 'information' type it is the
  -- object's own level; on any other object it is an override of the
  -- inherited level. Either way it needs a justification and passes on
  -- along the relations like an inherited level.
  CREATE TABLE classification_assignments (
    object_id uuid NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    dimension text NOT NULL,
    level integer NOT NULL,
    justification text NOT NULL CHECK (char_length(justification) BETWEEN 1 AND 5000),
    version integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (object_id, dimension),
    FOREIGN KEY (dimension, level) REFERENCES classification_levels (dimension, level) ON DELETE RESTRICT
  );

  -- The highest level an object reaches along relations that carry
  -- protection needs, kept up to date by the tenant on every change.
  -- source_object_id is where the level was set; via_relation_id and
  -- via_object_id are the last step of the path, whose own row continues it.
  -- path_length counts the relations between source and object: among
  -- equally high levels the shortest path wins, and an incremental
  -- recomputation needs the lengths at the edge of its region to choose
  -- the same rows as a full one.
  CREATE TABLE inherited_levels (
    object_id uuid NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    dimension text NOT NULL,
    level integer NOT NULL,
    source_object_id uuid NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    via_relation_id uuid NOT NULL REFERENCES relations (id) ON DELETE CASCADE,
    via_object_id uuid NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    path_length integer NOT NULL CHECK (path_length >= 1),
    PRIMARY KEY (object_id, dimension),
    FOREIGN KEY (dimension, level) REFERENCES classification_levels (dimension, level) ON DELETE RESTRICT
  );
  CREATE INDEX inherited_levels_dimension_level ON inherited_levels (dimension, level);
  CREATE INDEX inherited_levels_source ON inherited_levels (source_object_id);

  -- The level that counts: the one set by hand, else the inherited one.
  CREATE VIEW effective_levels AS
    SELECT object_id, dimension, level, 'assigned'::text AS origin FROM classification_assignments
    UNION ALL
    SELECT i.object_id, i.dimension, i.level, 'inherited'::text AS origin FROM inherited_levels i
    WHERE NOT EXISTS (
      SELECT 1 FROM classification_assignments a WHERE a.object_id = i.object_id AND a.dimension = i.dimension
    );
`;

const DEFAULT_CLASSIFICATION_SCALE = `
  INSERT INTO classification_dimensions (key, name_sv, name_en, abbreviation_sv, abbreviation_en, sort_order) VALUES
    ('confidentiality', 'Konfidentialitet', 'Confidentiality', 'K', 'C', 10),
    ('integrity', 'Riktighet', 'Integrity', 'R', 'I', 20),
    ('availability', 'Tillgänglighet', 'Availability', 'T', 'A', 30),
    ('traceability', 'Spårbarhet', 'Traceability', 'S', 'T', 40);

  INSERT INTO classification_levels (dimension, level, name_sv, name_en)
  SELECT d.key, l.level, l.name_sv, l.name_en
  FROM classification_dimensions d,
       (VALUES (0, 'Ingen', 'None'), (1, 'Låg', 'Low'), (2, 'Måttlig', 'Moderate'),
               (3, 'Hög', 'High'), (4, 'Mycket hög', 'Very high')) AS l (level, name_sv, name_en);
`;

const REQUIREMENT_TABLES = `
  -- A requirement set is an object of a 'requirement_set' type; these are its
  -- source details. Its requirements are objects of a 'requirement' type.
  CREATE TABLE requirement_sets (
    object_id uuid PRIMARY KEY REFERENCES objects (id) ON DELETE CASCADE,
    source_format text NOT NULL DEFAULT 'manual' CHECK (source_format IN ('manual', 'oscal')),
    source_uuid text,
    source_version text,
    source_last_modified timestamptz,
    imported_at timestamptz
  );
  CREATE UNIQUE INDEX requirement_sets_source_uuid ON requirement_sets (source_uuid);

  -- kind 'group' orders requirements (an OSCAL group); 'requirement' is a
  -- control or an enhancement. A requirement that a newer version of its
  -- source no longer has is kept as withdrawn, with its statements.
  CREATE TABLE requirements (
    object_id uuid PRIMARY KEY REFERENCES objects (id) ON DELETE CASCADE,
    set_id uuid NOT NULL REFERENCES requirement_sets (object_id) ON DELETE CASCADE,
    parent_id uuid REFERENCES requirements (object_id) ON DELETE CASCADE,
    identifier text NOT NULL CHECK (char_length(identifier) BETWEEN 1 AND 200),
    label text NOT NULL DEFAULT '' CHECK (char_length(label) <= 200),
    kind text NOT NULL CHECK (kind IN ('group', 'requirement')),
    statement text NOT NULL DEFAULT '' CHECK (char_length(statement) <= 100000),
    sort_order integer NOT NULL DEFAULT 0,
    withdrawn boolean NOT NULL DEFAULT false,
    UNIQUE (set_id, identifier)
  );
  CREATE INDEX requirements_parent ON requirements (parent_id);

  -- Which objects a requirement applies to. A rule sits on a requirement
  -- set, a group or a requirement; a requirement follows the rules of the
  -- nearest of itself, its ancestors and its set that has any. A rule
  -- matches an object of one of object_types (any type when null) whose
  -- effective level in dimension is at least min_level (any level when null).
  CREATE TABLE applicability_rules (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    subject_id uuid NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    object_types text[] CHECK (cardinality(object_types) > 0),
    dimension text REFERENCES classification_dimensions (key) ON DELETE CASCADE,
    min_level integer CHECK (min_level BETWEEN 0 AND 20),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((dimension IS NULL) = (min_level IS NULL))
  );
  CREATE INDEX applicability_rules_subject ON applicability_rules (subject_id);

  CREATE TABLE compliance_statements (
    object_id uuid NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    requirement_id uuid NOT NULL REFERENCES requirements (object_id) ON DELETE CASCADE,
    status text NOT NULL CHECK (status IN ('fulfilled', 'partly_fulfilled', 'not_fulfilled', 'not_applicable')),
    reason text NOT NULL DEFAULT '' CHECK (char_length(reason) <= 5000),
    comment text NOT NULL DEFAULT '' CHECK (char_length(comment) <= 20000),
    responsible text NOT NULL DEFAULT '' CHECK (char_length(responsible) <= 500),
    decided_on date,
    version integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (object_id, requirement_id),
    CHECK (status <> 'not_applicable' OR char_length(reason) > 0)
  );
  CREATE INDEX compliance_statements_requirement ON compliance_statements (requirement_id);
`;

// Admin writes both tables with the owner login; the app only reads them,
// and the read-only role never sees a credential or its hash.
const TEMPLATE_TABLES = `
  -- In a template tenant: the credentials admin issued to importing tenants.
  CREATE TABLE template_credentials (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    importer text NOT NULL CHECK (char_length(importer) BETWEEN 1 AND 100),
    credential_hash bytea NOT NULL UNIQUE,
    issued_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
  );

  -- In an importing tenant: the templates admin gave it a credential for.
  CREATE TABLE template_sources (
    template text PRIMARY KEY CHECK (char_length(template) BETWEEN 1 AND 100),
    origin text NOT NULL CHECK (char_length(origin) BETWEEN 1 AND 500),
    credential text NOT NULL,
    expires_at timestamptz NOT NULL,
    granted_at timestamptz NOT NULL DEFAULT now()
  );

  DO $$
  DECLARE
    app text := current_setting('esm.migration_app_role');
    read_only text := current_setting('esm.migration_read_only_role');
  BEGIN
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON template_credentials, template_sources FROM %I', app);
    EXECUTE format('REVOKE SELECT ON template_credentials, template_sources FROM %I', read_only);
    EXECUTE format('GRANT SELECT (id, importer, issued_at, expires_at, revoked_at) ON template_credentials TO %I', read_only);
    EXECUTE format('GRANT SELECT (template, origin, expires_at, granted_at) ON template_sources TO %I', read_only);
  END
  $$;
`;
