import { costscale } from '../api/client';
import type { Policy } from '../api/types';
import { useRequest } from './useRequest';

/** Every policy the adapter knows, sorted by namespace and name. */
export function usePolicies() {
  return useRequest(async (): Promise<Policy[]> => {
    const page = await costscale.policies();
    return [...page.items].sort((a, b) => policyKey(a).localeCompare(policyKey(b)));
  }, []);
}

export const policyKey = (p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`;

/** `namespace/name` → its parts; undefined for anything else. */
export function parsePolicyKey(key: string | null): { namespace: string; name: string } | undefined {
  const match = key === null ? null : /^([^/]+)\/([^/]+)$/.exec(key);
  return match ? { namespace: match[1]!, name: match[2]! } : undefined;
}
