import { parseLabelSelector } from '../../../k8s';
import { lookup, type LookupFailure, type LookupResult } from '../../../snapshot/lookup';
import type { ServedMetric } from '../../../snapshot/snapshot';
import type { ApiContext } from '../context';
import { httpProblem, type ProblemError } from '../problem';
import { route, type Route } from '../router';
import { noQuery, policyParams } from '../schemas';

// KEDA's metrics-api scaler (keda.md §3): one policy's values as a flat JSON object, so a trigger's
// valueLocation is a one-word GJSON path (`replicas`). The values are exactly what an HPA in the
// namespace reads with `labelSelector=policy=<name>` from the External Metrics API, through the same
// snapshot lookup; when it has nothing servable (stale, none yet) the answer is an error status, which
// KEDA counts as a failure so the ScaledObject's `fallback` applies.

const RETRY_AFTER = { 'Retry-After': '15' };

function problemOf(failure: LookupFailure): ProblemError {
  switch (failure.kind) {
    case 'no-policy':
    case 'unknown-metric':
      return httpProblem(404, failure.message);
    // Policies of that name in other namespaces that allow this one: KEDA cannot pick, the user must.
    case 'ambiguous':
      return httpProblem(409, failure.message);
    default:
      return httpProblem(503, failure.message, RETRY_AFTER);
  }
}

export function kedaRoutes(ctx: ApiContext): Route[] {
  return [
    route({
      method: 'GET',
      path: '/api/v1/keda/namespaces/{namespace}/policies/{name}',
      operationId: 'getKedaPolicyValues',
      summary: "One policy's served values for KEDA's metrics-api scaler (error status when stale)",
      tag: 'keda',
      role: 'viewer',
      params: policyParams,
      query: noQuery,
      success: { status: 200, component: 'KedaPolicyValues', description: "the policy's current values" },
      problems: [404, 409, 503],
      handler: async ({ params, now }) => {
        const snapshot = ctx.snapshot.current();
        const stalenessMs = ctx.config().engine.stalenessSeconds * 1000;
        const selector = parseLabelSelector(`policy=${params.name}`);
        const find = (metric: ServedMetric): LookupResult =>
          lookup(snapshot, { namespace: params.namespace, metric, selector }, now, stalenessMs);
        const replicas = find('costscale_replicas');
        if (!replicas.ok) throw problemOf(replicas.failure);
        const served = replicas.selection.values[0]!;
        const load = find('costscale_load');
        if (!load.ok) throw problemOf(load.failure);
        const optional = (metric: ServedMetric): number | null => {
          const result = find(metric);
          return result.ok ? (result.selection.values[0]?.value ?? null) : null;
        };
        return {
          status: 200,
          body: {
            namespace: served.policy.namespace,
            name: served.policy.name,
            timestamp: new Date(served.at).toISOString(),
            replicas: served.value,
            load: load.selection.values[0]!.value,
            costPerHour: optional('costscale_cost_per_hour'),
            budgetPressure: optional('costscale_budget_pressure'),
            forecastDemand: optional('costscale_forecast_demand'),
          },
        };
      },
    }),
  ];
}
