import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Creates `template_grants`, the record of every credential admin issued to
 * let an importing tenant read a template tenant's model, and of its
 * revocation. The credential itself lives only in the importer's database
 * and its hash only in the template's; the registry keeps the id of the
 * template's credential row.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.createTable('template_grants', {
    id: { type: 'bigserial', primaryKey: true },
    template: { type: 'text', notNull: true, references: 'tenants', onDelete: 'CASCADE' },
    importer: { type: 'text', notNull: true, references: 'tenants', onDelete: 'CASCADE' },
    credential_id: { type: 'uuid', notNull: true, unique: true },
    expires_at: { type: 'timestamptz', notNull: true },
    granted_by: { type: 'text', notNull: true },
    granted_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    revoked_at: { type: 'timestamptz' },
    revoked_by: { type: 'text' },
  });
  pgm.createIndex('template_grants', ['template', 'importer']);
}
