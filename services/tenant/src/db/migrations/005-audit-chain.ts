import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Chains the audit log: each entry stores the hash of the entry before it
 * (`previous_hash`) and its own `hash = sha256(previous_hash || content)`,
 * where the content comes from `esm.audit_entry_content`. The first entry's
 * previous hash is 32 zero bytes. Entries written before this migration get
 * their hashes here, in id order.
 *
 * A BEFORE INSERT trigger takes a transaction-level advisory lock, then
 * draws the id and reads the newest entry's hash. Because the lock is held
 * until commit and the id is drawn after it is taken, ids follow commit
 * order and two writers can never link to the same entry. The column default
 * of `id` is dropped, so the trigger is the only place an id comes from,
 * and an id given in an INSERT is replaced.
 *
 * NOTE: admin compares the body of `esm.audit_entry_content` with its copy
 * in `AUDIT_ENTRY_CONTENT_SOURCE` (packages/common/src/audit-chain.ts) before
 * it trusts a verification, so the two must stay identical. A migration that
 * changes the content must keep the old content for old entries, because
 * their stored hashes cover it.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    ALTER TABLE audit_entries ADD COLUMN previous_hash bytea, ADD COLUMN hash bytea;
    ALTER TABLE audit_entries ALTER COLUMN id DROP DEFAULT;

    -- Every content column as one jsonb value. jsonb's text output is the
    -- same for equal values (keys sorted, no insignificant whitespace), and
    -- the time is converted to UTC so the session's TimeZone cannot change
    -- it. Names are qualified, so no search_path can redirect a call.
    CREATE FUNCTION audit_entry_content(entry audit_entries) RETURNS bytea
      LANGUAGE sql STABLE PARALLEL SAFE
    AS $content$
      SELECT pg_catalog.convert_to(pg_catalog.jsonb_build_object(
        'id', entry.id,
        'at', entry.at AT TIME ZONE 'UTC',
        'actor_id', entry.actor_id,
        'actor_email', entry.actor_email,
        'action', entry.action,
        'entity_type', entry.entity_type,
        'entity_id', entry.entity_id,
        'before', entry.before,
        'after', entry.after,
        'summary', entry.summary,
        'request_id', entry.request_id,
        'client_address', entry.client_address
      )::pg_catalog.text, 'UTF8')
    $content$;
  `);

  // The append-only trigger would reject these updates, so it is off for
  // the backfill. ALTER TABLE above holds an exclusive lock on the table
  // until this migration commits, so no entry can be written in between.
  pgm.sql(`
    ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only;
    DO $backfill$
    DECLARE
      previous bytea := pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex');
      entry esm.audit_entries;
    BEGIN
      FOR entry IN SELECT * FROM esm.audit_entries ORDER BY id LOOP
        UPDATE esm.audit_entries
           SET previous_hash = previous,
               hash = pg_catalog.sha256(previous || esm.audit_entry_content(entry))
         WHERE id = entry.id
        RETURNING hash INTO previous;
      END LOOP;
    END
    $backfill$;
    ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;

    ALTER TABLE audit_entries
      ALTER COLUMN previous_hash SET NOT NULL,
      ALTER COLUMN hash SET NOT NULL,
      ADD CONSTRAINT audit_entries_hash_length CHECK (octet_length(previous_hash) = 32 AND octet_length(hash) = 32);
  `);

  // SECURITY DEFINER lets the trigger draw ids from the sequence, which the
  // app role then no longer needs. A fixed search_path with pg_temp last
  // keeps a caller's objects from replacing the ones the function uses.
  pgm.sql(`
    CREATE FUNCTION chain_audit_entry() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $chain$
    DECLARE
      previous bytea;
    BEGIN
      -- Under REPEATABLE READ or SERIALIZABLE the query below would read the
      -- snapshot taken before the lock was granted, miss the entry that the
      -- previous lock holder committed and fork the chain.
      IF pg_catalog.current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'audit entries must be written in a READ COMMITTED transaction'
          USING ERRCODE = 'invalid_transaction_state';
      END IF;
      PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('esm.audit_entries chain', 0));
      NEW.id := pg_catalog.nextval('esm.audit_entries_id_seq');
      SELECT entry.hash INTO previous FROM esm.audit_entries AS entry ORDER BY entry.id DESC LIMIT 1;
      NEW.previous_hash := coalesce(previous, pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex'));
      NEW.hash := pg_catalog.sha256(NEW.previous_hash || esm.audit_entry_content(NEW));
      RETURN NEW;
    END
    $chain$;
    CREATE TRIGGER audit_entries_chain BEFORE INSERT ON audit_entries
      FOR EACH ROW EXECUTE FUNCTION chain_audit_entry();
  `);
}

// Never rolled back: removing the chain would remove the evidence it carries.
export const down = false;
