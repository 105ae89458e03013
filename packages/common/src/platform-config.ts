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
  /**
   * File that contains the password (a mounted Secret in a cluster), so the
   * password stays out of the configuration. Services read it when they
   * create their mailer; admin copies it into each tenant's secret.
   */
  passwordFile?: string;
}

/**
 * The destination of one-time codes sent by SMS. By default it is a file per
 * message in the outbox folder, like e-mail. Otherwise it is an HTTP SMS
 * provider that accepts `POST <url>` with `{ to, text }` as JSON and a bearer token.
 */
export type SmsConfig = { provider: 'outbox'; outboxDir: string } | { provider: 'http'; url: string; token: string };

export interface MailConfig {
  from: string;
  /** Folder that receives one `.eml` file per message when no SMTP server is configured. */
  outboxDir: string;
  smtp?: SmtpConfig;
}

/**
 * Settings of the Kubernetes orchestrator, which runs each tenant as a
 * Deployment with its Secret, Service, HTTPRoute and NetworkPolicy.
 */
export interface KubernetesOrchestratorConfig {
  /** Namespace that contains every tenant's objects. */
  namespace: string;
  /** Container image of the platform; tenants run its `services/tenant/dist/main.js`. */
  image: string;
  /** The Gateway (Gateway API) that tenant HTTPRoutes attach to, and its HTTPS listener. */
  gateway: { name: string; namespace: string; listener: string };
  /**
   * The namespace of the gateway's proxy pods, which are the only pods
   * (with the default backend) that may open connections to a tenant.
   * `podSelector` narrows the namespace to those pods, and empty means every
   * pod in it.
   */
  ingress: { namespace: string; podSelector: Record<string, string> };
  /**
   * The pods of an in-cluster PostgreSQL server, used for a tenant's database
   * egress when its database host is a name rather than an address.
   */
  databasePods?: { namespace: string; podSelector: Record<string, string> };
}

/** The orchestrator admin uses: tenant processes on this machine, or Deployments in a cluster. */
export type OrchestratorConfig = { kind: 'local' } | ({ kind: 'kubernetes' } & KubernetesOrchestratorConfig);

/**
 * The resolved platform configuration that the launcher hands to every
 * platform service (never to tenant processes, which get only their secret).
 * Database passwords and service credentials live in files under
 * `secretsDir`. The exceptions are an SMTP password given in ESM_SMTP_URL and
 * the SMS provider's token, so the launcher writes this file with mode 0600.
 */
export interface PlatformConfig {
  dataDir: string;
  secretsDir: string;
  baseDomain: string;
  /** The address that unknown tenant names are redirected to. */
  mainSiteUrl: string;
  /** Address every platform service and tenant binds to. */
  bindHost: string;
  /**
   * The address other services use for admin, e.g. the admin Service's name in
   * a cluster, where `bindHost` is `0.0.0.0`. Missing means `http://<bindHost>:<ports.admin>`.
   */
  adminUrl?: string;
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
  /** Maximum time the default backend keeps a request waiting while a tenant starts. */
  wakeTimeoutMs: number;
  /** How long a deployment token stays valid. */
  deploymentTokenTtlMs: number;
  /** The orchestrator admin uses; absent means `local`. */
  orchestrator?: OrchestratorConfig;
  /** Backup schedule and retention; admin uses its defaults when this is missing. */
  backups?: BackupConfig;
  /**
   * Milliseconds between two rounds in which admin records the head of each
   * active tenant's audit chain as an anchor. One hour when missing; 0 turns
   * the rounds off.
   */
  auditAnchorIntervalMs?: number;
  /** Idle scale-down, archiving and deletion; admin uses its defaults when this is missing. */
  lifecycle?: LifecycleConfig;
  /**
   * Ports of the platform services' Prometheus listeners (`GET /metrics`),
   * bound to `bindHost`. A service without a port here serves no metrics.
   */
  metricsPorts?: { admin: number; registration: number; defaultBackend: number; gateway: number };
  /** Limits on the default backend's wake-ups; it uses its defaults when this is missing. */
  wake?: WakeLimitsConfig;
}

/** Limits on the wake-ups the default backend starts and on the requests waiting for them. */
export interface WakeLimitsConfig {
  /** New wake-ups of one tenant per minute. */
  perTenantPerMinute: number;
  /** New wake-ups one client address may cause per minute, over all tenants. */
  perClientPerMinute: number;
  /** Requests held waiting for a wake at once, over all tenants. */
  maxWaiting: number;
  /** Requests held waiting for one tenant's wake at once. */
  maxWaitingPerTenant: number;
  /** Milliseconds a browser's page load waits before it gets the self-reloading "starting" page instead. */
  browserPageAfterMs: number;
}

/** When admin stops idle tenants, what archiving keeps, and how long an archived tenant stays before it may be deleted. */
export interface LifecycleConfig {
  /** Minutes without a request after which an active tenant (not a template) is stopped; 0 never stops one. */
  idleTimeoutMinutes: number;
  /** Whether archiving keeps the tenant's database; false drops it and its roles after the final backup passed a restore drill. */
  archiveKeepDatabase: boolean;
  /** Days after archiving before `esmctl delete` may delete the tenant. */
  deleteRetentionDays: number;
}

/** When admin backs up every tenant and test-restores the backups, and how many backups it keeps. */
export interface BackupConfig {
  /** Hours between two backups of a tenant; 0 turns scheduled backups off. */
  intervalHours: number;
  /** How many of a tenant's newest successful backups are kept (at least 1). */
  keep: number;
  /** Hours between two restore drills of a tenant; 0 turns scheduled drills off. */
  drillIntervalHours: number;
}

/** Returns a tenant's web address, e.g. `https://demo.esm.localhost:8443`. */
export function tenantOrigin(config: Pick<PlatformConfig, 'baseDomain' | 'publicHttpsPort'>, tenant: string): string {
  return `https://${tenant}.${config.baseDomain}${portSuffix(config.publicHttpsPort)}`;
}

/** Returns the registration site's address. */
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
