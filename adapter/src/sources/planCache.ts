import {
  DEFAULT_PLANNER_OPTIONS,
  planQueries,
  type PlannerOptions,
  type PolicyQuery,
  type QueryPlan,
} from './queryPlanner';

// Policies change rarely between ticks; planning 10,000 of them means parsing 10,000 queries. The
// cache re-plans only when a policy's backend or query, their order, or the options changed.

export class PlanCache {
  private last:
    { backends: string[]; queries: string[]; options: PlannerOptions; plan: QueryPlan } | undefined;

  plan(policies: readonly PolicyQuery[], options: PlannerOptions = DEFAULT_PLANNER_OPTIONS): QueryPlan {
    const last = this.last;
    if (last !== undefined && last.options === options && unchanged(last, policies)) return last.plan;
    const plan = planQueries(policies, options);
    this.last = {
      backends: policies.map((p) => p.backend),
      queries: policies.map((p) => p.query),
      options,
      plan,
    };
    return plan;
  }
}

function unchanged(
  last: { backends: string[]; queries: string[] },
  policies: readonly PolicyQuery[],
): boolean {
  if (last.queries.length !== policies.length) return false;
  for (let i = 0; i < policies.length; i++) {
    const p = policies[i]!;
    if (p.query !== last.queries[i] || p.backend !== last.backends[i]) return false;
  }
  return true;
}
