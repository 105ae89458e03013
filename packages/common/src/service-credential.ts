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

/** admin's base URL on the internal address. */
export function adminBaseUrl(config: Pick<PlatformConfig, 'bindHost' | 'ports'>): string {
  return `http://${config.bindHost}:${config.ports.admin}`;
}
