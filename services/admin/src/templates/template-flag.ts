import { AppError, readSecretFile, writeSecretFile, type TenantSecret } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import { ADMIN_ERRORS } from '../errors.js';

/**
 * Writes the template flag into a tenant's secret, where the tenant reads it
 * at start to decide whether it serves its model to importers, and restarts
 * the tenant when it runs so that the change applies. Returns whether it
 * restarted the tenant. A tenant without a secret yet (registered or
 * deploying) gets the flag when its deployment writes the secret. The
 * caller holds the tenant's lock.
 *
 * Throws TENANT_START_FAILED when the restart fails; the flag is written
 * then, and the tenant's next start uses it.
 */
export async function applyTemplateFlag(context: AdminContext, name: string, template: boolean): Promise<boolean> {
  const file = tenantSecretFile(context, name);
  let secret: TenantSecret;
  try {
    secret = await readSecretFile<TenantSecret>(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if ((secret.template ?? false) === template) return false;
  await writeSecretFile(file, { ...secret, template });
  context.logger.info({ tenant: name, template }, 'template flag written to the tenant secret');

  if (!context.orchestrator.upstream(name)) return false;
  await context.orchestrator.stop(name);
  try {
    await context.orchestrator.start(name);
  } catch (error) {
    // Leave no half-started process behind; the next wake starts the tenant with the flag.
    await context.orchestrator.stop(name).catch(() => undefined);
    throw new AppError(ADMIN_ERRORS.startFailed, { values: { tenant: name }, cause: error, detail: String(error) });
  }
  context.logger.info({ tenant: name }, 'tenant restarted to apply its template flag');
  return true;
}
