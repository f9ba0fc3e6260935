import type { ManagedState } from '../config/managed';
import { loadManagedBudgets } from './budgets';
import type { Queryable } from './db';
import { activeOverrides } from './overrides';
import { loadManagedPolicies, type InvalidStoredItem } from './policies';

/** Everything the REST API manages that the engine must see, read in one go. */
export async function loadManagedState(
  db: Queryable,
  nowMs: number,
): Promise<ManagedState & { invalid: InvalidStoredItem[] }> {
  const [policies, budgets, overrides] = await Promise.all([
    loadManagedPolicies(db),
    loadManagedBudgets(db),
    activeOverrides(db, nowMs),
  ]);
  return {
    policies: policies.policies,
    budgets: budgets.budgets,
    overrides,
    invalid: [...policies.invalid, ...budgets.invalid],
  };
}
