import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Adds what the rest of the tenant lifecycle needs: the state `deleted`,
 * the template flag (templates are never scaled down), when and how a tenant
 * was archived and deleted, and `tenant_operations`, the journal of
 * multi-step transitions. Each step is recorded before it acts, so a fresh
 * admin can finish or roll back an operation that a crash cut off.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.dropConstraint('tenants', 'tenants_state_check');
  pgm.addConstraint('tenants', 'tenants_state_check', {
    check: "state IN ('registered', 'deploying', 'active', 'inactive', 'archived', 'deleted')",
  });
  pgm.addColumns('tenants', {
    template: { type: 'boolean', notNull: true, default: false },
    archived_at: { type: 'timestamptz' },
    // Whether the database stayed on its server while archived; null when not archived.
    archive_database_kept: { type: 'boolean' },
    // The final backup taken when the tenant was archived; a restore from archive loads it.
    archive_backup_id: { type: 'text' },
    deleted_at: { type: 'timestamptz' },
    deleted_by: { type: 'text' },
  });

  pgm.createTable('tenant_operations', {
    id: { type: 'text', primaryKey: true },
    tenant: { type: 'text', notNull: true, references: 'tenants', onDelete: 'CASCADE' },
    kind: { type: 'text', notNull: true, check: "kind IN ('archive', 'restore-archived', 'delete')" },
    actor: { type: 'text', notNull: true },
    // [{ step, status }] in step order, written before and after each step.
    steps: { type: 'jsonb', notNull: true },
    // Values a later step or a resumed run needs, e.g. the state before archiving and the final backup's id.
    data: { type: 'jsonb', notNull: true, default: '{}' },
    started_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    finished_at: { type: 'timestamptz' },
    outcome: { type: 'text', notNull: true, default: 'running', check: "outcome IN ('running', 'succeeded', 'rolled-back', 'failed')" },
    error_code: { type: 'text' },
  });
  // At most one unfinished operation per tenant.
  pgm.createIndex('tenant_operations', 'tenant', { unique: true, where: 'finished_at IS NULL', name: 'tenant_operations_one_running' });
  pgm.createIndex('tenant_operations', ['tenant', 'started_at']);
}
