import { policyKey } from '../../../config/policyIdentity';
import type { AccuracySummary } from '../../../forecast/accuracy';
import { policySeries, executeRangePlan, planQueries } from '../../../sources';
import { forecastTimestamps, latestForecast } from '../../../store/forecasts';
import type { ApiContext } from '../context';
import { httpProblem, validationProblem } from '../problem';
import { route, type Route } from '../router';
import { forecastQuery, policyParams } from '../schemas';
import { iso, policyCatalog } from '../views';

// A policy's demand: actuals from Prometheus, the latest decision's figures with the forecasting
// mode, the newest stored forecast with its quantile bands, and the online accuracy of served
// forecasts (the engine's; the stored forecast's figures when the engine has none yet).

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function accuracyView(a: AccuracySummary) {
  return {
    count: a.count,
    mase: orNull(a.mase),
    smape: orNull(a.smape),
    coverage: orNull(a.coverage),
    bias: orNull(a.bias),
    relativeMae: orNull(a.relativeMae),
  };
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const durationMs = (d: string): number => Number(d.slice(0, -1)) * UNIT_MS[d.slice(-1)]!;
const MAX_WINDOW_MS = 7 * 86_400_000;
const MIN_STEP_MS = 15_000;
const MAX_POINTS = 11_000; // Prometheus refuses range queries with more points per series

export function forecastRoutes(ctx: ApiContext): Route[] {
  return [
    route({
      method: 'GET',
      path: '/api/v1/policies/{namespace}/{name}/forecast',
      operationId: 'getForecast',
      summary: 'Recent demand, the point forecast with quantile bands, and forecast accuracy',
      tag: 'forecasts',
      role: 'viewer',
      params: policyParams,
      query: forecastQuery,
      success: { status: 200, component: 'Forecast', description: 'actuals and forecast' },
      problems: [404],
      handler: async ({ params, query, now }) => {
        const windowMs = query.window === undefined ? 6 * 3_600_000 : durationMs(query.window);
        const stepMs =
          query.step === undefined
            ? Math.max(MIN_STEP_MS, Math.ceil(windowMs / 240 / 1000) * 1000)
            : durationMs(query.step);
        if (windowMs > MAX_WINDOW_MS) {
          throw validationProblem([{ location: 'query', path: 'window', message: 'must be at most 7d' }]);
        }
        if (windowMs / stepMs > MAX_POINTS) {
          throw validationProblem([
            {
              location: 'query',
              path: 'step',
              message: `gives more than ${MAX_POINTS} points over the window`,
            },
          ]);
        }
        const item = (await policyCatalog(ctx.db, ctx.config())).find(
          (c) => c.policy.namespace === params.namespace && c.policy.name === params.name,
        );
        if (item === undefined) throw httpProblem(404, `no policy ${params.namespace}/${params.name}`);
        const policy = item.policy;

        const plan = planQueries([{ backend: policy.backend, query: policy.demand.query }]);
        const [outcomes, stored] = await Promise.all([
          executeRangePlan(plan, ctx.backends(), { start: now - windowMs, end: now, stepMs }),
          latestForecast(ctx.db, policy.namespace, policy.name, now),
        ]);
        const history = policySeries(plan, outcomes)[0]!;
        const entry = ctx.snapshot.current()?.policies.find((p) => policyKey(p) === policyKey(policy));
        const d = entry?.decision;
        const f = entry?.forecast;
        return {
          status: 200,
          body: {
            namespace: policy.namespace,
            name: policy.name,
            unit: policy.demand.unit,
            actuals: {
              query: policy.demand.query,
              stepSeconds: stepMs / 1000,
              timestamps: history.ok ? Array.from(history.timestamps) : [],
              values: history.ok ? Array.from(history.values, orNull) : [],
              error: history.ok ? null : history.error,
            },
            current: {
              at: d === undefined ? null : iso(d.at),
              demand: d?.demand ?? null,
              demandQuantile: d?.demandQuantile ?? null,
              tau: d?.tau ?? null,
              targetDemand: d?.targetDemand ?? null,
              mode: f?.mode ?? null,
              reason: f?.reason ?? null,
              model: f?.model ?? null,
              fittedAt: f?.fittedAt === undefined ? null : iso(f.fittedAt),
            },
            forecast:
              stored === undefined
                ? null
                : {
                    madeAt: iso(stored.madeAt),
                    model: stored.model,
                    stepSeconds: stored.stepSeconds,
                    timestamps: forecastTimestamps(stored),
                    point: stored.point,
                    quantiles: stored.quantiles,
                  },
            accuracy: f?.accuracy === undefined ? (stored?.accuracy ?? null) : accuracyView(f.accuracy),
            accuracySource: f?.accuracy !== undefined ? 'online' : stored?.accuracy ? 'stored' : null,
          },
        };
      },
    }),
  ];
}
