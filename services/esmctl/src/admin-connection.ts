import path from 'node:path';
import {
  AppError,
  adminBaseUrl,
  createAdminClient,
  readPlatformConfig,
  readServiceCredential,
  serviceCredentialFile,
  type AdminClient,
  type PlatformConfig,
} from '@esm/common';
import { ESMCTL_ERRORS } from './errors.js';

/** A client for admin's operator routes, with the address it talks to. */
export interface AdminConnection {
  client: AdminClient;
  baseUrl: string;
}

/** Returns the platform configuration file: `ESM_PLATFORM_CONFIG`, else `<ESM_DATA_DIR or ./data>/run/platform.json`. */
export function platformConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ESM_PLATFORM_CONFIG) return path.resolve(env.ESM_PLATFORM_CONFIG);
  return path.resolve(env.ESM_DATA_DIR ?? 'data', 'run', 'platform.json');
}

/** Reads the platform configuration the launcher wrote, or throws ESMCTL_CONFIG_NOT_FOUND. */
export function loadPlatformConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const file = platformConfigFile(env);
  try {
    return readPlatformConfig(file);
  } catch (error) {
    throw new AppError(ESMCTL_ERRORS.configNotFound, { values: { file }, cause: error });
  }
}

/**
 * Reads the platform configuration and the cli credential and returns a
 * client for admin. Throws ESMCTL_CONFIG_NOT_FOUND or ESMCTL_CREDENTIAL_UNREADABLE.
 */
export async function connectToAdmin(env: NodeJS.ProcessEnv = process.env): Promise<AdminConnection> {
  const config = loadPlatformConfig(env);
  let credential: string;
  try {
    credential = await readServiceCredential(config, 'cli');
  } catch (error) {
    throw new AppError(ESMCTL_ERRORS.credentialUnreadable, { values: { file: serviceCredentialFile(config, 'cli') }, cause: error });
  }
  const baseUrl = adminBaseUrl(config);
  return { client: createAdminClient(baseUrl, credential), baseUrl };
}
