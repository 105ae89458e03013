import { readFile } from 'node:fs/promises';
import type { PlatformConfig } from '@esm/common';
import type { ProvisioningServer } from './tenant-database.js';

/**
 * Reads the provisioning role's password of every configured PostgreSQL
 * server from its password file. The first server also contains the registry.
 */
export async function readProvisioningServers(config: PlatformConfig): Promise<ProvisioningServer[]> {
  if (config.postgres.servers.length === 0) throw new Error('no PostgreSQL server is configured in postgres.servers');
  return Promise.all(
    config.postgres.servers.map(async (server) => ({
      id: server.id,
      host: server.host,
      port: server.port,
      user: server.user,
      password: (await readFile(server.passwordFile, 'utf8')).trim(),
      database: server.database ?? 'postgres',
    })),
  );
}
