import { AppError, COMMON_ERRORS } from '@esm/common';

// SQLSTATE classes and codes that mean the server cannot be reached or
// cannot serve right now, as opposed to a problem with the statement.
const UNAVAILABLE_STATES = new Set(['53300', '57P01', '57P02', '57P03']);
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/** PostgreSQL's insufficient_privilege, raised when a read-only session tries to write. */
export const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Translates a database failure into an error that is safe to send: an
 * unreachable server becomes 503 SERVICE_UNAVAILABLE and a write rejected by
 * the read-only role becomes 403 ACCESS_DENIED. Anything else is returned
 * unchanged and ends as a plain 500 in the error handler.
 */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error as Error | null)?.message ?? '';
  if (typeof code === 'string') {
    if (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || NETWORK_ERRORS.has(code)) {
      return new AppError(COMMON_ERRORS.serviceUnavailable, { cause: error, detail: `database unavailable: ${code}` });
    }
    if (code === INSUFFICIENT_PRIVILEGE) {
      return new AppError(COMMON_ERRORS.forbidden, { cause: error, detail: 'database rejected the statement for this role' });
    }
  }
  // pg reports a connect timeout and a dropped connection without a code.
  if (/timeout exceeded when trying to connect|Connection terminated/i.test(message)) {
    return new AppError(COMMON_ERRORS.serviceUnavailable, { cause: error, detail: 'database connection failed' });
  }
  return error;
}
