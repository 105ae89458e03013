import i18n from '../i18n';
import type { ApiErrorBody } from './types';

/** A problem of one input field in an error response. */
export interface FieldProblem {
  field: string;
  code: string;
  message?: string;
}

/** An error response of the tenant API, or a failure to reach it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    /** Seconds from the Retry-After header of a 429 or 503 response, when it had one. */
    readonly retryAfterSeconds?: number,
    /** Further fields of the error body, such as `current` and `differingFields` of a version conflict. */
    readonly details: Record<string, unknown> = {},
    /** The problems of single input fields, such as `attributes.owner` of a 422 OBJECT_ATTRIBUTES_INVALID, each with a message in the request's language. */
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Code of the ApiError raised when the request never got an HTTP response. */
export const NETWORK_ERROR = 'NETWORK_ERROR';

/** Returns true when `error` is an ApiError with one of the given codes. */
export function hasErrorCode(error: unknown, ...codes: string[]): error is ApiError {
  return error instanceof ApiError && codes.includes(error.code);
}

/** Parses Retry-After, which is either a number of seconds or an HTTP date (RFC 9110, section 10.2.3). */
export function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || header.trim() === '') {
    return undefined;
  }
  if (/^\d+$/.test(header.trim())) {
    return Number(header.trim());
  }
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Builds the ApiError for a non-2xx response from its status, body text and Retry-After header. */
export function errorFromResponse(status: number, bodyText: string, retryAfter: string | null = null): ApiError {
  const retryAfterSeconds = parseRetryAfter(retryAfter);
  try {
    const body = JSON.parse(bodyText) as Partial<ApiErrorBody>;
    if (body.error !== undefined && typeof body.error.message === 'string') {
      const { code, message, requestId, fields, ...details } = body.error;
      return new ApiError(status, code, message, requestId, retryAfterSeconds, details, Array.isArray(fields) ? fields : []);
    }
  } catch {
    // Not JSON, for example an HTML page from a proxy: fall through to the generic message.
  }
  return new ApiError(status, `HTTP_${status}`, i18n.t('errors.unexpected', { status }), undefined, retryAfterSeconds);
}
