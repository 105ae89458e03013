import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that are always removed from log records. Secrets, passwords, codes
 * and tokens must never reach a log, so they are redacted here in one place
 * rather than at every call site.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'deploymentToken',
  '*.deploymentToken',
  'body.code',
  'secret',
  '*.secret',
  'totpSecret',
  '*.totpSecret',
  'privateKeyPem',
  '*.privateKeyPem',
  'credential',
  '*.credential',
  'connectionString',
  '*.connectionString',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-esm-credential"]',
  'res.headers["set-cookie"]',
];

/**
 * Creates the service's root logger. Logs are JSON on stdout, or on
 * `destination` when given (tests capture logs that way); `ESM_LOG_LEVEL`
 * sets the level (default `info`).
 */
export function createLogger(service: string, options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const settings: LoggerOptions = {
    name: service,
    level: process.env.ESM_LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Request URLs can carry one-time tokens (invitation and deployment links),
    // so the request serializer drops the query string and token path segments.
    serializers: {
      req: (req: { id?: string; method?: string; url?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url ?? ''),
      }),
    },
    ...options,
  };
  return destination ? pino(settings, destination) : pino(settings);
}

/** Strips the query string and long token-like path segments from a URL for logging. */
export function redactUrl(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path
    .split('/')
    .map((segment) => (segment.length >= 20 && /^[A-Za-z0-9_-]+$/.test(segment) ? '[redacted]' : segment))
    .join('/');
}

export type { Logger };
