import { AppError, COMMON_ERRORS } from '@esm/common';
import { META_MODEL_ERRORS } from '../meta-model/errors.js';

// SQLSTATE classes and codes that mean the server cannot be reached or
// cannot serve right now, as opposed to a problem with the statement.
const UNAVAILABLE_STATES = new Set(['53300', '57P01', '57P02', '57P03']);
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/** PostgreSQL's insufficient_privilege, raised when a read-only session tries to write. */
export const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Raised by the triggers of migration 008 when a relation's end objects have
 * types its relation type does not allow. The DETAIL is JSON naming the
 * relation type and both end types.
 */
export const RELATION_NOT_ALLOWED_STATE = 'ES001';

// query_canceled: the pool's statement_timeout stopped a statement.
const QUERY_CANCELED = '57014';

// serialization_failure and deadlock_detected: PostgreSQL rolled the transaction back, and the same request may succeed when sent again.
const CONCURRENCY_STATES = new Set(['40001', '40P01']);

/** SQLSTATE class 22, data exception: a value the column type cannot hold, such as NUL in text or an out-of-range number. */
const DATA_EXCEPTION_CLASS = '22';

/**
 * Translates a database failure into an error that is safe to send:
 * - an unreachable server: 503 SERVICE_UNAVAILABLE;
 * - a write rejected by the read-only role: 403 ACCESS_DENIED;
 * - a relation that the relation end triggers reject: 422 RELATION_NOT_ALLOWED;
 * - a deadlock or serialisation failure: 409 CHANGE_CONCURRENT;
 * - a statement cancelled by the statement timeout: 503 REQUEST_TIMED_OUT;
 * - a data exception: 400 REQUEST_INVALID.
 * Anything else is returned unchanged and ends as a plain 500 in the error
 * handler.
 *
 * The input schemas reject such values first, and this mapping covers the
 * ones they miss. NOTE: a data exception caused by a bug in the service's own
 * SQL also becomes a 400; its SQLSTATE is in the log detail.
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
    if (code === RELATION_NOT_ALLOWED_STATE) return relationNotAllowed(error);
    if (code === QUERY_CANCELED) {
      return new AppError(COMMON_ERRORS.requestTimedOut, { cause: error, detail: 'statement cancelled: statement_timeout' });
    }
    if (CONCURRENCY_STATES.has(code)) {
      return new AppError(COMMON_ERRORS.concurrentChange, { cause: error, detail: `transaction aborted: ${code}` });
    }
    if (code.startsWith(DATA_EXCEPTION_CLASS)) {
      // PostgreSQL's message may quote the value, so the user gets a fixed reason and the log gets the code.
      return new AppError(COMMON_ERRORS.invalidRequest, {
        cause: error,
        values: { reason: 'a value cannot be stored or compared in the database' },
        detail: `database data exception: ${code}`,
      });
    }
  }
  // pg reports a connect timeout and a dropped connection without a code.
  if (/timeout exceeded when trying to connect|Connection terminated/i.test(message)) {
    return new AppError(COMMON_ERRORS.serviceUnavailable, { cause: error, detail: 'database connection failed' });
  }
  return error;
}

function relationNotAllowed(error: unknown): AppError {
  let values = { type: '?', sourceType: '?', targetType: '?' };
  try {
    const detail = JSON.parse(String((error as { detail?: unknown }).detail)) as Record<string, unknown>;
    values = { type: String(detail.type), sourceType: String(detail.sourceType), targetType: String(detail.targetType) };
  } catch {
    // The message then shows '?' for the types; the log keeps the database's own message.
  }
  return new AppError(META_MODEL_ERRORS.relationNotAllowed, {
    cause: error,
    values,
    detail: `database rejected relation ends: ${(error as Error).message}`,
  });
}
