import { useCallback, useEffect, useState } from 'react';

import { apiRequest } from '../api/client';

export interface ApiResource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads the resource again, for example after a change. The current data stays shown until the new data arrives. */
  reload: () => void;
}

type Outcome<T> = { path: string; data: T; error?: undefined } | { path: string; data?: undefined; error: unknown };

/**
 * Loads GET `path` from the API, and again whenever the path changes. A null
 * path loads nothing. `authenticated` is false for public routes such as invitations.
 */
export function useApiResource<T>(path: string | null, authenticated = true): ApiResource<T> {
  const [outcome, setOutcome] = useState<Outcome<T> | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  useEffect(() => {
    if (path === null) {
      return;
    }
    const controller = new AbortController();
    apiRequest<T>(path, { signal: controller.signal, authenticated })
      .then((data) => setOutcome({ path, data }))
      .catch((error: unknown) => {
        // An aborted request belongs to a path the page no longer shows.
        if (!controller.signal.aborted) {
          setOutcome({ path, error });
        }
      });
    return () => controller.abort();
    // `generation` is a dependency so that reload() runs the effect again.
  }, [path, authenticated, generation]);

  // A result for an earlier path is never shown, so following a link does not
  // display the previous object while the next one loads.
  const current = outcome !== null && outcome.path === path ? outcome : null;
  return {
    data: current?.data,
    error: current?.error,
    loading: path !== null && current === null,
    reload,
  };
}
