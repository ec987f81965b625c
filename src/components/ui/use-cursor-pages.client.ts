'use client';

import { useCallback, useEffect, useState } from 'react';
import { ApiProblem } from '../../lib/client/api';

/** One keyset page of a list as the org API returns it. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorPages<T> {
  items: T[];
  /** The cursor of the next page; null once the whole list is loaded. */
  cursor: string | null;
  loading: boolean;
  /** Why the last page failed; cleared when the next attempt starts. */
  problem: ApiProblem | null;
  loadMore: () => Promise<void>;
}

/**
 * A list that starts from the server's first page and appends the following ones on demand.
 * `fetchPage` should be stable (useCallback) so `loadMore` only changes when the list does.
 */
export function useCursorPages<T>(
  initialPage: CursorPage<T>,
  fetchPage: (cursor: string) => Promise<CursorPage<T>>,
): CursorPages<T> {
  const [items, setItems] = useState(initialPage.items);
  const [cursor, setCursor] = useState(initialPage.nextCursor);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const loadMore = useCallback(async () => {
    if (!cursor || loading) return;
    setLoading(true);
    setProblem(null);
    try {
      const page = await fetchPage(cursor);
      setItems((current) => [...current, ...page.items]);
      setCursor(page.nextCursor);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'Error', String(error)));
    } finally {
      setLoading(false);
    }
  }, [cursor, loading, fetchPage]);

  return { items, cursor, loading, problem, loadMore };
}

/**
 * Infinite scroll: fetch the next page once the last rendered row is within `margin` rows of the end.
 * Not after a failure: the person retries with the button, rather than the list hammering a failing
 * server.
 */
export function useLoadMoreNearEnd<T>(
  pages: CursorPages<T>,
  lastRenderedIndex: number,
  rowCount: number,
  margin: number,
) {
  const { cursor, loading, problem, loadMore } = pages;
  useEffect(() => {
    if (lastRenderedIndex >= rowCount - margin && cursor && !loading && !problem) void loadMore();
  }, [lastRenderedIndex, rowCount, margin, cursor, loading, problem, loadMore]);
}
