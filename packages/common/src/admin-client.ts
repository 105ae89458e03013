/** The services that call admin, each with a credential of its own. */
export const ADMIN_CALLERS = ['gateway', 'default-backend', 'registration', 'cli'] as const;
export type AdminCaller = (typeof ADMIN_CALLERS)[number];

export interface AdminResponse<T> {
  status: number;
  body: T;
}

export interface AdminClient {
  request<T = unknown>(method: string, path: string, body?: unknown, options?: { timeoutMs?: number }): Promise<AdminResponse<T>>;
}

/**
 * Creates a client for admin's internal API. Every request carries the
 * caller's own credential; admin rejects requests without one.
 */
export function createAdminClient(baseUrl: string, credential: string): AdminClient {
  return {
    async request<T>(method: string, path: string, body?: unknown, options: { timeoutMs?: number } = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${credential}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(new URL(path, baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
  };
}
