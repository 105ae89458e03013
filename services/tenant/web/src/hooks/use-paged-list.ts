import { useCallback, useEffect, useRef, useState } from 'react';

/** One page of a list and the cursor of the page after it (null on the last page). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

export type PageLoader<T> = (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>;

export interface PagedList<T> {
  items: T[];
  error: unknown;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
  /** Puts an item the user just created at the top without reloading. */
  prepend: (item: T) => void;
  /** Changes the loaded items in place, for example after a live notice, without reloading or moving the scroll position. */
  updateItems: (change: (items: T[]) => T[]) => void;
  /** Loads the list again from the first page. */
  reload: () => void;
}

/**
 * Keeps a list that grows page by page ("load more"). Changing `listKey`
 * (for example the object type) starts again from the first page.
 */
export function usePagedList<T>(listKey: string, loadPage: PageLoader<T>): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const loader = useRef(loadPage);
  loader.current = loadPage;
  const inFlight = useRef<AbortController | null>(null);

  const fetchPage = useCallback((from: string | null, replace: boolean) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setLoading(true);
    setError(undefined);
    loader
      .current(from, controller.signal)
      .then((page) => {
        setItems((previous) => (replace ? page.items : [...previous, ...page.items]));
        setCursor(page.next);
        setHasMore(page.next !== null);
        setLoading(false);
      })
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) {
          setError(failure);
          setLoading(false);
        }
      });
  }, []);

  useEffect(() => {
    setItems([]);
    fetchPage(null, true);
    return () => inFlight.current?.abort();
  }, [listKey, fetchPage]);

  const loadMore = useCallback(() => fetchPage(cursor, false), [cursor, fetchPage]);
  const prepend = useCallback((item: T) => setItems((previous) => [item, ...previous]), []);
  const updateItems = useCallback((change: (items: T[]) => T[]) => setItems(change), []);
  const reload = useCallback(() => fetchPage(null, true), [fetchPage]);

  return { items, error, loading, hasMore, loadMore, prepend, updateItems, reload };
}
