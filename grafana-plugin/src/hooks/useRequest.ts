import { useCallback, useEffect, useRef, useState } from 'react';

export type RequestState<T> =
  | { readonly status: 'loading'; readonly value?: T }
  | { readonly status: 'error'; readonly error: unknown; readonly value?: T }
  | { readonly status: 'success'; readonly value: T };

export type RequestResult<T> = RequestState<T> & { readonly reload: () => void };

type Settled<T> = { readonly key: string; readonly value?: T } & (
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown }
);

/**
 * Runs `load` when the deps (primitives) change and on `reload()`. Answers of superseded runs are
 * dropped, so a slow old request never overwrites a newer one; the last value stays available while
 * a newer request loads.
 */
export function useRequest<T>(
  load: () => Promise<T>,
  deps: ReadonlyArray<string | number | boolean | null | undefined>,
): RequestResult<T> {
  const [generation, setGeneration] = useState(0);
  const [settled, setSettled] = useState<Settled<T> | undefined>(undefined);
  const latest = useRef('');
  const key = `${JSON.stringify(deps)}#${generation}`;

  useEffect(() => {
    latest.current = key;
    load().then(
      (value) => {
        if (latest.current === key) {
          setSettled({ key, ok: true, value });
        }
      },
      (error: unknown) => {
        if (latest.current === key) {
          setSettled((previous) => ({ key, ok: false, error, value: previous?.value }));
        }
      },
    );
    // `load` is a closure over the deps, which `key` stands for.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  let state: RequestState<T>;
  if (settled === undefined || settled.key !== key) {
    state = { status: 'loading', value: settled?.value };
  } else if (settled.ok) {
    state = { status: 'success', value: settled.value };
  } else {
    state = { status: 'error', error: settled.error, value: settled.value };
  }
  return { ...state, reload };
}
