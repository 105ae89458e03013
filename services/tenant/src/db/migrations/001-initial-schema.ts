import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Creates the tenant's tables in schema `esm`. The app role's name comes from
 * the session setting `esm.migration_app_role`, which runMigrations sets,
 * because node-pg-migrate gives a migration no other way to receive values.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL UNIQUE CHECK (email = lower(email) AND char_length(email) BETWEEN 3 AND 254),
      mobile text,
      password_hash text,
      totp_secret text,
      totp_enabled boolean NOT NULL DEFAULT false,
      -- The 30-second step of the last accepted code, so a code works only once.
      totp_last_step bigint,
      access_level text NOT NULL CHECK (access_level IN ('read', 'write', 'admin')),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'disabled')),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE invitations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      token_hash bytea NOT NULL UNIQUE,
      email text NOT NULL CHECK (email = lower(email)),
      access_level text NOT NULL CHECK (access_level IN ('read', 'write', 'admin')),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE sign_in_challenges (
      hash bytea PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );

    CREATE TABLE objects (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      type text NOT NULL CHECK (char_length(type) BETWEEN 1 AND 100),
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 500),
      description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 20000),
      attributes jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL
    );
    CREATE INDEX objects_name_id ON objects (name, id);
    CREATE INDEX objects_type_name_id ON objects (type, name, id);

    CREATE TABLE relations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      type text NOT NULL CHECK (char_length(type) BETWEEN 1 AND 100),
      name text NOT NULL DEFAULT '' CHECK (char_length(name) <= 500),
      source_id uuid NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
      target_id uuid NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
      attributes jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL
    );
    CREATE INDEX relations_source_id ON relations (source_id);
    CREATE INDEX relations_target_id ON relations (target_id);
    CREATE INDEX relations_type ON relations (type);
  `);

  // Actor columns carry no foreign key: the audit log must outlive the users it names.
  pgm.sql(`
    CREATE TABLE audit_entries (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_id uuid,
      actor_email text,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text,
      before jsonb,
      after jsonb,
      summary text NOT NULL DEFAULT '',
      request_id text,
      client_address text
    );
    CREATE INDEX audit_entries_entity ON audit_entries (entity_type, entity_id);

    DO $$
    BEGIN
      EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries FROM %I',
                     current_setting('esm.migration_app_role'));
    END
    $$;

    -- The trigger also stops the owner, whose grants cannot be revoked from itself.
    CREATE FUNCTION reject_audit_entry_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = 'insufficient_privilege';
    END
    $$;
    CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
      FOR EACH ROW EXECUTE FUNCTION reject_audit_entry_change();
    CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
      FOR EACH STATEMENT EXECUTE FUNCTION reject_audit_entry_change();
  `);
}

// The schema is never rolled back: a tenant's data is restored from a backup instead.
export const down = false;
