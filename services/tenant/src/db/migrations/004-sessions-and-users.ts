import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Adds sign-in sessions with rotating refresh tokens, and the user fields
 * that user administration needs: the locale of the user's e-mails, when the
 * user first became active, and the status `deactivated` in place of
 * `disabled`, the word the API uses.
 *
 * The read-only role gets no access to `refresh_tokens.hash`. Its grants on
 * `users` and `invitations` are per column since migration 002, so the new
 * columns are granted here one by one.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    ALTER TABLE users DROP CONSTRAINT users_status_check;
    UPDATE users SET status = 'deactivated' WHERE status = 'disabled';
    ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('pending', 'active', 'deactivated'));

    ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'sv'));
    -- Set when the invitation is accepted. A deactivated user who never got
    -- this far returns to 'pending', not 'active', when reactivated.
    ALTER TABLE users ADD COLUMN activated_at timestamptz;
    UPDATE users SET activated_at = created_at WHERE status <> 'pending';

    ALTER TABLE invitations ADD COLUMN locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'sv'));
    CREATE INDEX invitations_email ON invitations (email);

    CREATE TABLE sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz NOT NULL DEFAULT now(),
      -- The absolute end, at most 7 days after sign-in; refreshing never moves it.
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      revoked_reason text CHECK (revoked_reason IN ('sign-out', 'sign-out-everywhere', 'reuse', 'administrator', 'deactivated', 'factor-reset')),
      client_address text CHECK (char_length(client_address) <= 100),
      user_agent text CHECK (char_length(user_agent) <= 500),
      CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
    );
    CREATE INDEX sessions_user_id ON sessions (user_id);

    -- One row per refresh token: a rotation marks the old row used and adds a
    -- new one, so a used token is recognised when it comes back.
    CREATE TABLE refresh_tokens (
      hash bytea PRIMARY KEY,
      session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );
    CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);

    DO $$
    DECLARE
      read_only text := current_setting('esm.migration_read_only_role');
    BEGIN
      EXECUTE format('GRANT SELECT (locale, activated_at) ON users TO %I', read_only);
      EXECUTE format('GRANT SELECT (locale) ON invitations TO %I', read_only);
      EXECUTE format('REVOKE SELECT ON refresh_tokens FROM %I', read_only);
      EXECUTE format('GRANT SELECT (session_id, created_at, expires_at, used_at) ON refresh_tokens TO %I', read_only);
    END
    $$;
  `);
}

// Never rolled back, like the rest of the schema: a tenant's data is restored from a backup instead.
export const down = false;
