import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError, readSecretFile, writeSecretFile, type TenantSecret } from '@esm/common';
import type { AdminContext } from '../admin-context.js';
import { tenantSecretFile } from '../deployment/run-deployment.js';
import {
  createTenantScratchDatabase,
  provisionTenantDatabase,
  tenantDatabaseExists,
  tenantDatabaseNames,
  type ProvisioningServer,
  type TenantDatabaseLogins,
} from '../provisioning/tenant-database.js';
import type { TenantRecord } from '../registry/tenant-store.js';
import { unpackArchive, type UnpackedArchive } from './archive-format.js';
import type { TableProgress } from './dump-database.js';
import { BACKUP_ERRORS } from './errors.js';
import { countRows, loadIntoDatabase, type TableCheck } from './load-database.js';
import { dropScratchDatabase, replaceDatabase, scratchDatabaseName } from './scratch-database.js';

/** The result of a restore into the tenant's own database. */
export interface TenantRestoreResult {
  tables: TableCheck[];
  /** False when the restore succeeded but the tenant, which was active, did not start again. */
  started: boolean;
}

/**
 * Replaces a tenant's database with the contents of a backup, all or
 * nothing. The archive is checked before anything changes. The tenant's
 * process is stopped, the backup is loaded into a new database beside the
 * live one, and only a complete, verified database replaces it. On any
 * failure the new database is dropped and the live one is left as it was.
 * An active tenant is started again afterwards. The caller holds the
 * tenant's lock, so no wake-up or state change runs in between.
 */
export async function restoreTenantDatabase(
  context: AdminContext,
  tenant: TenantRecord,
  archiveFile: string,
  label: string,
  onProgress: (progress: TableProgress) => void,
): Promise<TenantRestoreResult> {
  const server = tenantServer(context, tenant);
  return withUnpackedArchive(context, archiveFile, label, async (archive) => {
    if (archive.manifest.tenant !== tenant.name) {
      throw new AppError(BACKUP_ERRORS.archiveCorrupt, { values: { backup: label, reason: `it belongs to ${archive.manifest.tenant}` } });
    }
    const logins = await ensureTenantLogins(context, server, tenant.name);
    await context.orchestrator.stop(tenant.name);
    let tables: TableCheck[];
    const staging = scratchDatabaseName('restore', tenant.name);
    try {
      await createTenantScratchDatabase(server, tenant.name, staging);
      tables = await loadIntoDatabase(archive, loadTarget(server, staging, logins), label, context.logger, onProgress);
      onProgress({ phase: 'replacing', tablesDone: tables.length, tablesTotal: tables.length, rows: countRows(tables) });
      await replaceDatabase(server, tenantDatabaseNames(tenant.name).database, staging);
    } catch (error) {
      await dropScratchDatabase(server, staging).catch((dropError: unknown) =>
        context.logger.error({ err: dropError, database: staging }, 'restore database could not be dropped'),
      );
      await startAgain(context, tenant);
      throw error;
    }
    return { tables, started: await startAgain(context, tenant) };
  });
}

/** Unpacks and checks an archive in a private folder under `<dataDir>/backups`, runs `work` and removes the folder. */
export async function withUnpackedArchive<T>(
  context: Pick<AdminContext, 'config'>,
  archiveFile: string,
  label: string,
  work: (archive: UnpackedArchive) => Promise<T>,
): Promise<T> {
  // mkdtemp creates the folder with mode 0700.
  const folder = await mkdtemp(path.join(path.dirname(archiveFile), '.restore-'));
  try {
    return await work(await unpackArchive(archiveFile, folder, label));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Returns the provisioning server of the tenant's database, from the registry's placement. */
export function tenantServer(context: Pick<AdminContext, 'servers'>, tenant: TenantRecord): ProvisioningServer {
  const server = context.servers.find((candidate) => candidate.id === tenant.databaseServer);
  if (!server) throw new Error(`the database server ${tenant.databaseServer ?? '(none)'} of ${tenant.name} is not configured`);
  return server;
}

/** Returns the load target for a database of the tenant's roles, with the owner login pointed at that database. */
export function loadTarget(server: ProvisioningServer, database: string, logins: TenantDatabaseLogins) {
  return {
    server,
    database,
    owner: { ...logins.owner, database },
    roles: { app: logins.app.user, readOnly: logins.readOnly.user },
  };
}

/** Reads the tenant's database logins from its secret file; throws RESTORE_TENANT_SECRET_MISSING when it is gone. */
export async function readTenantLogins(context: Pick<AdminContext, 'config'>, tenant: string): Promise<TenantSecret> {
  try {
    return await readSecretFile<TenantSecret>(tenantSecretFile(context, tenant));
  } catch (error) {
    throw new AppError(BACKUP_ERRORS.secretMissing, { values: { tenant }, cause: error });
  }
}

/**
 * Returns the logins of the tenant's roles. When the tenant's database is
 * gone (a lost server, say), provisioning creates it and the roles again
 * with new passwords, which are written to the tenant's secret file.
 */
async function ensureTenantLogins(context: AdminContext, server: ProvisioningServer, tenant: string): Promise<TenantDatabaseLogins> {
  const secret = await readTenantLogins(context, tenant);
  if (await tenantDatabaseExists(server, tenant)) return secret.database;
  const logins = await provisionTenantDatabase(server, tenant);
  await writeSecretFile(tenantSecretFile(context, tenant), { ...secret, database: logins });
  context.logger.warn({ tenant }, 'tenant database was missing and was provisioned again for the restore');
  return logins;
}

async function startAgain(context: AdminContext, tenant: TenantRecord): Promise<boolean> {
  // An inactive tenant stays stopped; the next request wakes it.
  if (tenant.state !== 'active') return true;
  try {
    await context.orchestrator.start(tenant.name);
    return true;
  } catch (error) {
    context.logger.error({ err: error, tenant: tenant.name }, 'tenant did not start after the restore');
    await context.orchestrator.stop(tenant.name).catch(() => undefined);
    return false;
  }
}
