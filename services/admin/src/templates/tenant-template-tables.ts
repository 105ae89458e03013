import pg from 'pg';
import { AppError, readSecretFile, type TenantSecret } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import { TEMPLATE_GRANT_ERRORS } from './errors.js';

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Runs `work` in one transaction on a tenant's database, connected with the
 * owner login from the tenant's secret: the app login may only read the
 * template tables. Throws TEMPLATE_GRANT_DATABASE_UNAVAILABLE when the secret
 * cannot be read or the database cannot be reached.
 */
export async function withTenantOwner<T>(context: AdminContext, tenant: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  let secret: TenantSecret;
  try {
    secret = await readSecretFile<TenantSecret>(tenantSecretFile(context, tenant));
  } catch (error) {
    throw new AppError(TEMPLATE_GRANT_ERRORS.databaseUnavailable, { values: { tenant }, cause: error, detail: 'tenant secret unreadable' });
  }
  const client = new pg.Client({ ...secret.database.owner, application_name: 'esm-admin-templates', connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A connection lost between queries is reported by the failing query; the listener keeps the event from crashing admin.
  client.on('error', (error) => context.logger.warn({ tenant, err: error }, 'tenant database connection for templates failed'));
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new AppError(TEMPLATE_GRANT_ERRORS.databaseUnavailable, { values: { tenant }, cause: error, detail: String(error) });
  }
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } finally {
    // Ending the connection rolls back a transaction that is still open.
    await client.end().catch(() => undefined);
  }
}

/**
 * Stores a new credential's hash in the template's database, revoking the
 * importer's earlier credentials so that it has one at a time.
 */
export async function insertTemplateCredential(
  client: pg.Client,
  credential: { id: string; importer: string; hash: Buffer; expiresAt: Date },
): Promise<void> {
  await client.query('UPDATE esm.template_credentials SET revoked_at = now() WHERE importer = $1 AND revoked_at IS NULL', [credential.importer]);
  await client.query('INSERT INTO esm.template_credentials (id, importer, credential_hash, expires_at) VALUES ($1, $2, $3, $4)', [
    credential.id,
    credential.importer,
    credential.hash,
    credential.expiresAt,
  ]);
}

/** Revokes every unrevoked credential of an importer in the template's database; returns how many there were. */
export async function revokeTemplateCredentials(client: pg.Client, importer: string): Promise<number> {
  const result = await client.query('UPDATE esm.template_credentials SET revoked_at = now() WHERE importer = $1 AND revoked_at IS NULL', [
    importer,
  ]);
  return result.rowCount ?? 0;
}

/** Revokes one credential by its id in the template's database. */
export async function revokeTemplateCredential(client: pg.Client, id: string): Promise<void> {
  await client.query('UPDATE esm.template_credentials SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
}

/** Stores the template's origin and the credential in the importer's database, replacing an earlier grant of the template. */
export async function storeTemplateSource(
  client: pg.Client,
  source: { template: string; origin: string; credential: string; expiresAt: Date },
): Promise<void> {
  await client.query(
    `INSERT INTO esm.template_sources (template, origin, credential, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (template) DO UPDATE SET origin = EXCLUDED.origin, credential = EXCLUDED.credential,
       expires_at = EXCLUDED.expires_at, granted_at = now()`,
    [source.template, source.origin, source.credential, source.expiresAt],
  );
}

/** Removes a template's origin and credential from the importer's database. */
export async function removeTemplateSource(client: pg.Client, template: string): Promise<void> {
  await client.query('DELETE FROM esm.template_sources WHERE template = $1', [template]);
}
