import type { Config, Policy } from '../config/schema';
import {
  budgetPeriodAt,
  decisionHorizonSteps,
  growthHistogramFits,
  growthHistogramFor,
  growthWarmStartSteps,
  lagSteps,
  priceSetFromBook,
  rateLagSeconds,
  rateWindowOf,
  priceSetFromNodes,
  type GrowthHistogram,
} from '../domain';
import {
  policySeries,
  policySamples,
  executeInstantPlan,
  executeRangePlan,
  fetchNodePrices,
  fetchReplicaRequests,
  planQueries,
  PlanCache,
  workloadKey,
  type Backends,
  type PolicyQuery,
  type WorkloadRef,
} from '../sources';
import { RecentDemand } from './recentDemand';
import { budgetBackend, budgetSpendQuery } from './queries';
import { policiesInScope, policyKey, policyKeys } from '../config/policyIdentity';
import { currentReplicasQuery } from '../sources/kubeStateMetrics';
import type {
  PolicyReadings,
  PriceReading,
  Reading,
  ResourcesReading,
  SpendReading,
  TickInputs,
} from './tickInputs';

// Gathering a tick's inputs (the I/O half of a tick): every policy's queries with one request per
// query template, prices, requests per replica and budget spend, read at the tick's time. Keeps what
// outlives a tick: query plans, recent demand and its growth histogram per policy, requests per replica.
// A new growth histogram is warm-started twice: at once from the recent demand, then, a bounded number of
// policies per tick, from a day of Prometheus history read at the tick step, observed and dropped.

/** Reads what every policy of `config` needs at `now` from `backends`. */
export type Gather = (config: Config, backends: Backends, now: number) => Promise<TickInputs>;

/**
 * Policies whose recent demand is loaded per tick. The range query's JSON is parsed whole: for 100,000
 * new policies at once, gigabytes of garbage in one tick (issue 16); the rest wait for the next ticks.
 */
const WARM_STARTS_PER_TICK = 4_000;

/**
 * Policies whose growth histogram is warm-started from a day of history per tick: a day at 15 s is 5,760
 * samples to parse and observe per policy, about 1.5 ms, so 100 of them keep a tick of 10,000 policies
 * within its budget while 10,000 policies get theirs in 100 ticks (25 minutes); until then each decides on
 * the histogram of its recent hour and the young-history prior.
 */
const GROWTH_WARM_STARTS_PER_TICK = 100;

/**
 * `historySamples`: samples of recent demand kept per policy, at the tick step; `warmStartsPerTick`:
 * policies whose recent demand is loaded from Prometheus per tick; `growthWarmStartsPerTick`: policies
 * whose growth histogram is warm-started from a day of history (growthWarmStartSteps) per tick.
 */
export function createGatherer(
  historySamples: number,
  warmStartsPerTick = WARM_STARTS_PER_TICK,
  growthWarmStartsPerTick = GROWTH_WARM_STARTS_PER_TICK,
): Gather {
  const history = new RecentDemand(historySamples);
  const growth = new Map<string, GrowthHistogram>();
  // Policies whose histogram was built from the recent demand alone and waits for a day of history.
  const growthPending = new Set<string>();
  const requestsCache = new Map<string, RequestsCache>();
  // Plans change only when policies do: re-planning 10,000 policies every tick would cost ~100 ms.
  const plans = {
    demand: new PlanCache(),
    replicas: new PlanCache(),
    latency: new PlanCache(),
    errors: new PlanCache(),
  };

  return async (config, backends, now) => {
    const policies = config.policies;
    const stepMs = config.engine.intervalSeconds * 1000;
    const { keys: keyList, demandQueries, replicasQueries } = derivedOf(policies);
    const keys = new Set(keyList);
    history.retain(keys);
    for (const key of growth.keys()) if (!keys.has(key)) growth.delete(key);
    for (const key of growthPending) if (!keys.has(key)) growthPending.delete(key);

    const demandPlan = plans.demand.plan(demandQueries);
    const replicasPlan = plans.replicas.plan(replicasQueries);
    const latencyPolicies = policies.filter((p) => p.slo.latencySeconds !== undefined);
    const errorPolicies = policies.filter((p) => p.slo.errorRatio !== undefined);
    const latencyPlan = plans.latency.plan(
      latencyPolicies.map((p) => ({ backend: p.backend, query: p.slo.latencySeconds!.query })),
    );
    const errorPlan = plans.errors.plan(
      errorPolicies.map((p) => ({ backend: p.backend, query: p.slo.errorRatio!.query })),
    );
    // Indices into `policies`.
    const allCold = indicesWhere(keyList, (key) => !history.has(key));
    const cold = allCold.slice(0, warmStartsPerTick);
    // Until its turn, a policy decides without recent demand and keeps no history of its own.
    const waiting = new Set(allCold.slice(warmStartsPerTick).map((i) => keyList[i]!));
    const warmPlan = planQueries(cold.map((i) => demandQueries[i]!));
    const deep =
      growthPending.size === 0
        ? []
        : indicesWhere(keyList, (key) => growthPending.has(key)).slice(0, growthWarmStartsPerTick);
    const deepPlan = planQueries(deep.map((i) => demandQueries[i]!));
    const deepSteps = growthWarmStartSteps(config.engine.intervalSeconds);

    const [demandOut, replicasOut, latencyOut, errorOut, warmOut, deepOut, prices, resources, spend] =
      await Promise.all([
        executeInstantPlan(demandPlan, backends, { time: now }),
        executeInstantPlan(replicasPlan, backends, { time: now }),
        executeInstantPlan(latencyPlan, backends, { time: now }),
        executeInstantPlan(errorPlan, backends, { time: now }),
        cold.length === 0
          ? Promise.resolve([])
          : executeRangePlan(warmPlan, backends, {
              start: now - historySamples * stepMs,
              end: now - stepMs,
              stepMs,
            }),
        deep.length === 0
          ? Promise.resolve([])
          : executeRangePlan(deepPlan, backends, {
              start: now - deepSteps * stepMs,
              end: now - stepMs,
              stepMs,
            }),
        priceReading(config, backends, now),
        replicaResources(policies, backends, now, requestsCache),
        budgetSpend(config, backends, now),
      ]);
    const demand = policySamples(demandPlan, demandOut);
    const replicas = policySamples(replicasPlan, replicasOut);
    const latency = keyed(latencyPolicies, policySamples(latencyPlan, latencyOut));
    const errors = keyed(errorPolicies, policySamples(errorPlan, errorOut));
    policySeries(warmPlan, warmOut).forEach((h, i) => {
      if (h.ok) history.seed(keyList[cold[i]!]!, h.values);
    });
    // The day up to the previous tick replaces the histogram built from the recent demand; this tick's
    // sample is observed below as every tick's is. A failed read leaves the recent-demand one (no retry).
    policySeries(deepPlan, deepOut).forEach((h, i) => {
      const policy = policies[deep[i]!]!;
      const key = keyList[deep[i]!]!;
      growthPending.delete(key);
      const fresh = h.ok ? growthShape(policy, config.engine)?.build() : undefined;
      if (!h.ok || fresh === undefined) return;
      fresh.observeAll(h.values);
      growth.set(key, fresh);
    });

    const readings = policies.map((policy, i): PolicyReadings => {
      const key = keyList[i]!;
      const d = demand[i]!;
      const pastDemand = history.values(key);
      if (!waiting.has(key)) history.push(key, d.ok ? d.value : Number.NaN);
      const policyGrowth = waiting.has(key)
        ? undefined
        : growthOf(growth, growthPending, policy, key, config.engine, history.values(key));
      // One literal of fixed shape, not spreads of the optional readings: one per policy and tick.
      return {
        demand: d,
        pastDemand,
        growth: policyGrowth,
        currentReplicas: replicas[i]!,
        latency: latency.get(key),
        errorRatio: errors.get(key),
        resources: resources[i]!,
      };
    });
    return { policies: readings, prices, spend };
  };
}

/**
 * What a tick asks of every configured policy, made once per policy list (a loaded configuration is not
 * changed in place): keys, looked up several times a tick and hashed once as the same strings, and the
 * demand and replicas queries the plan caches compare, the same strings each tick.
 */
interface PolicyListFacts {
  readonly keys: readonly string[];
  readonly demandQueries: readonly PolicyQuery[];
  readonly replicasQueries: readonly PolicyQuery[];
}
function derivedOf(policies: readonly Policy[]): PolicyListFacts {
  let facts = DERIVED.get(policies);
  if (facts === undefined)
    DERIVED.set(
      policies,
      (facts = {
        keys: policyKeys(policies),
        demandQueries: policies.map((p) => ({ backend: p.backend, query: p.demand.query })),
        replicasQueries: policies.map((p) => ({ backend: p.backend, query: currentReplicasQuery(p) })),
      }),
    );
  return facts;
}
const DERIVED = new WeakMap<readonly Policy[], PolicyListFacts>();

function indicesWhere(keys: readonly string[], test: (key: string) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < keys.length; i++) if (test(keys[i]!)) out.push(i);
  return out;
}

/** The horizon, lag and κ a policy's growth histogram is built for; none without a configured κ. */
function growthShape(policy: Policy, engine: Config['engine']) {
  const kappa = policy.capacityPerReplica;
  if (kappa === undefined) return undefined;
  const steps = decisionHorizonSteps(policy, engine);
  const lag = lagSteps(rateLagSeconds(rateWindowOf(policy.demand.query)), engine.intervalSeconds);
  return { kappa, steps, lag, build: () => growthHistogramFor(kappa, steps, lag, engine.intervalSeconds) };
}

/**
 * The policy's growth histogram, fed the horizon this tick's sample completes; built afresh from the recent
 * history (a warm start, or after a reload changed the horizon, κ or tick interval) when it does not fit, and then
 * `pending` a day of history. None without a configured κ, whose half is the histogram's shift.
 */
function growthOf(
  histograms: Map<string, GrowthHistogram>,
  pending: Set<string>,
  policy: Policy,
  key: string,
  engine: Config['engine'],
  recent: Float32Array,
): GrowthHistogram | undefined {
  const shape = growthShape(policy, engine);
  if (shape === undefined) {
    histograms.delete(key);
    pending.delete(key);
    return undefined;
  }
  const existing = histograms.get(key);
  if (
    existing !== undefined &&
    growthHistogramFits(existing, shape.kappa, shape.steps, shape.lag, engine.intervalSeconds)
  ) {
    existing.observe(recent);
    return existing;
  }
  const fresh = shape.build();
  fresh.observeAll(recent);
  histograms.set(key, fresh);
  pending.add(key);
  return fresh;
}

const keyed = (policies: readonly Policy[], values: readonly Reading[]): Map<string, Reading> =>
  new Map(policies.map((p, i) => [policyKey(p), values[i]!]));

async function priceReading(config: Config, backends: Backends, now: number): Promise<PriceReading> {
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

interface RequestsCache {
  at: number;
  byWorkload: Map<string, ResourcesReading>;
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
): Promise<ResourcesReading[]> {
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
      const byWorkload = new Map<string, ResourcesReading>();
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

/** Each budget's spend so far this period, one request per budget whose period is old enough to sum. */
async function budgetSpend(
  config: Config,
  backends: Backends,
  now: number,
): Promise<Map<string, SpendReading>> {
  const backendName = budgetBackend(config);
  const client = backendName === undefined ? undefined : backends.get(backendName);
  const spend = new Map<string, SpendReading>();
  await Promise.all(
    config.budgets.map(async (budget) => {
      const period = budgetPeriodAt(budget.period, budget.timeZone, now);
      const query = budgetSpendQuery(policiesInScope(budget, config.policies), (now - period.start) / 1000);
      if (query === undefined) return;
      if (client === undefined) {
        spend.set(budget.name, { ok: false, error: 'no Prometheus backend to read spend from' });
        return;
      }
      const plan = planQueries([{ backend: client.name, query }]);
      const value = policySamples(plan, await executeInstantPlan(plan, backends, { time: now }))[0]!;
      // No series yet (costscale has not been scraped in this period) is zero spend, not an error.
      if (value.ok) spend.set(budget.name, { ok: true, spent: value.value });
      else if (/no series/.test(value.error)) spend.set(budget.name, { ok: true, spent: 0 });
      else spend.set(budget.name, { ok: false, error: value.error });
    }),
  );
  return spend;
}
