import i18n, { currentLanguage } from '../i18n';
import { endSession, getSession } from './session-store';
import type { ApiErrorBody } from './types';

/** An error response of the tenant API, or a failure to reach it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Code of the ApiError raised when the request never got an HTTP response. */
export const NETWORK_ERROR = 'NETWORK_ERROR';

/** Returns the headers every API request carries: language, accepted type and, if signed in, the token. */
export function apiHeaders(authenticated: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    // The server translates error messages into this language.
    'Accept-Language': currentLanguage(),
  };
  const session = getSession();
  if (authenticated && session !== null) {
    headers.Authorization = `Bearer ${session.accessToken}`;
  }
  return headers;
}

/** Builds the ApiError for a non-2xx response from its status and body text. */
export function errorFromResponse(status: number, bodyText: string): ApiError {
  try {
    const body = JSON.parse(bodyText) as Partial<ApiErrorBody>;
    if (body.error !== undefined && typeof body.error.message === 'string') {
      return new ApiError(status, body.error.code, body.error.message, body.error.requestId);
    }
  } catch {
    // Not JSON, for example an HTML page from a proxy: fall through to the generic message.
  }
  return new ApiError(status, `HTTP_${status}`, i18n.t('errors.unexpected', { status }));
}

/**
 * Ends the session when a signed-in request got 401. The route guard
 * (RequireSession) then sends the user to the sign-in page.
 */
export function handleUnauthorized(status: number, authenticated: boolean): void {
  if (status === 401 && authenticated) {
    endSession('rejected');
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** False for the public invitation and sign-in routes, whose 401 is a wrong password, not an ended session. */
  authenticated?: boolean;
  signal?: AbortSignal;
}

/**
 * Sends a request to the tenant API and returns the parsed JSON response.
 * Throws ApiError with the server's translated message for a non-2xx response,
 * and with code NETWORK_ERROR when the server cannot be reached.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const authenticated = options.authenticated ?? true;
  const headers = apiHeaders(authenticated);
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }

  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') {
      throw error;
    }
    throw new ApiError(0, NETWORK_ERROR, i18n.t('errors.network'));
  }

  if (!response.ok) {
    handleUnauthorized(response.status, authenticated);
    throw errorFromResponse(response.status, await response.text());
  }
  if (response.status === 204) {
    return undefined as T;
  }
  return (await response.json()) as T;
}

/** Builds a query string from the parameters that have a value. */
export function queryString(parameters: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== null && value !== undefined && value !== '') {
      search.set(name, String(value));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
