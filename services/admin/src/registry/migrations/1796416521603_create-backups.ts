import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Records the tenant backups admin writes and the restores and restore
 * drills it runs from them. The archives themselves are files in the data
 * folder; `file` is their path relative to `<dataDir>/backups`.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.createTable('backups', {
    id: { type: 'text', primaryKey: true },
    tenant: { type: 'text', notNull: true, references: 'tenants', onDelete: 'CASCADE' },
    file: { type: 'text', notNull: true },
    actor: { type: 'text', notNull: true },
    started_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    finished_at: { type: 'timestamptz' },
    outcome: { type: 'text', notNull: true, default: 'running', check: "outcome IN ('running', 'succeeded', 'failed')" },
    // Filled in on success: archive size in bytes, rows over all tables, last applied tenant migration.
    size_bytes: { type: 'bigint' },
    rows: { type: 'bigint' },
    migration_version: { type: 'text' },
    error_code: { type: 'text' },
  });
  pgm.createIndex('backups', ['tenant', 'started_at']);

  pgm.createTable('backup_restores', {
    id: { type: 'text', primaryKey: true },
    tenant: { type: 'text', notNull: true, references: 'tenants', onDelete: 'CASCADE' },
    // No foreign key: retention deletes old backups, and their restores stay on record.
    backup_id: { type: 'text' },
    kind: { type: 'text', notNull: true, check: "kind IN ('restore', 'drill')" },
    actor: { type: 'text', notNull: true },
    started_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    finished_at: { type: 'timestamptz' },
    duration_ms: { type: 'integer' },
    outcome: { type: 'text', notNull: true, default: 'running', check: "outcome IN ('running', 'succeeded', 'failed')" },
    error_code: { type: 'text' },
    // Per-table row counts and the audit checks of a drill.
    checks: { type: 'jsonb' },
  });
  pgm.createIndex('backup_restores', ['tenant', 'kind', 'started_at']);
}
