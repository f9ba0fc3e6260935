import type { ReplicaOverride } from '../domain/decide';
import { policyKey } from './policyIdentity';
import type { Budget, Config, Policy } from './schema';

// The configuration in force: the file's policies and budgets plus those created through the REST
// API, with manual overrides from the API in front of each policy's own (decide() applies the first
// unexpired override in list order, so an API override wins). On a name clash the file wins: the
// file is what GitOps reviewed. The engine, the dry run and the REST views all merge through here.

export interface ManagedState {
  readonly policies: readonly Policy[];
  readonly budgets: readonly Budget[];
  /** Active overrides keyed `namespace/policy`. */
  readonly overrides: ReadonlyMap<string, ReplicaOverride>;
}

export interface EffectiveConfig {
  readonly config: Config;
  /** API-managed policies (`namespace/name`) and budgets (`name`) hidden by a file entry of the same name. */
  readonly shadowed: { readonly policies: string[]; readonly budgets: string[] };
}

/** File items first, then the managed ones whose key no file item has; `shadowed` are the rest. */
export function fileFirst<T>(
  file: readonly T[],
  managed: readonly T[],
  key: (item: T) => string,
): { items: T[]; shadowed: T[] } {
  const fileKeys = new Set(file.map(key));
  const shadowed = managed.filter((m) => fileKeys.has(key(m)));
  return { items: [...file, ...managed.filter((m) => !fileKeys.has(key(m)))], shadowed };
}

export function withManaged(file: Config, managed: ManagedState): EffectiveConfig {
  const budgets = fileFirst(file.budgets, managed.budgets, (b) => b.name);
  const policies = fileFirst(file.policies, managed.policies, policyKey);
  return {
    config: {
      ...file,
      budgets: budgets.items,
      policies: policies.items.map((p) => {
        const o = managed.overrides.get(policyKey(p));
        if (o === undefined) return p;
        const first = {
          replicas: o.replicas,
          expiresAt: new Date(o.expiresAt).toISOString(),
          reason: o.reason ?? '',
        };
        return { ...p, overrides: [first, ...p.overrides] };
      }),
    },
    shadowed: { policies: policies.shadowed.map(policyKey), budgets: budgets.shadowed.map((b) => b.name) },
  };
}
