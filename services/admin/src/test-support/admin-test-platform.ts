import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import {
  ADMIN_CALLERS,
  createAdminClient,
  createLogger,
  randomSecret,
  serviceCredentialFile,
  type AdminCaller,
  type AdminClient,
  type PlatformConfig,
} from '@esm/common';
import { findFreePort } from '../../../../tests/support/ports.js';
import { dropTenantDatabase } from '../provisioning/tenant-database.js';
import { startAdmin, type RunningAdmin, type StartAdminOptions } from '../start-admin.js';

/**
 * A stand-in for the tenant service: it returns 200 on `/healthz`, and
 * `/internal/activity` returns the time in `<tenant>.last-request` (else its
 * start time) as the last request. It records its
 * environment and each start in files next to itself, named after the
 * tenant. It exits at once when a `<tenant>.fail` file exists there.
 */
const FAKE_TENANT_SCRIPT = `
import http from 'node:http';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const folder = path.dirname(fileURLToPath(import.meta.url));
const tenant = path.basename(process.env.ESM_TENANT_SECRET_FILE ?? 'unknown', '.json');
if (existsSync(path.join(folder, tenant + '.fail'))) process.exit(3);
writeFileSync(path.join(folder, tenant + '.env.json'), JSON.stringify({ pid: process.pid, env: process.env }));
appendFileSync(path.join(folder, tenant + '.starts'), process.pid + '\\n');
const startedAt = new Date().toISOString();
const server = http.createServer((request, response) => {
  if (request.url === '/internal/activity') {
    const file = path.join(folder, tenant + '.last-request');
    const lastRequestAt = existsSync(file) ? readFileSync(file, 'utf8').trim() : startedAt;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ lastRequestAt }));
    return;
  }
  response.writeHead(request.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  response.end('{}');
});
server.listen(Number(process.env.ESM_TENANT_PORT), process.env.ESM_TENANT_HOST);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

export interface AdminTestPlatform {
  dir: string;
  config: PlatformConfig;
  registryDatabase: string;
  /** The folder where the fake tenant writes its records. */
  fakeTenantDir: string;
  fakeTenantScript: string;
  admin: RunningAdmin;
  client(caller: AdminCaller): AdminClient;
  /** Credential of each caller, as written to its file. */
  credentials: Record<AdminCaller, string>;
  /** Closes admin and removes the registry, the given tenants' databases and the temporary folder. */
  cleanup(tenants: string[]): Promise<void>;
}

/** A PostgreSQL server other than the test run's, e.g. from startSecondPostgres. */
export interface ExtraTestServer {
  id: string;
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The files and configuration of a test platform, before admin starts. */
export interface AdminTestFiles {
  dir: string;
  config: PlatformConfig;
  fakeTenantDir: string;
  fakeTenantScript: string;
  credentials: Record<AdminCaller, string>;
}

/**
 * Writes a temporary data folder for the test run's PostgreSQL server:
 * the password file, a credential for every caller and the fake tenant
 * script. `serverIds` lists the provisioning servers, all on that server;
 * `extraServers` follow them, each with a password file of its own.
 */
export async function createAdminTestFiles(
  options: { serverIds?: string[]; extraServers?: ExtraTestServer[]; deploymentTokenTtlMs?: number } = {},
): Promise<AdminTestFiles> {
  const postgres = inject('postgres');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'esm-admin-test-'));
  const dataDir = path.join(dir, 'data');
  const secretsDir = path.join(dataDir, 'secrets');
  await mkdir(secretsDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(secretsDir, 'postgres.password');
  await writeFile(passwordFile, postgres.password, { mode: 0o600 });

  const fakeTenantDir = path.join(dir, 'fake-tenant');
  await mkdir(fakeTenantDir);
  const fakeTenantScript = path.join(fakeTenantDir, 'fake-tenant.mjs');
  await writeFile(fakeTenantScript, FAKE_TENANT_SCRIPT);

  const extraServers = [];
  for (const extra of options.extraServers ?? []) {
    const extraPasswordFile = path.join(secretsDir, `${extra.id}.password`);
    await writeFile(extraPasswordFile, extra.password, { mode: 0o600 });
    extraServers.push({ id: extra.id, host: extra.host, port: extra.port, user: extra.user, passwordFile: extraPasswordFile, database: 'postgres' });
  }

  const tenantPortBase = await findFreePort();
  const config: PlatformConfig = {
    dataDir,
    secretsDir,
    baseDomain: 'esm.localhost',
    mainSiteUrl: 'https://esm.localhost',
    bindHost: '127.0.0.1',
    ports: {
      https: 0,
      http: 0,
      admin: await findFreePort(),
      registration: 0,
      defaultBackend: 0,
      tenantRange: [tenantPortBase, tenantPortBase + 200],
      embeddedPostgres: postgres.port,
    },
    publicHttpsPort: 8443,
    postgres: {
      embedded: false,
      servers: (options.serverIds ?? ['embedded']).map((id) => ({
        id,
        host: postgres.host,
        port: postgres.port,
        user: postgres.user,
        passwordFile,
        database: 'postgres',
      })).concat(extraServers),
    },
    mail: { from: 'ESM <noreply@esm.localhost>', outboxDir: path.join(dataDir, 'outbox') },
    sms: { provider: 'outbox', outboxDir: path.join(dataDir, 'outbox') },
    wakeTimeoutMs: 30_000,
    deploymentTokenTtlMs: options.deploymentTokenTtlMs ?? 24 * 60 * 60 * 1000,
  };

  const credentials = {} as Record<AdminCaller, string>;
  for (const caller of ADMIN_CALLERS) {
    credentials[caller] = randomSecret();
    const file = serviceCredentialFile(config, caller);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, credentials[caller] + '\n', { mode: 0o600 });
  }
  await chmod(secretsDir, 0o700);

  return { dir, config, fakeTenantDir, fakeTenantScript, credentials };
}

/** Starts admin on the files of createAdminTestFiles, with its own registry database. */
export async function startAdminTestPlatform(
  options: { serverIds?: string[]; extraServers?: ExtraTestServer[]; admin?: StartAdminOptions; deploymentTokenTtlMs?: number } = {},
): Promise<AdminTestPlatform> {
  const postgres = inject('postgres');
  const { dir, config, fakeTenantDir, fakeTenantScript, credentials } = await createAdminTestFiles(options);
  const registryDatabase = `esm_platform_test_${randomSecret(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const admin = await startAdmin(config, {
    logger: createLogger('admin-test', { level: process.env.ESM_TEST_LOG_LEVEL ?? 'silent' }),
    registryDatabase,
    ...options.admin,
    localOrchestrator: { tenantEntry: fakeTenantScript, restartDelayMs: 100, healthTimeoutMs: 10_000, ...options.admin?.localOrchestrator },
  });

  const baseUrl = `http://127.0.0.1:${admin.port}`;
  return {
    dir,
    config,
    registryDatabase,
    fakeTenantDir,
    fakeTenantScript,
    admin,
    credentials,
    client: (caller) => createAdminClient(baseUrl, credentials[caller]),
    cleanup: async (tenants) => {
      await admin.close();
      const server = { id: 'cleanup', ...postgres, database: 'postgres' };
      for (const tenant of tenants) await dropTenantDatabase(server, tenant);
      const client = new pg.Client({ ...postgres, database: 'postgres' });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(registryDatabase)} WITH (FORCE)`);
      await client.end();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Registration body with valid values, for the given tenant name. */
export function registrationBody(tenantName: string, overrides: Record<string, unknown> = {}) {
  return {
    organisation: 'Testbolaget AB',
    tenantName,
    contactEmail: `admin@${tenantName}.example`,
    contactMobile: '+46 70 123 45 67',
    locale: 'sv',
    ...overrides,
  };
}

/** Registers a tenant, deploys it with its token and waits until the deployment ends. */
export async function registerAndDeploy(platform: AdminTestPlatform, tenantName: string): Promise<DeploymentView> {
  const registration = platform.client('registration');
  const registered = await registration.request<{ deploymentToken: string }>('POST', '/v1/registrations', registrationBody(tenantName));
  if (registered.status !== 201) throw new Error(`registration failed: ${JSON.stringify(registered.body)}`);
  const started = await registration.request<{ deploymentId: string }>('POST', '/v1/deployments', { token: registered.body.deploymentToken });
  if (started.status !== 202) throw new Error(`deployment failed to start: ${JSON.stringify(started.body)}`);
  return waitForDeployment(platform, started.body.deploymentId);
}

export interface DeploymentView {
  deploymentId: string;
  tenantName: string;
  state: string;
  steps: { step: string; status: string }[];
  finished: boolean;
  failed: boolean;
  origin: string;
}

/** Polls a deployment until it has finished. */
export async function waitForDeployment(platform: AdminTestPlatform, deploymentId: string, timeoutMs = 30_000): Promise<DeploymentView> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await platform.client('registration').request<DeploymentView>('GET', `/v1/deployments/${deploymentId}`);
    if (response.body.finished) return response.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`deployment ${deploymentId} did not finish within ${timeoutMs} ms`);
}

/** Returns the process ids the fake tenant recorded, one per start. */
export async function fakeTenantStarts(platform: AdminTestPlatform, tenant: string): Promise<number[]> {
  const text = await readFile(path.join(platform.fakeTenantDir, `${tenant}.starts`), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}

/** Opens a client on the test registry. */
export async function connectRegistry(platform: AdminTestPlatform): Promise<pg.Client> {
  const client = new pg.Client({ ...inject('postgres'), database: platform.registryDatabase });
  await client.connect();
  return client;
}
