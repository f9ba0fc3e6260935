import { costscale } from '../api/client';
import { useRequest } from './useRequest';

let cached: Promise<string> | undefined;

/** The price book's currency (from the overview), fetched once per page load; USD until it is known. */
export function useCurrency(): string {
  const state = useRequest(() => {
    cached ??= costscale.overview().then(
      (o) => o.spend.currency,
      (error: unknown) => {
        cached = undefined;
        throw error;
      },
    );
    return cached;
  }, []);
  return state.status === 'success' ? state.value : 'USD';
}
