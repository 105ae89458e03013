import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Creates `audit_anchors`, the heads of tenants' audit chains as admin saw
 * them, and `signing_key_rotations`, the record of each key rotation. An
 * anchor lives outside the tenant's database, so a rewrite of the whole
 * chain by the tenant's owner role changes a hash that admin still holds.
 * A rotation records the key ids only, never a key.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.createTable('audit_anchors', {
    tenant: { type: 'text', notNull: true, references: 'tenants', onDelete: 'CASCADE' },
    entry_id: { type: 'bigint', notNull: true },
    hash: { type: 'bytea', notNull: true, check: 'octet_length(hash) = 32' },
    recorded_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
  });
  // One anchor per entry: the first hash seen for an entry is the one kept.
  pgm.addConstraint('audit_anchors', 'audit_anchors_pkey', { primaryKey: ['tenant', 'entry_id'] });

  pgm.createTable('signing_key_rotations', {
    id: { type: 'bigserial', primaryKey: true },
    tenant: { type: 'text', notNull: true, references: 'tenants', onDelete: 'CASCADE' },
    // The new current key, the key kept so that its tokens stay valid, and the keys dropped.
    kid: { type: 'text', notNull: true },
    previous_kid: { type: 'text', notNull: true },
    retired_kids: { type: 'text[]', notNull: true, default: '{}' },
    actor: { type: 'text', notNull: true },
    rotated_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
  });
  pgm.createIndex('signing_key_rotations', ['tenant', 'id']);
}
