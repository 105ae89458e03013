import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Replaces the read-only role's table-level SELECT on the tables that hold
 * secrets with SELECT on their other columns: users without password_hash
 * and totp_secret, invitations without token_hash, sign_in_challenges without
 * hash. A read-level user's transaction runs under this role, so a query
 * there can no longer read a credential. The app role keeps its own
 * table-level grant, which sign-in needs. The role's name comes from the
 * session setting `esm.migration_read_only_role`, set by runMigrations.
 *
 * NOTE: the default privileges still grant the read-only role SELECT on
 * every new table, so a later migration that adds a secret column must
 * narrow that table's grant the same way.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    DO $$
    DECLARE
      read_only text := current_setting('esm.migration_read_only_role');
    BEGIN
      EXECUTE format('REVOKE SELECT ON users, invitations, sign_in_challenges FROM %I', read_only);
      EXECUTE format(
        'GRANT SELECT (id, email, mobile, totp_enabled, totp_last_step, access_level, status, created_at) ON users TO %I',
        read_only);
      EXECUTE format(
        'GRANT SELECT (id, email, access_level, expires_at, used_at, sent_at, created_at) ON invitations TO %I',
        read_only);
      EXECUTE format('GRANT SELECT (user_id, expires_at, used_at) ON sign_in_challenges TO %I', read_only);
    END
    $$;
  `);
}

// Never rolled back, like the schema itself: the grants only narrow what the role may read.
export const down = false;
