import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Adds password reset tokens, one live token per user: a new request
 * replaces the row. The token is stored as SHA-256 only, and the read-only
 * role may read every column except `token_hash`. Sessions get the
 * revocation reason `password-reset`.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    CREATE TABLE password_resets (
      user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      token_hash bytea NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );

    ALTER TABLE sessions DROP CONSTRAINT sessions_revoked_reason_check;
    ALTER TABLE sessions ADD CONSTRAINT sessions_revoked_reason_check CHECK (revoked_reason IN
      ('sign-out', 'sign-out-everywhere', 'reuse', 'administrator', 'deactivated', 'factor-reset', 'password-reset'));

    DO $$
    DECLARE
      read_only text := current_setting('esm.migration_read_only_role');
    BEGIN
      EXECUTE format('REVOKE SELECT ON password_resets FROM %I', read_only);
      EXECUTE format('GRANT SELECT (user_id, created_at, expires_at, used_at) ON password_resets TO %I', read_only);
    END
    $$;
  `);
}

// Never rolled back, like the rest of the schema: a tenant's data is restored from a backup instead.
export const down = false;
