import type { Actor } from '../registry/tenant-store.js';
import type { Queryable } from '../registry/transaction.js';

/** One recorded template grant. It names the template's credential row, never the credential. */
export interface TemplateGrantRecord {
  id: string;
  template: string;
  importer: string;
  credentialId: string;
  expiresAt: Date;
  grantedBy: Actor;
  grantedAt: Date;
  revokedAt: Date | null;
  revokedBy: Actor | null;
}

const GRANT_COLUMNS = `id::text AS id, template, importer, credential_id AS "credentialId", expires_at AS "expiresAt",
  granted_by AS "grantedBy", granted_at AS "grantedAt", revoked_at AS "revokedAt", revoked_by AS "revokedBy"`;

/** Records a new grant and returns it. */
export async function insertTemplateGrant(
  db: Queryable,
  grant: { template: string; importer: string; credentialId: string; expiresAt: Date; grantedBy: Actor },
): Promise<TemplateGrantRecord> {
  const result = await db.query<TemplateGrantRecord>(
    `INSERT INTO template_grants (template, importer, credential_id, expires_at, granted_by)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${GRANT_COLUMNS}`,
    [grant.template, grant.importer, grant.credentialId, grant.expiresAt, grant.grantedBy],
  );
  return result.rows[0]!;
}

/** Marks every unrevoked grant of `template` to `importer` as revoked and returns how many there were. */
export async function markTemplateGrantsRevoked(db: Queryable, template: string, importer: string, actor: Actor): Promise<number> {
  const result = await db.query(
    `UPDATE template_grants SET revoked_at = now(), revoked_by = $3
     WHERE template = $1 AND importer = $2 AND revoked_at IS NULL`,
    [template, importer, actor],
  );
  return result.rowCount ?? 0;
}

/** Returns the grants of a template, oldest first, revoked and expired ones included. */
export async function listTemplateGrantRecords(db: Queryable, template: string): Promise<TemplateGrantRecord[]> {
  const result = await db.query<TemplateGrantRecord>(`SELECT ${GRANT_COLUMNS} FROM template_grants WHERE template = $1 ORDER BY id`, [
    template,
  ]);
  return result.rows;
}
