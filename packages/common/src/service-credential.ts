import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AdminCaller } from './admin-client.js';
import { dataPaths, type PlatformConfig } from './platform-config.js';

/** The file that holds one caller's admin credential. */
export function serviceCredentialFile(config: Pick<PlatformConfig, 'dataDir' | 'secretsDir'>, caller: AdminCaller): string {
  return path.join(dataPaths(config).serviceCredentialsDir, `${caller}.credential`);
}

/** Reads a caller's admin credential from its file. */
export async function readServiceCredential(config: Pick<PlatformConfig, 'dataDir' | 'secretsDir'>, caller: AdminCaller): Promise<string> {
  return (await readFile(serviceCredentialFile(config, caller), 'utf8')).trim();
}

/** admin's base URL: `adminUrl` when the configuration sets it, else admin's port on the bind host. */
export function adminBaseUrl(config: Pick<PlatformConfig, 'bindHost' | 'ports' | 'adminUrl'>): string {
  if (config.adminUrl) return config.adminUrl;
  const host = config.bindHost.includes(':') ? `[${config.bindHost}]` : config.bindHost;
  return `http://${host}:${config.ports.admin}`;
}
