import { useEffect, useState } from 'react';
import type { List } from '../api/types';
import { type RequestResult, useRequest } from './useRequest';

export interface CursorPages<T> {
  /** The first page, reloaded when the deps change. */
  readonly first: RequestResult<List<T>>;
  /** The first page's items, then those of every older page loaded. */
  readonly items: readonly T[];
  /** The cursor of the next older page, or null at the end. */
  readonly nextCursor: string | null;
  readonly loadingOlder: boolean;
  /** Why the last older page could not be read; the cursor stays, so it can be tried again. */
  readonly olderError?: unknown;
  readonly loadOlder: () => Promise<void>;
}

/** A list read page by page with the REST API's cursors: the first page on the deps, older ones on demand. */
export function useCursorPages<T>(
  fetchPage: (cursor?: string) => Promise<List<T>>,
  deps: ReadonlyArray<string | number | boolean | null | undefined>,
): CursorPages<T> {
  const first = useRequest(() => fetchPage(), deps);
  const [older, setOlder] = useState<{ items: T[]; nextCursor: string | null; error?: unknown }>({
    items: [],
    nextCursor: null,
  });
  const [loadingOlder, setLoadingOlder] = useState(false);
  useEffect(() => setOlder({ items: [], nextCursor: null }), [first.value]);

  const nextCursor =
    older.items.length > 0 || older.error ? older.nextCursor : (first.value?.nextCursor ?? null);
  const loadOlder = async () => {
    if (nextCursor === null) {
      return;
    }
    setLoadingOlder(true);
    try {
      const page = await fetchPage(nextCursor);
      setOlder((o) => ({ items: [...o.items, ...page.items], nextCursor: page.nextCursor }));
    } catch (error) {
      setOlder((o) => ({ ...o, error }));
    } finally {
      setLoadingOlder(false);
    }
  };
  return {
    first,
    items: [...(first.value?.items ?? []), ...older.items],
    nextCursor,
    loadingOlder,
    olderError: older.error,
    loadOlder,
  };
}
