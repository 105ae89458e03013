import i18n, { currentLanguage } from '../i18n';
import { ApiError, errorFromResponse, NETWORK_ERROR } from './api-error';
import { ensureFreshSession, renewSession } from './session';
import { endSession, getSession } from './session-store';

export { ApiError, hasErrorCode, NETWORK_ERROR } from './api-error';

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

/**
 * Ends the session after a signed-in request got 401 that a renewed token
 * did not cure. The route guard (RequireSession) then sends the user to the
 * sign-in page, which shows why.
 */
export function handleUnauthorized(error: ApiError, authenticated: boolean): void {
  // A wrong current password before a factor change is a 401 from a valid session, which must go on.
  if (error.status !== 401 || !authenticated || error.code === 'REAUTHENTICATION_FAILED') {
    return;
  }
  if (error.code === 'SESSION_REVOKED') {
    endSession('revoked');
  } else if (error.code === 'SESSION_EXPIRED') {
    endSession('expired');
  } else {
    endSession('rejected');
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** False for the public invitation and sign-in routes, whose 401 is a wrong password, not an ended session. */
  authenticated?: boolean;
  signal?: AbortSignal;
  /** Lets the request finish when the page unloads, for a small body (browsers allow 64 KiB in all). */
  keepalive?: boolean;
}

async function send(path: string, options: RequestOptions, authenticated: boolean): Promise<Response> {
  const headers = apiHeaders(authenticated);
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  try {
    return await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      keepalive: options.keepalive,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') {
      throw error;
    }
    throw new ApiError(0, NETWORK_ERROR, i18n.t('errors.network'));
  }
}

async function readError(response: Response): Promise<ApiError> {
  return errorFromResponse(response.status, await response.text(), response.headers.get('Retry-After'));
}

/**
 * Sends a request to the tenant API and returns the parsed JSON response.
 * A signed-in request renews an access token that is about to expire, and
 * after a 401 AUTH_TOKEN_INVALID renews it once and sends the request again,
 * so an expired access token does not interrupt the user's work while the
 * refresh cookie is valid.
 * Throws ApiError with the server's translated message for a non-2xx response,
 * and with code NETWORK_ERROR when the server cannot be reached.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const authenticated = options.authenticated ?? true;
  if (authenticated) {
    await ensureFreshSession();
  }

  let response = await send(path, options, authenticated);
  if (!response.ok) {
    let error = await readError(response);
    if (authenticated && error.status === 401 && error.code === 'AUTH_TOKEN_INVALID' && (await renewSession()) !== null) {
      response = await send(path, options, authenticated);
      error = response.ok ? error : await readError(response);
    }
    if (!response.ok) {
      handleUnauthorized(error, authenticated);
      throw error;
    }
  }

  if (response.status === 204) {
    return undefined as T;
  }
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
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
