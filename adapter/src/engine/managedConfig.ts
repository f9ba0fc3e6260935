import type { Budget, Config, Policy } from '../config/schema';
import type { ReplicaOverride } from '../domain/decide';
import { policyKey } from './queries';

// The configuration the engine runs: the file's policies and budgets plus those created through the
// REST API, with manual overrides from the API in front of each policy's own (decide() applies the
// first unexpired override in list order, so an API override wins). On a name clash the file wins:
// the file is what GitOps reviewed.

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

export function withManaged(file: Config, managed: ManagedState): EffectiveConfig {
  const budgetNames = new Set(file.budgets.map((b) => b.name));
  const shadowedBudgets = managed.budgets.filter((b) => budgetNames.has(b.name)).map((b) => b.name);
  const policyKeys = new Set(file.policies.map(policyKey));
  const shadowedPolicies = managed.policies.filter((p) => policyKeys.has(policyKey(p))).map(policyKey);
  const policies = [...file.policies, ...managed.policies.filter((p) => !policyKeys.has(policyKey(p)))];
  return {
    config: {
      ...file,
      budgets: [...file.budgets, ...managed.budgets.filter((b) => !budgetNames.has(b.name))],
      policies: policies.map((p) => {
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
    shadowed: { policies: shadowedPolicies, budgets: shadowedBudgets },
  };
}
