import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Creates the tenant registry. Deployment tokens are stored only as their
 * SHA-256 digest, so the registry never holds a usable token.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.createTable('tenants', {
    name: { type: 'text', primaryKey: true },
    organisation: { type: 'text', notNull: true },
    contact_email: { type: 'text', notNull: true },
    contact_mobile: { type: 'text', notNull: true },
    locale: { type: 'text', notNull: true, check: "locale IN ('en', 'sv')" },
    state: {
      type: 'text',
      notNull: true,
      check: "state IN ('registered', 'deploying', 'active', 'inactive', 'archived')",
    },
    database_server: { type: 'text' },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    updated_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
  });
  pgm.createIndex('tenants', 'database_server');

  pgm.createTable('tenant_state_changes', {
    id: { type: 'bigserial', primaryKey: true },
    tenant: { type: 'text', notNull: true, references: 'tenants', onDelete: 'CASCADE' },
    // Null for the change that created the tenant.
    from_state: { type: 'text' },
    to_state: { type: 'text', notNull: true },
    actor: { type: 'text', notNull: true },
    at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
  });
  pgm.createIndex('tenant_state_changes', ['tenant', 'id']);

  pgm.createTable('deployment_tokens', {
    token_hash: { type: 'text', primaryKey: true },
    tenant: { type: 'text', notNull: true, references: 'tenants', onDelete: 'CASCADE' },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    expires_at: { type: 'timestamptz', notNull: true },
    used_at: { type: 'timestamptz' },
  });
  pgm.createIndex('deployment_tokens', 'tenant');

  pgm.createTable('deployments', {
    id: { type: 'text', primaryKey: true },
    tenant: { type: 'text', notNull: true, references: 'tenants', onDelete: 'CASCADE' },
    actor: { type: 'text', notNull: true },
    // [{ step, status }] in step order; rewritten as each step changes.
    steps: { type: 'jsonb', notNull: true },
    started_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    finished_at: { type: 'timestamptz' },
    failed: { type: 'boolean', notNull: true, default: false },
  });
  pgm.createIndex('deployments', ['tenant', 'started_at']);
}
