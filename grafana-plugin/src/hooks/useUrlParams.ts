import { useSearchParams } from 'react-router-dom';

/**
 * The page's URL query, and one update that sets or deletes several keys at once (null or '' deletes).
 * Two updates in a row would lose the first: react-router does not chain functional updates of the
 * search params, each reads the params of the last render.
 */
export function useUrlParams(): [URLSearchParams, (changes: Record<string, string | null>) => void] {
  const [params, setParams] = useSearchParams();
  const update = (changes: Record<string, string | null>) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === '') {
          next.delete(key);
        } else {
          next.set(key, value);
        }
      }
      return next;
    });
  return [params, update];
}
