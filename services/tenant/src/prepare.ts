import { createMailer, type Logger, type Mailer, type TenantSecret } from '@esm/common';
import { runMigrations } from './db/migrate.js';
import { createAppPool } from './db/pool.js';
import { inviteFirstAdministrator } from './auth/first-administrator.js';

/**
 * Makes the tenant's database ready to serve: migrations with the owner
 * login (whose connection is closed afterwards), then the first
 * administrator's invitation with the app login.
 */
export async function prepareTenantDatabase(secret: TenantSecret, logger: Logger, mailer?: Mailer): Promise<void> {
  await runMigrations(secret.database.owner, { app: secret.database.app.user, readOnly: secret.database.readOnly.user }, logger);
  const pool = createAppPool(secret.database.app, logger);
  try {
    const database = { pool, readOnlyRole: secret.database.readOnly.user };
    await inviteFirstAdministrator(database, secret, mailer ?? createMailer(secret.mail, logger), logger);
  } finally {
    await pool.end();
  }
}
