import type { Budget, Config, Policy } from '../config/schema';
import {
  blendedCostPerReplicaHour,
  budgetEvents,
  budgetPeriodAt,
  budgetStatus,
  decide,
  decisionBudget,
  priceSetFromBook,
  priceSetFromNodes,
  reactiveDistribution,
  type BudgetEvent,
  type BudgetStatus,
  type DecisionInput,
  type PriceSet,
  type RecordedBudgetState,
  type ReplicaResources,
} from '../domain';
import {
  demandHistories,
  demandValues,
  executeInstantPlan,
  executeRangePlan,
  fetchNodePrices,
  fetchReplicaRequests,
  workloadKey,
  type WorkloadRef,
  planQueries,
  PlanCache,
  type Backends,
  type DemandValue,
} from '../sources';
import type { DecisionRecord } from '../store/decisions';
import { DemandHistory } from './demandHistory';
import type { Forecasting, ForecastView } from './forecasting';
import type { Evaluate, TickOutput } from './engine';
import { budgetBackend, budgetSpendQuery } from './queries';
import { policiesInScope, policyKey, policyLabels } from '../config/policyIdentity';
import { currentReplicasQuery } from '../sources/kubeStateMetrics';
import type {
  BudgetSnapshot,
  PolicyForecast,
  PolicySnapshot,
  ServedMetric,
  Snapshot,
} from '../snapshot/snapshot';

// One tick's work for all policies: gather inputs with one request per query template, assemble each
// policy's DecisionInput, decide, and turn the results into the next snapshot and decision records.

export interface EvaluatorDeps {
  /** Seasonal forecasts with accuracy gating; without it the reactive distribution is used. */
  forecasting?: Forecasting;
  /** The Prometheus clients by backend name, for the current configuration. */
  backends: () => Backends;
  /** Threshold crossings of one budget in the period starting at `periodStart` (epoch ms). */
  onBudgetEvents?: (events: BudgetEvent[], periodStart: number) => void;
  /** Samples of recent demand kept per policy, at the tick step (default 1 h at 15 s). */
  historySamples?: number;
}

export function createEvaluator(deps: EvaluatorDeps): Evaluate {
  const history = new DemandHistory(deps.historySamples ?? 240);
  const budgetStates = new Map<string, RecordedBudgetState>();
  const requestsCache = new Map<string, RequestsCache>();
  // Plans change only when policies do: re-planning 10,000 policies every tick would cost ~100 ms.
  const plans = {
    demand: new PlanCache(),
    replicas: new PlanCache(),
    latency: new PlanCache(),
    errors: new PlanCache(),
  };

  return async (config: Config, now: number, previous: Snapshot | undefined): Promise<TickOutput> => {
    const backends = deps.backends();
    const policies = config.policies;
    const stepMs = config.engine.intervalSeconds * 1000;
    const keys = new Set(policies.map(policyKey));
    history.retain(keys);

    const demandPlan = plans.demand.plan(
      policies.map((p) => ({ backend: p.backend, query: p.demand.query })),
    );
    const replicasPlan = plans.replicas.plan(
      policies.map((p) => ({ backend: p.backend, query: currentReplicasQuery(p) })),
    );
    const sloPolicies = (which: 'latencySeconds' | 'errorRatio') =>
      policies.filter((p) => p.slo[which] !== undefined);
    const latencyPolicies = sloPolicies('latencySeconds');
    const errorPolicies = sloPolicies('errorRatio');
    const latencyPlan = plans.latency.plan(
      latencyPolicies.map((p) => ({ backend: p.backend, query: p.slo.latencySeconds!.query })),
    );
    const errorPlan = plans.errors.plan(
      errorPolicies.map((p) => ({ backend: p.backend, query: p.slo.errorRatio!.query })),
    );
    const cold = policies.filter((p) => !history.has(policyKey(p)));
    const warmPlan = planQueries(cold.map((p) => ({ backend: p.backend, query: p.demand.query })));
    const historySpan = (deps.historySamples ?? 240) * stepMs;

    const [demandOut, replicasOut, latencyOut, errorOut, warmOut, prices] = await Promise.all([
      executeInstantPlan(demandPlan, backends, { time: now }),
      executeInstantPlan(replicasPlan, backends, { time: now }),
      executeInstantPlan(latencyPlan, backends, { time: now }),
      executeInstantPlan(errorPlan, backends, { time: now }),
      cold.length === 0
        ? Promise.resolve([])
        : executeRangePlan(warmPlan, backends, { start: now - historySpan, end: now - stepMs, stepMs }),
      priceSet(config, backends, now),
    ]);
    const demand = demandValues(demandPlan, demandOut);
    const replicas = demandValues(replicasPlan, replicasOut);
    const latencyValues = demandValues(latencyPlan, latencyOut);
    const errorValues = demandValues(errorPlan, errorOut);
    const latency = new Map(latencyPolicies.map((p, i) => [policyKey(p), latencyValues[i]!]));
    const errors = new Map(errorPolicies.map((p, i) => [policyKey(p), errorValues[i]!]));
    demandHistories(warmPlan, warmOut).forEach((h, i) => {
      if (h.ok) history.seed(policyKey(cold[i]!), h.values);
    });

    const horizonSeconds = (p: Policy): number =>
      p.readinessDelaySeconds + config.engine.hpaSyncSeconds + config.engine.intervalSeconds;
    deps.forecasting?.configure(config.engine.forecast);
    const demandByKey = new Map(policies.map((p, i) => [policyKey(p), valueOf(demand[i]!)]));
    const forecasts =
      (await deps.forecasting?.tick(policies, demandByKey, horizonSeconds, backends, now)) ??
      new Map<string, ForecastView>();

    const previousByKey = new Map((previous?.policies ?? []).map((p) => [policyKey(p), p]));
    const resources = await replicaResources(policies, backends, now, requestsCache);
    const budgets = await evaluateBudgets(config, backends, now, previousByKey);
    const budgetByName = new Map(budgets.map((b) => [b.name, b]));

    const snapshotPolicies: PolicySnapshot[] = [];
    const decisions: DecisionRecord[] = [];
    policies.forEach((policy, i) => {
      const key = policyKey(policy);
      const d = demand[i]!;
      const past = history.values(key);
      history.push(key, d.ok ? d.value : Number.NaN);
      const prev = previousByKey.get(key);
      const res = resources[i]!;
      const current = replicas[i]!;
      const currentReplicas = current.ok ? Math.round(current.value) : prev?.decision?.replicas;
      const forecast = forecasts.get(key);
      const reactive = d.ok
        ? reactiveDistribution(
            past,
            Math.max(1, Math.round((horizonSeconds(policy) * 1000) / stepMs)),
            d.value,
          )
        : undefined;
      const distribution = forecast?.mode === 'forecast' ? forecast.distribution : reactive;
      const distributionSource =
        forecast?.mode === 'forecast'
          ? `forecast (${forecast.model}): ${forecast.reason}`
          : `reactive (${reactive?.note ?? 'no demand'})${forecast ? `; forecast not used: ${forecast.reason}` : ''}`;
      const budget = policy.budget === undefined ? undefined : budgetByName.get(policy.budget);
      const input: DecisionInput = {
        policy: policy.name,
        at: now,
        mode: policy.mode,
        demand: d.ok ? d.value : undefined,
        demandUnit: policy.demand.unit,
        distribution,
        capacityPerReplica: policy.capacityPerReplica,
        costPerReplicaHour: res.ok
          ? blendedCostPerReplicaHour(res.resources, prices.prices, policy.spotShare)
          : undefined,
        sloMissCostPerHour: policy.sloMissCostPerHour,
        budget:
          budget?.status &&
          decisionBudget(budget.name, budget.status, budgetShare(budget, policy, policies, previousByKey)),
        currentReplicas,
        slo: {
          latency: sloMeasurement(latency.get(key), policy.slo.latencySeconds?.target),
          errorRatio: sloMeasurement(errors.get(key), policy.slo.errorRatio?.target),
        },
        minReplicas: policy.replicas.min,
        maxReplicas: policy.replicas.max,
        schedules: policy.schedules,
        holidays: policy.holidays,
        overrides: policy.overrides.map((o) => ({
          replicas: o.replicas,
          expiresAt: Date.parse(o.expiresAt),
          reason: o.reason,
        })),
        staleAfterMs: config.engine.stalenessSeconds * 1000,
        provenance: {
          demand: { source: d.ok ? policy.demand.query : d.error, ...(d.ok && { observedAt: d.timestamp }) },
          distribution: { source: distributionSource },
          costPerReplicaHour: { source: res.ok ? `${res.source}; ${prices.source}` : res.error },
          currentReplicas: {
            source: current.ok ? 'kube-state-metrics' : `previous decision (${current.error})`,
          },
          ...(budget && { budget: { source: budget.error ?? `budget ${budget.name}` } }),
        },
      };
      const result = decide(input);
      const identity = {
        name: policy.name,
        namespace: policy.namespace,
        labels: policyLabels(policy),
        allowedNamespaces: policy.allowedNamespaces,
        target: policy.target,
        ...(forecast && { forecast: forecastSummary(forecast) }),
      };
      if (result.ok) {
        const dec = result.decision;
        snapshotPolicies.push({
          ...identity,
          values: servedValues(dec),
          valuesAt: now,
          decision: dec,
          explanation: dec.explanation,
        });
      } else {
        snapshotPolicies.push({
          ...identity,
          // Last good values stay until the staleness bound (ARCHITECTURE.md §6); the server judges age.
          ...(prev?.values && { values: prev.values, valuesAt: prev.valuesAt }),
          ...(prev?.decision && { decision: prev.decision }),
          // The query's own failure says more than "demand is missing".
          error: d.ok
            ? result.failure.explanation.errors.join('; ') || result.failure.explanation.summary
            : d.error,
          explanation: result.failure.explanation,
        });
      }
      decisions.push({
        namespace: policy.namespace,
        policy: policy.name,
        decidedAt: now,
        replicas: result.ok ? result.decision.replicas : null,
        inputs: recordedInputs(input),
        explanation: result.ok ? result.decision : result.failure,
      });
    });

    for (const b of budgets) {
      if (b.status === undefined) continue;
      const events = budgetEvents(b.name, budgetStates.get(b.name), b.status, now);
      budgetStates.set(b.name, { periodLabel: b.status.periodLabel, state: b.status.state });
      if (events.length > 0) deps.onBudgetEvents?.(events, b.periodStart);
    }
    return {
      policies: snapshotPolicies,
      decisions,
      budgets: budgets.map(({ name, status, error }) => ({
        name,
        ...(status && { status }),
        ...(error && { error }),
      })),
    };
  };
}

const valueOf = (d: DemandValue): number | undefined => (d.ok ? d.value : undefined);

function forecastSummary(f: ForecastView): PolicyForecast {
  return {
    mode: f.mode,
    reason: f.reason,
    ...(f.model !== undefined && { model: f.model }),
    ...(f.fittedAt !== undefined && { fittedAt: f.fittedAt }),
    ...(f.accuracy && { accuracy: f.accuracy }),
  };
}

function servedValues(d: {
  replicas: number;
  load: number;
  costPerHour: number;
  shadowPrice: number;
  targetDemand: number;
}): Record<ServedMetric, number> {
  return {
    costscale_replicas: d.replicas,
    costscale_load: d.load,
    costscale_cost_per_hour: d.costPerHour,
    costscale_budget_pressure: d.shadowPrice,
    costscale_forecast_demand: d.targetDemand,
  };
}

/** The inputs as stored with the decision: plain numbers and sources, not the distribution object. */
function recordedInputs(input: DecisionInput): Record<string, unknown> {
  const { distribution, ...rest } = input;
  return {
    ...rest,
    distribution:
      distribution === undefined
        ? null
        : {
            p50: distribution.quantile(0.5),
            p90: distribution.quantile(0.9),
            p99: distribution.quantile(0.99),
          },
  };
}

function sloMeasurement(v: DemandValue | undefined, target: number | undefined) {
  if (target === undefined) return undefined;
  // No value (e.g. no traffic gives a NaN quantile) is "unknown", not a breach; decide() warns.
  return { measured: v?.ok ? v.value : undefined, target };
}

async function priceSet(
  config: Config,
  backends: Backends,
  now: number,
): Promise<{ prices: PriceSet; source: string }> {
  const book = priceSetFromBook(config.prices.book);
  if (config.prices.source === 'book') return { prices: book, source: 'price book' };
  const client = backends.get(config.prices.backend);
  if (client === undefined)
    return { prices: book, source: `price book (no backend ${config.prices.backend} for OpenCost)` };
  const nodes = await fetchNodePrices(client, { time: now });
  if (!nodes.ok) return { prices: book, source: `price book (OpenCost unavailable: ${nodes.error})` };
  const estimate = priceSetFromNodes(nodes.value, book);
  return {
    prices: estimate.prices,
    source: `OpenCost node prices (${estimate.onDemandNodes} on-demand, ${estimate.spotNodes} spot nodes)`,
  };
}

const REQUESTS_TTL_MS = 5 * 60_000;

type ResourcesResult =
  { ok: true; resources: ReplicaResources; source: string } | { ok: false; error: string };

interface RequestsCache {
  at: number;
  byWorkload: Map<string, ResourcesResult>;
}

/**
 * Requests per replica from config, else kube-state-metrics: one query per backend for all policies
 * without configured resources, refreshed every 5 minutes (requests rarely change).
 */
async function replicaResources(
  policies: readonly Policy[],
  backends: Backends,
  now: number,
  cache: Map<string, RequestsCache>,
): Promise<ResourcesResult[]> {
  const workload = (p: Policy): WorkloadRef => ({
    namespace: p.namespace,
    kind: p.target.kind,
    name: p.target.name,
  });
  const byBackend = new Map<string, Policy[]>();
  for (const p of policies) {
    if (p.resources === undefined) byBackend.set(p.backend, [...(byBackend.get(p.backend) ?? []), p]);
  }
  // A backend is asked again when its answer is old, or a policy is new to it or had no answer.
  const needed = [...byBackend].filter(([backend, members]) => {
    const cached = cache.get(backend);
    return (
      cached === undefined ||
      now - cached.at >= REQUESTS_TTL_MS ||
      members.some((p) => cached.byWorkload.get(workloadKey(workload(p)))?.ok !== true)
    );
  });
  await Promise.all(
    needed.map(async ([backend, members]) => {
      const client = backends.get(backend);
      const byWorkload = new Map<string, ResourcesResult>();
      const fail = (error: string) =>
        members.forEach((p) => byWorkload.set(workloadKey(workload(p)), { ok: false, error }));
      if (client === undefined) fail(`no backend ${backend}`);
      else {
        const r = await fetchReplicaRequests(client, members.map(workload), { time: now });
        if (!r.ok) fail(r.error);
        else
          for (const [key, v] of r.value)
            byWorkload.set(
              key,
              v.ok ? { ok: true, resources: v.value, source: 'requests from kube-state-metrics' } : v,
            );
      }
      cache.set(backend, { at: now, byWorkload });
    }),
  );
  return policies.map((p) =>
    p.resources !== undefined
      ? { ok: true, resources: p.resources, source: 'requests from config' }
      : (cache.get(p.backend)?.byWorkload.get(workloadKey(workload(p))) ?? {
          ok: false,
          error: 'requests not loaded',
        }),
  );
}

interface EvaluatedBudget extends BudgetSnapshot {
  periodStart: number;
  /** Policies in the budget's scope, by key. */
  scope: Set<string>;
}

async function evaluateBudgets(
  config: Config,
  backends: Backends,
  now: number,
  previous: Map<string, PolicySnapshot>,
): Promise<EvaluatedBudget[]> {
  const backendName = budgetBackend(config);
  const client = backendName === undefined ? undefined : backends.get(backendName);
  return Promise.all(
    config.budgets.map(async (budget: Budget): Promise<EvaluatedBudget> => {
      const period = budgetPeriodAt(budget.period, budget.timeZone, now);
      const inScope = policiesInScope(budget, config.policies);
      const scope = new Set(inScope.map(policyKey));
      const base = { name: budget.name, periodStart: period.start, scope };
      const burn = inScope.reduce(
        (sum, p) => sum + (previous.get(policyKey(p))?.decision?.costPerHour ?? 0),
        0,
      );
      const query = budgetSpendQuery(inScope, (now - period.start) / 1000);
      let spent = 0;
      if (query !== undefined) {
        if (client === undefined) return { ...base, error: 'no Prometheus backend to read spend from' };
        const spendPlan = planQueries([{ backend: client.name, query }]);
        const value = demandValues(
          spendPlan,
          await executeInstantPlan(spendPlan, backends, { time: now }),
        )[0]!;
        // No series yet (costscale has not been scraped in this period) is zero spend, not an error.
        if (value.ok) spent = value.value;
        else if (!/no series/.test(value.error)) return { ...base, error: value.error };
      }
      const status: BudgetStatus = budgetStatus({
        amount: budget.amount,
        period,
        spent,
        burnRatePerHour: burn,
        at: now,
        thresholds: budget.thresholds,
      });
      return { ...base, status };
    }),
  );
}

/** This policy's share of a shared budget's remainder, by its share of the burn (equal when no burn). */
function budgetShare(
  budget: EvaluatedBudget,
  policy: Policy,
  policies: readonly Policy[],
  previous: Map<string, PolicySnapshot>,
): number | undefined {
  if (budget.status === undefined) return undefined;
  const members = policies.filter((p) => budget.scope.has(policyKey(p)));
  if (members.length <= 1) return budget.status.remaining;
  const burnOf = (p: Policy) => previous.get(policyKey(p))?.decision?.costPerHour ?? 0;
  const total = members.reduce((s, p) => s + burnOf(p), 0);
  const share = total > 0 ? burnOf(policy) / total : 1 / members.length;
  return budget.status.remaining * share;
}
