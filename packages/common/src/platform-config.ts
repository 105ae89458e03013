import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A PostgreSQL server that tenant databases can be placed on. */
export interface PostgresServerConfig {
  /** Stable id recorded in the registry for every tenant placed on this server. */
  id: string;
  host: string;
  port: number;
  /** A role allowed to create databases and roles (the provisioning connection). */
  user: string;
  /** File that contains the role's password (mode 0600). */
  passwordFile: string;
  /** Maintenance database to connect to for provisioning (default `postgres`). */
  database: string;
}

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
}

/**
 * Where one-time codes sent by SMS go: by default a file per message in the
 * outbox folder, like e-mail; or an HTTP SMS provider that accepts
 * `POST <url>` with `{ to, text }` as JSON and a bearer token.
 */
export type SmsConfig = { provider: 'outbox'; outboxDir: string } | { provider: 'http'; url: string; token: string };

export interface MailConfig {
  from: string;
  /** Folder that receives one `.eml` file per message when no SMTP server is configured. */
  outboxDir: string;
  smtp?: SmtpConfig;
}

/**
 * The resolved platform configuration that the launcher hands to every
 * platform service (never to tenant processes, which get only their secret).
 * It holds no secrets: passwords live in files under `secretsDir`.
 */
export interface PlatformConfig {
  dataDir: string;
  secretsDir: string;
  baseDomain: string;
  /** Where unknown tenant names are redirected. */
  mainSiteUrl: string;
  /** Address every platform service and tenant binds to. */
  bindHost: string;
  ports: {
    https: number;
    http: number;
    admin: number;
    registration: number;
    defaultBackend: number;
    tenantRange: [number, number];
    embeddedPostgres: number;
  };
  /** The HTTPS port browsers use in links (differs from `ports.https` behind a port forward). */
  publicHttpsPort: number;
  /** PostgreSQL servers; the embedded server, when used, is the first and has id `embedded`. */
  postgres: { embedded: boolean; servers: PostgresServerConfig[] };
  mail: MailConfig;
  sms: SmsConfig;
  /** How long the default backend holds a request while a tenant starts. */
  wakeTimeoutMs: number;
  /** How long a deployment token stays valid. */
  deploymentTokenTtlMs: number;
}

/** Where a tenant's web address is, e.g. `https://demo.esm.localhost:8443`. */
export function tenantOrigin(config: Pick<PlatformConfig, 'baseDomain' | 'publicHttpsPort'>, tenant: string): string {
  return `https://${tenant}.${config.baseDomain}${portSuffix(config.publicHttpsPort)}`;
}

/** The registration site's address. */
export function registrationOrigin(config: Pick<PlatformConfig, 'baseDomain' | 'publicHttpsPort'>): string {
  return tenantOrigin(config, 'register');
}

function portSuffix(port: number): string {
  return port === 443 ? '' : `:${port}`;
}

/** Paths of the files inside the data folder. */
export function dataPaths(config: Pick<PlatformConfig, 'dataDir' | 'secretsDir'>) {
  return {
    postgresDir: path.join(config.dataDir, 'postgres'),
    caDir: path.join(config.dataDir, 'ca'),
    runDir: path.join(config.dataDir, 'run'),
    logDir: path.join(config.dataDir, 'logs'),
    tenantSecretsDir: path.join(config.secretsDir, 'tenants'),
    serviceCredentialsDir: path.join(config.secretsDir, 'services'),
    embeddedPostgresPasswordFile: path.join(config.secretsDir, 'postgres-embedded.password'),
    resolvedConfigFile: path.join(config.dataDir, 'run', 'platform.json'),
  };
}

/** Reads the resolved configuration the launcher wrote; services call this at start. */
export function readPlatformConfig(file = process.env.ESM_PLATFORM_CONFIG): PlatformConfig {
  if (!file) throw new Error('ESM_PLATFORM_CONFIG is not set: start services through the platform launcher');
  return JSON.parse(readFileSync(file, 'utf8')) as PlatformConfig;
}
