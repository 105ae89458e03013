/** A tenant's route as admin returns it from `GET /v1/routes/:name`. */
export interface TenantRoute {
  state: string;
  upstream: { host: string; port: number } | null;
}

/** Fetches a route from admin. Resolves to null when admin does not know the tenant. */
export type RouteLookup = (name: string) => Promise<TenantRoute | null>;

export interface RouteCacheOptions {
  lookup: RouteLookup;
  /** How long a lookup result is reused, counted from when the lookup started (default 2000 ms). */
  ttlMs?: number;
  /** Entries kept before the oldest are dropped (default 10 000), so random host names cannot grow the cache without bound. */
  maxEntries?: number;
  now?: () => number;
}

export interface RouteCache {
  /** The route of a tenant, or null for an unknown tenant. Rejects when the lookup fails; failures are not cached. */
  get(name: string): Promise<TenantRoute | null>;
  /** Drops the cached route, so the next request queries admin again. */
  invalidate(name: string): void;
}

interface Entry {
  route: TenantRoute | null;
  expiresAt: number;
}

/**
 * Creates a short-lived cache in front of admin's route lookup. Concurrent
 * requests for one tenant share a single lookup.
 */
export function createRouteCache(options: RouteCacheOptions): RouteCache {
  const ttlMs = options.ttlMs ?? 2000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const pending = new Map<string, Promise<TenantRoute | null>>();

  function remember(name: string, route: TenantRoute | null, startedAt: number): void {
    entries.delete(name);
    entries.set(name, { route, expiresAt: startedAt + ttlMs });
    if (entries.size <= maxEntries) return;
    // Map iteration follows insertion order, so the first key is the oldest entry.
    const oldest = entries.keys().next().value;
    if (oldest !== undefined) entries.delete(oldest);
  }

  return {
    get(name) {
      const entry = entries.get(name);
      if (entry && entry.expiresAt > now()) return Promise.resolve(entry.route);
      const inFlight = pending.get(name);
      if (inFlight) return inFlight;

      const startedAt = now();
      const lookup = options
        .lookup(name)
        .then((route) => {
          // Skip caching when invalidate() ran during the lookup, because the result may predate the failure.
          if (pending.get(name) === lookup) remember(name, route, startedAt);
          return route;
        })
        .finally(() => {
          if (pending.get(name) === lookup) pending.delete(name);
        });
      pending.set(name, lookup);
      return lookup;
    },

    invalidate(name) {
      entries.delete(name);
      pending.delete(name);
    },
  };
}
