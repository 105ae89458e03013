import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Adds what sign-in with several second factors and the brute-force limits
 * need: attempt and send counters on challenges, one-time codes sent by SMS
 * or e-mail, recovery codes, a pending TOTP secret for changing the
 * authenticator, the preferred factor, and failed sign-ins per e-mail address.
 *
 * The read-only role gets the new columns without secrets only: not the
 * pending TOTP secret, the recovery code salt, the enrolment secret on a
 * challenge, nor any hash of a code or challenge. Its grants on `users` and
 * `sign_in_challenges` are per column since migration 002, so the new
 * columns there are granted one by one, and the new tables get the same
 * column-level treatment.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    ALTER TABLE users ADD COLUMN preferred_factor text CHECK (preferred_factor IN ('totp', 'sms', 'email'));
    -- A new TOTP secret from POST /api/me/totp, which replaces totp_secret once a code from it is confirmed.
    ALTER TABLE users ADD COLUMN totp_pending_secret text;
    -- The HMAC key of the user's current set of recovery codes; a new set gets a new key.
    ALTER TABLE users ADD COLUMN recovery_code_salt bytea;

    ALTER TABLE sign_in_challenges ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
    -- Second-factor codes tried with this challenge; the fifth wrong one uses it up.
    ALTER TABLE sign_in_challenges ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0);
    -- One-time codes sent for this challenge, by SMS and e-mail together.
    ALTER TABLE sign_in_challenges ADD COLUMN codes_sent integer NOT NULL DEFAULT 0 CHECK (codes_sent >= 0);
    -- The TOTP secret being enrolled with this challenge after an administrator reset the user's factor.
    ALTER TABLE sign_in_challenges ADD COLUMN enrolment_secret text;

    -- The live one-time code of a challenge per factor. code_hash is an HMAC
    -- keyed with the challenge token, which only the client holds.
    CREATE TABLE sign_in_codes (
      challenge_hash bytea NOT NULL REFERENCES sign_in_challenges (hash) ON DELETE CASCADE,
      factor text NOT NULL CHECK (factor IN ('sms', 'email')),
      code_hash bytea NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      PRIMARY KEY (challenge_hash, factor)
    );

    CREATE TABLE recovery_codes (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      hash bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      used_at timestamptz,
      PRIMARY KEY (user_id, hash)
    );

    -- Keyed by the normalised e-mail address, whether or not an account has
    -- it, so the limits reveal nothing about which addresses have accounts.
    CREATE TABLE sign_in_failures (
      email text PRIMARY KEY,
      -- Attempts in a row that did not succeed, counted when each attempt starts.
      failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
      last_attempt_at timestamptz NOT NULL DEFAULT now(),
      locked_until timestamptz
    );

    DO $$
    DECLARE
      read_only text := current_setting('esm.migration_read_only_role');
    BEGIN
      EXECUTE format('GRANT SELECT (preferred_factor) ON users TO %I', read_only);
      EXECUTE format('GRANT SELECT (created_at, attempts, codes_sent) ON sign_in_challenges TO %I', read_only);
      EXECUTE format('REVOKE SELECT ON sign_in_codes FROM %I', read_only);
      EXECUTE format('GRANT SELECT (factor, expires_at, used_at) ON sign_in_codes TO %I', read_only);
      EXECUTE format('REVOKE SELECT ON recovery_codes FROM %I', read_only);
      EXECUTE format('GRANT SELECT (user_id, created_at, used_at) ON recovery_codes TO %I', read_only);
    END
    $$;
  `);
}

// Never rolled back, like the rest of the schema: a tenant's data is restored from a backup instead.
export const down = false;
