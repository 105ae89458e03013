import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ADMIN_CALLERS, dataPaths, randomSecret, serviceCredentialFile, writeSecretFile, type PlatformConfig } from '@esm/common';

/**
 * Creates the data folder layout and the secrets the platform needs before
 * any service starts: the embedded server's superuser password and one admin
 * credential per caller. Existing secrets are kept.
 */
export async function prepareDataFolder(config: PlatformConfig): Promise<void> {
  const paths = dataPaths(config);
  await mkdir(config.dataDir, { recursive: true });
  for (const folder of [config.secretsDir, paths.serviceCredentialsDir, paths.tenantSecretsDir]) {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await chmod(folder, 0o700);
  }
  await mkdir(paths.runDir, { recursive: true });
  await mkdir(paths.logDir, { recursive: true, mode: 0o700 });

  if (config.postgres.embedded) await ensureSecretText(paths.embeddedPostgresPasswordFile);
  for (const caller of ADMIN_CALLERS) await ensureSecretText(serviceCredentialFile(config, caller));

  // The resolved configuration may name an SMTP password, so only the owner reads it.
  await writeSecretFile(paths.resolvedConfigFile, config);
}

async function ensureSecretText(file: string): Promise<void> {
  if (existsSync(file)) return;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, randomSecret(32) + '\n', { mode: 0o600, flag: 'wx' });
}

/** Reads a secret written by prepareDataFolder. */
export async function readSecretText(file: string): Promise<string> {
  return (await readFile(file, 'utf8')).trim();
}
