import type { InstantQueryOptions, PrometheusQuerier, RangeQueryOptions } from './prometheusClient';
import { PrometheusError } from './prometheusError';
import type { QueryResponse } from './prometheusResponse';
import type { QueryPlan } from './queryPlanner';
import type { QueryOutcome } from './results';

// Runs a plan's queries, all at once; each client bounds its own concurrency. A failing query is an
// outcome, not an exception, so one bad backend or query never hides the others' results.

export type Backends = ReadonlyMap<string, PrometheusQuerier>;

/** Instant queries at `options.time` (the backend's now when absent), aligned with `plan.queries`. */
export function executeInstantPlan(
  plan: QueryPlan,
  backends: Backends,
  options: InstantQueryOptions = {},
): Promise<QueryOutcome[]> {
  return execute(plan, backends, (client, query) => client.instant(query, options));
}

/** Range queries over `options`, aligned with `plan.queries`. */
export function executeRangePlan(
  plan: QueryPlan,
  backends: Backends,
  options: RangeQueryOptions,
): Promise<QueryOutcome[]> {
  return execute(plan, backends, (client, query) => client.range(query, options));
}

function execute(
  plan: QueryPlan,
  backends: Backends,
  run: (client: PrometheusQuerier, query: string) => Promise<QueryResponse>,
): Promise<QueryOutcome[]> {
  return Promise.all(
    plan.queries.map(async ({ backend, query }): Promise<QueryOutcome> => {
      const client = backends.get(backend);
      if (client === undefined) {
        const known = [...backends.keys()].join(', ') || 'none';
        const error = new PrometheusError(`no such backend is configured (have: ${known})`, {
          backend,
          query,
          kind: 'unknown-backend',
          retryable: false,
        });
        return { ok: false, error };
      }
      try {
        return { ok: true, response: await run(client, query) };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
      }
    }),
  );
}
