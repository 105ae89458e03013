import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminBaseUrl, dataPaths, registrationOrigin, type OrchestratorConfig, type PlatformConfig, type PostgresServerConfig, type SmtpConfig } from '@esm/common';

/** The repository root, three levels above this compiled file (services/platform/dist). */
export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

type Environment = Record<string, string | undefined>;

/**
 * Resolves the platform configuration from environment variables. Every
 * setting has a default that runs the whole platform on one machine with
 * the embedded PostgreSQL server; the README lists the variables.
 */
export function resolvePlatformConfig(env: Environment = process.env): PlatformConfig {
  const dataDir = path.resolve(env.ESM_DATA_DIR ?? path.join(PROJECT_DIR, 'data'));
  const secretsDir = path.join(dataDir, 'secrets');
  const baseDomain = (env.ESM_BASE_DOMAIN ?? 'esm.localhost').toLowerCase();
  const httpsPort = readPort(env, 'ESM_HTTPS_PORT', 8443);
  const externalServers = env.ESM_POSTGRES_SERVERS ? readExternalServers(env.ESM_POSTGRES_SERVERS) : [];
  const embedded = externalServers.length === 0;
  const embeddedPort = readPort(env, 'ESM_POSTGRES_PORT', 8432);
  const partial = { dataDir, secretsDir };

  const config: PlatformConfig = {
    dataDir,
    secretsDir,
    baseDomain,
    mainSiteUrl: '',
    bindHost: env.ESM_BIND_HOST ?? '127.0.0.1',
    ports: {
      https: httpsPort,
      http: readPort(env, 'ESM_HTTP_PORT', 8080),
      admin: readPort(env, 'ESM_ADMIN_PORT', 8600),
      registration: readPort(env, 'ESM_REGISTRATION_PORT', 8601),
      defaultBackend: readPort(env, 'ESM_DEFAULT_BACKEND_PORT', 8602),
      tenantRange: readPortRange(env.ESM_TENANT_PORTS ?? '8700-8999'),
      embeddedPostgres: embeddedPort,
    },
    publicHttpsPort: readPort(env, 'ESM_PUBLIC_HTTPS_PORT', httpsPort),
    postgres: {
      embedded,
      servers: embedded
        ? [
            {
              id: 'embedded',
              host: '127.0.0.1',
              port: embeddedPort,
              user: 'postgres',
              passwordFile: dataPaths(partial).embeddedPostgresPasswordFile,
              database: 'postgres',
            },
          ]
        : externalServers,
    },
    mail: {
      from: env.ESM_MAIL_FROM ?? `ESM <no-reply@${baseDomain}>`,
      outboxDir: path.resolve(env.ESM_OUTBOX_DIR ?? path.join(dataDir, 'outbox')),
      smtp: readSmtp(env),
    },
    sms: env.ESM_SMS_URL
      ? { provider: 'http', url: env.ESM_SMS_URL, token: readSmsToken(env) }
      : { provider: 'outbox', outboxDir: path.resolve(env.ESM_OUTBOX_DIR ?? path.join(dataDir, 'outbox')) },
    wakeTimeoutMs: readNumber(env, 'ESM_WAKE_TIMEOUT_MS', 30_000),
    deploymentTokenTtlMs: readNumber(env, 'ESM_DEPLOYMENT_TOKEN_TTL_MS', 24 * 60 * 60 * 1000),
    auditAnchorIntervalMs: readNumber(env, 'ESM_AUDIT_ANCHOR_INTERVAL_MS', 60 * 60 * 1000),
    orchestrator: readOrchestrator(env),
    metricsPorts: {
      admin: readPort(env, 'ESM_ADMIN_METRICS_PORT', 8610),
      registration: readPort(env, 'ESM_REGISTRATION_METRICS_PORT', 8611),
      defaultBackend: readPort(env, 'ESM_DEFAULT_BACKEND_METRICS_PORT', 8612),
      gateway: readPort(env, 'ESM_GATEWAY_METRICS_PORT', 8613),
    },
    wake: {
      perTenantPerMinute: Math.max(1, readNumber(env, 'ESM_WAKE_TENANT_LIMIT_PER_MINUTE', 10)),
      perClientPerMinute: Math.max(1, readNumber(env, 'ESM_WAKE_CLIENT_LIMIT_PER_MINUTE', 30)),
      maxWaiting: Math.max(1, readNumber(env, 'ESM_WAKE_MAX_WAITING', 500)),
      maxWaitingPerTenant: Math.max(1, readNumber(env, 'ESM_WAKE_MAX_WAITING_PER_TENANT', 100)),
      browserPageAfterMs: readNumber(env, 'ESM_WAKE_PAGE_AFTER_MS', 3000),
    },
    backups: {
      intervalHours: readNumber(env, 'ESM_BACKUP_INTERVAL_HOURS', 24),
      keep: Math.max(1, readNumber(env, 'ESM_BACKUP_KEEP', 7)),
      drillIntervalHours: readNumber(env, 'ESM_BACKUP_DRILL_INTERVAL_HOURS', 168),
    },
    lifecycle: {
      idleTimeoutMinutes: readNumber(env, 'ESM_IDLE_TIMEOUT_MINUTES', 30),
      archiveKeepDatabase: readBoolean(env, 'ESM_ARCHIVE_KEEP_DATABASE', true),
      deleteRetentionDays: readNumber(env, 'ESM_DELETE_RETENTION_DAYS', 30),
    },
  };
  config.mainSiteUrl = env.ESM_MAIN_SITE_URL ?? `${registrationOrigin(config)}/`;
  config.adminUrl = readAdminUrl(env) ?? adminBaseUrl(config);
  return config;
}

/** Reads ESM_ADMIN_URL, an http(s) URL without a path, such as `http://admin.esm.svc:8600`. */
function readAdminUrl(env: Environment): string | undefined {
  const raw = env.ESM_ADMIN_URL;
  if (raw === undefined || raw === '') return undefined;
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.username) {
    throw new Error(`ESM_ADMIN_URL must be an http or https URL without a path, such as http://admin.esm.svc:8600, got "${raw}"`);
  }
  return url.origin;
}

function readNumber(env: Environment, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

function readBoolean(env: Environment, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function readPort(env: Environment, name: string, fallback: number): number {
  const port = readNumber(env, name, fallback);
  if (port < 1 || port > 65535) throw new Error(`${name} must be a port between 1 and 65535, got ${port}`);
  return port;
}

function readPortRange(raw: string): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(raw);
  const from = Number(match?.[1]);
  const to = Number(match?.[2]);
  if (!match || from < 1 || to > 65535 || from > to) {
    throw new Error(`ESM_TENANT_PORTS must be a range such as 8700-8999, got "${raw}"`);
  }
  return [from, to];
}

/**
 * Reads the external PostgreSQL servers from a JSON file: an array of
 * `{ id, host, port, user, passwordFile, database? }`. Passwords stay in
 * their own files so that the resolved configuration contains none of them.
 */
function readExternalServers(file: string): PostgresServerConfig[] {
  const servers = JSON.parse(readFileSync(file, 'utf8')) as Partial<PostgresServerConfig>[];
  if (!Array.isArray(servers) || servers.length === 0) throw new Error(`${file} must list at least one PostgreSQL server`);
  return servers.map((server, index) => {
    if (!server.id || !server.host || !server.port || !server.user || !server.passwordFile) {
      throw new Error(`${file}: server ${index + 1} needs id, host, port, user and passwordFile`);
    }
    const passwordFile = path.resolve(path.dirname(file), server.passwordFile);
    if (!existsSync(passwordFile)) throw new Error(`${file}: password file of server "${server.id}" does not exist`);
    return { id: server.id, host: server.host, port: server.port, user: server.user, passwordFile, database: server.database ?? 'postgres' };
  });
}

function readSmsToken(env: Environment): string {
  const file = env.ESM_SMS_TOKEN_FILE;
  if (!file) throw new Error('ESM_SMS_URL is set, so ESM_SMS_TOKEN_FILE must name the file with the SMS provider token');
  return readFileSync(file, 'utf8').trim();
}

/**
 * Reads ESM_SMTP_URL and ESM_SMTP_PASSWORD_FILE. The file keeps the password
 * out of the resolved configuration, which every service reads and which a
 * cluster keeps in a ConfigMap; so a password in the URL as well is rejected.
 */
function readSmtp(env: Environment): SmtpConfig | undefined {
  const passwordFile = env.ESM_SMTP_PASSWORD_FILE;
  if (!env.ESM_SMTP_URL) {
    if (passwordFile) throw new Error('ESM_SMTP_PASSWORD_FILE is set, so ESM_SMTP_URL must name the SMTP server');
    return undefined;
  }
  const smtp = parseSmtpUrl(env.ESM_SMTP_URL);
  if (!passwordFile) return smtp;
  if (smtp.password !== undefined) throw new Error('ESM_SMTP_URL contains a password and ESM_SMTP_PASSWORD_FILE is set: keep the password in the file only');
  if (!smtp.user) throw new Error('ESM_SMTP_PASSWORD_FILE is set, so ESM_SMTP_URL must name the user, as in smtp://user@host:587');
  const file = path.resolve(passwordFile);
  if (!existsSync(file)) throw new Error(`ESM_SMTP_PASSWORD_FILE ${file} does not exist`);
  return { ...smtp, passwordFile: file };
}

function parseSmtpUrl(raw: string): SmtpConfig {
  const url = new URL(raw);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('ESM_SMTP_URL must start with smtp:// or smtps://');
  const secure = url.protocol === 'smtps:';
  // Without a port: 465 for implicit TLS, else 587 (submission with STARTTLS).
  const defaultPort = secure ? 465 : 587;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : defaultPort,
    secure,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
}

/**
 * Reads the orchestrator settings: `ESM_ORCHESTRATOR=local` (the default) or
 * `kubernetes`, which needs `ESM_KUBERNETES_IMAGE` and takes the namespace,
 * Gateway and pod selectors from further `ESM_KUBERNETES_*` variables.
 */
function readOrchestrator(env: Environment): OrchestratorConfig {
  const kind = env.ESM_ORCHESTRATOR ?? 'local';
  if (kind === 'local') return { kind };
  if (kind !== 'kubernetes') throw new Error(`ESM_ORCHESTRATOR must be local or kubernetes, got "${kind}"`);
  const image = env.ESM_KUBERNETES_IMAGE;
  if (!image) throw new Error('ESM_ORCHESTRATOR is kubernetes, so ESM_KUBERNETES_IMAGE must name the platform image');
  const namespace = env.ESM_KUBERNETES_NAMESPACE ?? 'esm';
  const gatewayNamespace = env.ESM_KUBERNETES_GATEWAY_NAMESPACE ?? namespace;
  const databasePodSelector = env.ESM_KUBERNETES_DATABASE_POD_SELECTOR;
  return {
    kind,
    namespace,
    image,
    gateway: { name: env.ESM_KUBERNETES_GATEWAY_NAME ?? 'esm', namespace: gatewayNamespace, listener: env.ESM_KUBERNETES_GATEWAY_LISTENER ?? 'https' },
    ingress: {
      namespace: env.ESM_KUBERNETES_INGRESS_NAMESPACE ?? gatewayNamespace,
      podSelector: readLabels('ESM_KUBERNETES_INGRESS_POD_SELECTOR', env.ESM_KUBERNETES_INGRESS_POD_SELECTOR ?? ''),
    },
    databasePods: databasePodSelector
      ? { namespace: env.ESM_KUBERNETES_DATABASE_NAMESPACE ?? namespace, podSelector: readLabels('ESM_KUBERNETES_DATABASE_POD_SELECTOR', databasePodSelector) }
      : undefined,
  };
}

/** Parses `key=value,key=value` labels, the form kubectl's `-l` takes for equality selectors. */
function readLabels(name: string, raw: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of raw.split(',').filter((part) => part.trim() !== '')) {
    const match = /^\s*([A-Za-z0-9./_-]+)\s*=\s*([A-Za-z0-9._-]*)\s*$/.exec(pair);
    if (!match) throw new Error(`${name} must be labels such as app=postgres,tier=db, got "${raw}"`);
    labels[match[1]!] = match[2]!;
  }
  return labels;
}

