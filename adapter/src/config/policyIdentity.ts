import { parseLabelSelector } from '../k8s/label-selector';
import type { Budget, Policy } from './schema';

// How a policy is named and found: its key, the labels HPA selectors and budget scopes match, and the
// policies a budget covers. Engine, servers, store and recommenders all ask these the same way.

/** `namespace/name`: a policy's identity across the file, the API and the snapshot. */
export function policyKey(p: { readonly namespace: string; readonly name: string }): string {
  return `${p.namespace}/${p.name}`;
}

/**
 * The keys of a policy list, made once per list (a loaded configuration is not changed in place): a tick
 * looks every policy up by key several times, and the same strings each time are hashed once.
 */
export function policyKeys(policies: readonly Policy[]): readonly string[] {
  let keys = KEYS.get(policies);
  if (keys === undefined) KEYS.set(policies, (keys = Object.freeze(policies.map(policyKey))));
  return keys;
}
const KEYS = new WeakMap<readonly Policy[], readonly string[]>();

/** Labels a policy carries for HPA selectors and budget scopes; policy=<name> always. */
export function policyLabels(policy: Policy): Record<string, string> {
  return { ...policy.labels, policy: policy.name };
}

/**
 * The policies a budget's scope covers: namespaces and/or a label selector over policy labels. The same
 * array for the same budget and policy list (a loaded configuration is not changed in place): every
 * tick asks for every budget, and scanning 100,000 policies for each of 20 budgets twice a tick was a
 * second of it (issue 16).
 */
export function policiesInScope(budget: Budget, policies: readonly Policy[]): readonly Policy[] {
  let byBudget = SCOPES.get(policies);
  if (byBudget === undefined) SCOPES.set(policies, (byBudget = new WeakMap()));
  let scoped = byBudget.get(budget);
  if (scoped === undefined) byBudget.set(budget, (scoped = Object.freeze(scopeOf(budget, policies))));
  return scoped;
}
const SCOPES = new WeakMap<readonly Policy[], WeakMap<Budget, readonly Policy[]>>();

function scopeOf(budget: Budget, policies: readonly Policy[]): Policy[] {
  const selector =
    budget.scope.selector === undefined ? undefined : parseLabelSelector(budget.scope.selector);
  const namespaces = budget.scope.namespaces;
  const scoped = namespaces !== undefined || selector !== undefined;
  return policies.filter(
    (p) =>
      p.budget === budget.name ||
      (scoped &&
        (namespaces === undefined || namespaces.includes(p.namespace)) &&
        (selector === undefined || selector.matches(policyLabels(p)))),
  );
}
