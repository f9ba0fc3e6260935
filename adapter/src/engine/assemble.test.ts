import { configSchema, policySchema, type Config, type Policy } from '../config/schema';
import {
  blendedCostPerReplicaHour,
  decide,
  decideCompact,
  explainedDecision,
  GrowthHistogram,
  priceSetFromBook,
  reactiveDistribution,
  type Decision,
  type DecisionResult,
} from '../domain';
import {
  allocateBudgets,
  assemblePolicy,
  assembleTick,
  type AssembledPolicy,
  type PolicyAssembly,
  type TickContext,
} from './assemble';
import type { ForecastView } from './forecasting';
import { policiesInScope, policyKey } from '../config/policyIdentity';
import { PreviousSnapshot, type PolicySnapshot } from '../snapshot/snapshot';
import { DecisionColumns, explainedHeld } from '../snapshot/decisionColumns';
import type { PolicyReadings, SpendReading } from './tickInputs';

const AT = Date.parse('2026-03-10T12:00:00Z');
const BOOK = configSchema.parse({}).prices.book;
const TICK: TickContext = {
  at: AT,
  engine: { intervalSeconds: 15, hpaSyncSeconds: 15, stalenessSeconds: 120 },
  prices: { prices: priceSetFromBook(BOOK), source: 'price book' },
};

const policy = (fields: Record<string, unknown> = {}): Policy =>
  policySchema.parse({
    name: 'web',
    namespace: 'shop',
    target: { name: 'web' },
    demand: { query: 'max(demand{service="web"})', unit: 'rps' },
    capacityPerReplica: 25,
    replicas: { min: 2, max: 10 },
    ...fields,
  });

/** 240 samples of demand at the tick step, rising and falling, and D(t) = 100 read now. */
const PAST = Float64Array.from({ length: 240 }, (_, i) => 80 + 20 * Math.sin(i / 7));
const readings = (fields: Partial<PolicyReadings> = {}): PolicyReadings => ({
  demand: { ok: true, value: 100, timestamp: AT - 5_000 },
  pastDemand: PAST,
  currentReplicas: { ok: true, value: 4.4, timestamp: AT },
  resources: { ok: true, resources: { cpuCores: 1, memoryGiB: 2, gpus: 0 }, source: 'requests from config' },
  ...fields,
});
const assemble = (fields: Partial<PolicyAssembly> = {}) =>
  assemblePolicy({ policy: policy(), readings: readings(), ...fields }, TICK);
const failure = (r: DecisionResult) => {
  if (r.ok) throw new Error(`expected a failure, got ${r.decision.replicas} replicas`);
  return r.failure.explanation;
};

describe('assemblePolicy', () => {
  it("carries the policy's settings, the readings and where each came from", () => {
    const input = assemble({
      policy: policy({
        spotShare: 0.5,
        sloMissCostPerHour: 3,
        holidays: ['2026-12-25'],
        schedules: [{ name: 'day', from: '08:00', to: '18:00', minReplicas: 3 }],
        overrides: [{ replicas: 7, expiresAt: '2026-03-10T13:00:00+01:00', reason: 'launch' }],
      }),
    });
    expect(input).toMatchObject({
      policy: 'web',
      at: AT,
      mode: 'balanced',
      demand: 100,
      demandUnit: 'rps',
      capacityPerReplica: 25,
      sloMissCostPerHour: 3,
      currentReplicas: 4,
      minReplicas: 2,
      maxReplicas: 10,
      holidays: ['2026-12-25'],
      schedules: [expect.objectContaining({ name: 'day', minReplicas: 3 })],
      overrides: [{ replicas: 7, expiresAt: Date.parse('2026-03-10T12:00:00Z'), reason: 'launch' }],
      staleAfterMs: 120_000,
      provenance: {
        demand: { source: 'max(demand{service="web"})', observedAt: AT - 5_000 },
        costPerReplicaHour: { source: 'requests from config; price book' },
        currentReplicas: { source: 'kube-state-metrics' },
      },
    });
    expect(input.costPerReplicaHour).toBe(
      blendedCostPerReplicaHour({ cpuCores: 1, memoryGiB: 2, gpus: 0 }, priceSetFromBook(BOOK), 0.5),
    );
    expect(input.budget).toBeUndefined();
    expect(input.slo).toEqual({ latency: undefined, errorRatio: undefined });
  });

  it('builds the reactive distribution over the horizon H = readiness + HPA sync + tick, in tick steps', () => {
    // H = 30 + 15 + 15 s = 4 steps of 15 s.
    const input = assemble();
    const expected = reactiveDistribution(PAST, 4, 100);
    for (const tau of [0.5, 0.9, 0.99])
      expect(input.distribution?.quantile(tau)).toBe(expected.quantile(tau));
    expect(input.distribution?.quantile(0.99)).not.toBe(reactiveDistribution(PAST, 1, 100).quantile(0.99));
    expect(input.provenance?.distribution?.source).toBe(`reactive (${expected.note.text()})`);
  });

  it('extrapolates D(t) over half the rate() window of the demand query, and says so', () => {
    // rate()[2m] trails by 60 s = 4 ticks; PAST 4 ticks back is the value to extrapolate from, and 2 back
    // the newer half's (the query rose faster there: 4 × that rise over the window, demandLag.ts).
    const earlier = PAST[PAST.length - 4] as number;
    const extrapolated = Math.max(200 - earlier, earlier + 4 * (100 - (PAST[PAST.length - 2] as number)));
    expect(extrapolated).toBeGreaterThan(200 - earlier);
    const input = assemblePolicy(
      { policy: policy({ demand: { query: 'sum(rate(req_total[2m]))' } }), readings: readings() },
      TICK,
    );
    expect(input.demand).toBeCloseTo(extrapolated, 9);
    expect(input.demandLag).toEqual(expect.objectContaining({ measured: 100, earlier, lagSeconds: 60 }));
    const expected = reactiveDistribution(PAST, 4, extrapolated);
    expect(input.distribution?.quantile(0.9)).toBe(expected.quantile(0.9));
    // A gauge query has no lag to correct.
    expect(assemble().demand).toBe(100);
    expect(assemble().demandLag).toBeUndefined();
  });

  it("floors the reactive distribution at a trusted forecast's median peak, and says why an untrusted one was not used", () => {
    const distribution = { quantile: (tau: number) => 200 * tau };
    const trusted: ForecastView = {
      mode: 'forecast',
      reason: 'beats seasonal naive',
      distribution,
      model: 'mstl',
    };
    const used = assemble({ forecast: trusted });
    // The forecast's median peak (100) is the floor from τ = 0.5 up; above it the ticks' growth gives the
    // spread, not the forecast's own bucket-level quantiles (180 at 0.9); below it the ticks' growth alone.
    const reactive = reactiveDistribution(PAST, 4, 100);
    for (const tau of [0.5, 0.9, 0.99])
      expect(used.distribution?.quantile(tau)).toBe(Math.max(100, reactive.quantile(tau)));
    expect(reactive.quantile(0.9)).toBeLessThan(180);
    expect(used.distribution?.quantile(0.9)).toBe(reactive.quantile(0.9));
    expect(reactive.quantile(0.1)).toBeLessThan(100);
    expect(used.distribution?.quantile(0.1)).toBe(reactive.quantile(0.1));
    expect(used.provenance?.distribution?.source).toBe(
      `reactive (${reactive.note.text()}), floored from τ = 0.5 up at the median peak of the forecast (mstl), never above demand's highest over the last 300 s, the horizon and the lag: beats seasonal naive`,
    );

    const untrusted: ForecastView = { mode: 'reactive', reason: 'coverage 0.6 is off', distribution };
    const notUsed = assemble({ forecast: untrusted });
    expect(notUsed.distribution?.quantile(0.5)).toBe(reactiveDistribution(PAST, 4, 100).quantile(0.5));
    expect(notUsed.provenance?.distribution?.source).toMatch(
      /^reactive \(.*\); forecast not used: coverage 0.6 is off$/,
    );
  });

  it("holds a trusted forecast's median no higher than demand reached in the last 5 minutes, horizon and lag", () => {
    const trusted: ForecastView = {
      mode: 'forecast',
      reason: 'beats seasonal naive',
      distribution: { quantile: (tau: number) => 200 * tau },
      model: 'mstl',
    };
    // At 100 until 5 minutes and a horizon ago (20 + 4 ticks of 15 s; the query reads a gauge, no lag),
    // at 50 since: the median 100 is a level demand left.
    const fell = Float64Array.from({ length: 240 }, (_, i) => (i < 216 ? 100 : 50));
    const demand = { ok: true as const, value: 50, timestamp: AT - 5_000 };
    const left = assemble({ forecast: trusted, readings: readings({ pastDemand: fell, demand }) });
    const reactive = reactiveDistribution(fell, 4, 50);
    expect(reactive.quantile(0.5)).toBeLessThan(100);
    expect(left.distribution?.quantile(0.5)).toBe(Math.max(50, reactive.quantile(0.5)));
    // A dip within the look back: demand was at 100 22 ticks ago, so the median is held.
    const dipped = Float64Array.from({ length: 240 }, (_, i) => (i < 218 ? 100 : 50));
    const held = assemble({ forecast: trusted, readings: readings({ pastDemand: dipped, demand }) });
    expect(held.distribution?.quantile(0.5)).toBe(100);
  });

  it('renders the distribution provenance when read, and stores it as that text', () => {
    const trusted: ForecastView = { mode: 'forecast', reason: 'beats seasonal naive', model: 'mstl' };
    const input = assemble({ forecast: trusted });
    const source = `reactive (${reactiveDistribution(PAST, 4, 100).note.text()}), floored from τ = 0.5 up at the median peak of the forecast (mstl), never above demand's highest over the last 300 s, the horizon and the lag: beats seasonal naive`;
    expect(input.provenance?.distribution?.source).toBe(source);
    // The decision history and the snapshot store the kept input as JSON: the text, not the parts.
    expect(JSON.parse(JSON.stringify(input.provenance)).distribution).toEqual({ source });
  });

  it("packed with its decision in a tick's columns, makes it again when read and explains the same", () => {
    const growth = new GrowthHistogram({ horizonSteps: 4, shift: 5, halfLifeSteps: 1e9, minWeight: 10 });
    growth.observeAll(PAST);
    const trusted: ForecastView = { mode: 'forecast', reason: 'beats seasonal naive', model: 'mstl' };
    const inputs = [
      assemble({ readings: readings({ growth }) }),
      assemble({ readings: readings({ growth }), forecast: trusted }),
      assemble({
        readings: readings({ growth }),
        forecast: { mode: 'reactive', reason: 'coverage 0.6 is off' },
      }),
      assemble({ readings: readings({ growth }), budget: { name: 'team', error: 'timeout' } }),
    ];
    const columns = new DecisionColumns();
    for (const input of inputs) {
      const r = decideCompact(input);
      if (!r.ok) throw new Error('expected a decision');
      const held = columns.hold(r.decision);
      expect(JSON.stringify(held)).toBe(JSON.stringify(r.decision));
      expect(explainedHeld(held)).toEqual(explainedDecision(r.decision));
      // The distribution's provenance (and its histogram's note) packed as its parts, not held: made again.
      const provenance = held.facts.input.provenance!;
      expect(provenance.distribution).not.toBe(input.provenance!.distribution);
      expect(provenance.distribution!.source).toBe(input.provenance!.distribution!.source);
      // The shared, frozen provenances held as they are.
      expect(provenance.costPerReplicaHour).toBe(input.provenance!.costPerReplicaHour);
    }
  });

  it('passes an active demand anomaly to decide(), which decides on the reactive distribution', () => {
    const since = AT - 600_000;
    const anomalous: ForecastView = {
      mode: 'reactive',
      reason: 'demand is anomalous',
      anomaly: { score: 0.2, active: true, since, peak: 0.8, episodes: 1 },
    };
    expect(assemble({ forecast: anomalous }).anomalies).toEqual([{ signal: 'demand', since, peak: 0.8 }]);
    const calm: ForecastView = { ...anomalous, anomaly: { score: 0.1, active: false, episodes: 1 } };
    expect(assemble({ forecast: calm }).anomalies).toBeUndefined();
  });

  it("a missing series is no demand, no distribution, and the query's failure in the explanation", () => {
    const error =
      'Prometheus backend "default": query returned no series (query: max(demand{service="web"}))';
    const input = assemble({ readings: readings({ demand: { ok: false, error } }) });
    expect(input.demand).toBeUndefined();
    expect(input.distribution).toBeUndefined();
    expect(input.provenance?.demand).toEqual({ source: error });
    expect(input.provenance?.distribution?.source).toBe('reactive (no demand)');
    const explanation = failure(decide(input));
    expect(explanation.errors).toContain('demand is missing: no decision (never a silent zero)');
    expect(explanation.inputs.find((i) => i.name === 'demand')?.source).toBe(error);
  });

  it('demand sampled longer ago than engine.stalenessSeconds is stale for decide()', () => {
    const at = (ageMs: number) =>
      decide(assemble({ readings: readings({ demand: { ok: true, value: 100, timestamp: AT - ageMs } }) }));
    expect(at(119_000).ok).toBe(true);
    expect(failure(at(121_000)).errors).toContain('demand is stale: observed 121 s ago (bound 120 s)');
  });

  it("falls back to the previous decision's replicas when kube-state-metrics has none", () => {
    const input = assemble({
      readings: readings({ currentReplicas: { ok: false, error: 'no series' } }),
      previousReplicas: 6,
    });
    expect(input.currentReplicas).toBe(6);
    expect(input.provenance?.currentReplicas?.source).toBe('previous decision (no series)');
  });

  it('gives decide() every bound: min, max and an override until it expires', () => {
    const replicasAt = (demand: number, fields: Record<string, unknown> = {}) => {
      const r = decide(
        assemble({
          policy: policy(fields),
          readings: readings({
            demand: { ok: true, value: demand, timestamp: AT },
            pastDemand: new Float64Array(0),
          }),
        }),
      );
      if (!r.ok) throw new Error(r.failure.explanation.errors.join('; '));
      return { replicas: r.decision.replicas, bound: r.decision.actingBound };
    };
    expect(replicasAt(10)).toEqual({ replicas: 2, bound: 'min' });
    // At v = 3 holding the 4 replicas there are costs less than 36 more; at v = 1000 the count is 40.
    expect(replicasAt(1000)).toEqual({ replicas: 4, bound: 'none' });
    expect(replicasAt(1000, { sloMissCostPerHour: 1000 })).toEqual({ replicas: 10, bound: 'max' });
    const override = (expiresAt: string) => ({ overrides: [{ replicas: 9, expiresAt }] });
    expect(replicasAt(10, override('2026-03-10T12:00:01Z'))).toEqual({ replicas: 9, bound: 'override' });
    expect(replicasAt(10, override('2026-03-10T11:59:59Z'))).toEqual({ replicas: 2, bound: 'min' });
  });

  it('measures an SLO only where the policy sets a target; no value is unknown, not a breach', () => {
    const input = assemble({
      policy: policy({
        slo: { latencySeconds: { query: 'lat', target: 0.2 }, errorRatio: { query: 'err', target: 0.01 } },
      }),
      readings: readings({
        latency: { ok: true, value: 0.3, timestamp: AT },
        errorRatio: { ok: false, error: 'NaN' },
      }),
    });
    expect(input.slo).toEqual({
      latency: { measured: 0.3, target: 0.2 },
      errorRatio: { measured: undefined, target: 0.01 },
    });
  });

  it('shares what is the same for many policies: one object each, not one per policy and tick', () => {
    const budget = { name: 'team', status: undefined, error: 'spend unavailable' };
    const a = assemble({ budget });
    const b = assemble({ policy: policy({ name: 'api' }), budget });
    expect(b.provenance!.costPerReplicaHour).toBe(a.provenance!.costPerReplicaHour);
    expect(b.provenance!.currentReplicas).toBe(a.provenance!.currentReplicas);
    expect(b.provenance!.budget).toBe(a.provenance!.budget);
    expect(b.slo).toBe(a.slo);
    expect(b.overrides).toBe(a.overrides);
    // Stored as before: the same text, an empty SLO and no overrides.
    expect(JSON.stringify(b.provenance!.costPerReplicaHour)).toBe(
      '{"source":"requests from config; price book"}',
    );
    expect(b.provenance!.budget).toEqual({ source: 'spend unavailable' });
    expect(JSON.stringify(b.slo)).toBe('{}');
    expect(b.overrides).toEqual([]);
    // A policy with overrides or an SLO has its own.
    const own = assemble({
      policy: policy({ overrides: [{ replicas: 7, expiresAt: '2026-03-10T13:00:00Z', reason: 'launch' }] }),
    });
    expect(own.overrides).toHaveLength(1);
    expect(own.overrides).not.toBe(a.overrides);
  });
});

/** A previous snapshot entry whose decision cost `cost` per hour (the only field budgets read). */
const spending = (p: Policy, cost: number): PolicySnapshot => ({
  name: p.name,
  namespace: p.namespace,
  labels: {},
  allowedNamespaces: [],
  decision: { costPerHour: cost } as Decision,
});

/** 12 policies over two namespaces and two tiers, three budgets with overlapping scopes. */
function budgetsConfig(): Pick<Config, 'budgets' | 'policies'> {
  const parsed = configSchema.parse({
    prometheus: { default: { url: 'http://127.0.0.1:9' } },
    policies: Array.from({ length: 12 }, (_, i) => ({
      name: `p${i}`,
      namespace: i < 6 ? 'a' : 'b',
      labels: { tier: i % 3 === 0 ? 'gold' : 'silver' },
      target: { name: `p${i}` },
      demand: { query: `d{i="${i}"}` },
      capacityPerReplica: 1,
      replicas: { min: 1, max: 5 },
      ...(i % 3 === 0
        ? { budget: 'gold' }
        : i < 6
          ? { budget: 'team-a' }
          : i === 11
            ? { budget: 'solo' }
            : {}),
    })),
    budgets: [
      { name: 'team-a', period: 'monthly', amount: 1000, scope: { namespaces: ['a'] } },
      { name: 'gold', period: 'daily', amount: 100, scope: { selector: 'tier=gold' } },
      { name: 'solo', period: 'weekly', amount: 50 },
    ],
  });
  return parsed;
}

describe('allocateBudgets', () => {
  const config = budgetsConfig();
  const costs = new Map(config.policies.map((p, i) => [policyKey(p), i % 4 === 0 ? 0 : i * 0.5]));
  const previous = new Map(config.policies.map((p) => [policyKey(p), spending(p, costs.get(policyKey(p))!)]));
  const spend = new Map<string, SpendReading>([
    ['team-a', { ok: true, spent: 400 }],
    ['gold', { ok: true, spent: 30 }],
  ]);

  it("splits each budget's remainder by the policies' burn, as the per-policy rule does", () => {
    const allocations = allocateBudgets(config, spend, previous, AT);
    expect(allocations.map((a) => a.budget.status?.remaining)).toEqual([600, 70, 50]);
    // The rule, per policy: its share of the scope's burn (equal when nothing burns; all when alone).
    for (const { budget, remainingByPolicy } of allocations) {
      const members = policiesInScope(
        config.budgets.find((b) => b.name === budget.name)!,
        config.policies,
      );
      const burnOf = (p: Policy) => costs.get(policyKey(p))!;
      const total = members.reduce((s, p) => s + burnOf(p), 0);
      expect(budget.status?.burnRatePerHour).toBe(total);
      const named = members.filter((p) => p.budget === budget.name);
      expect([...remainingByPolicy.keys()]).toEqual(named.map(policyKey));
      for (const p of named) {
        const share = members.length <= 1 ? 1 : total > 0 ? burnOf(p) / total : 1 / members.length;
        expect(remainingByPolicy.get(policyKey(p))).toBe(budget.status!.remaining * share);
      }
    }
    // 'solo' has no scope of its own: only p11 names it, so it keeps the whole remainder.
    expect(allocations[2]!.remainingByPolicy).toEqual(new Map([['b/p11', 50]]));
  });

  it("reads each policy's burn once per budget in scope, not once per policy", () => {
    let reads = 0;
    const counting = new Map(previous);
    counting.get = (key: string) => {
      reads++;
      return previous.get(key);
    };
    allocateBudgets(config, spend, counting, AT);
    const scopeSizes = config.budgets.map((b) => policiesInScope(b, config.policies).length);
    expect(reads).toBe(scopeSizes.reduce((a, b) => a + b, 0));
  });

  it('splits equally when nothing burns yet', () => {
    const [teamA] = allocateBudgets(config, spend, new Map(), AT);
    // Scope: namespace a, p0–p5; p1, p2, p4, p5 name the budget.
    expect([...teamA!.remainingByPolicy.values()]).toEqual([100, 100, 100, 100]);
  });

  it('a budget whose spend could not be read has an error and no status; without a reading spend is zero', () => {
    const [teamA, gold] = allocateBudgets(
      config,
      new Map([['team-a', { ok: false, error: 'timeout' }]]),
      previous,
      AT,
    );
    expect(teamA).toEqual({
      budget: { name: 'team-a', periodStart: Date.parse('2026-03-01T00:00:00Z'), error: 'timeout' },
      remainingByPolicy: new Map(),
    });
    expect(gold!.budget).toMatchObject({
      periodStart: Date.parse('2026-03-10T00:00:00Z'),
      status: { spent: 0 },
    });
  });
});

describe('assembleTick', () => {
  const config = { ...budgetsConfig(), engine: configSchema.parse({}).engine };
  const inputs = {
    policies: config.policies.map((_, i) =>
      readings(i === 4 ? { demand: { ok: false, error: 'no series' } } : {}),
    ),
    prices: TICK.prices,
    spend: new Map<string, SpendReading>([['team-a', { ok: false, error: 'timeout' }]]),
  };

  it('one input per policy, in order, with its previous entry, forecast, budget and demand failure', () => {
    const p3 = config.policies[3]!;
    const previous = { generatedAt: AT - 15_000, tick: 1, policies: [spending(p3, 2)] };
    const forecast: ForecastView = { mode: 'reactive', reason: 'history is being loaded' };
    const tick = assembleTick(
      config,
      inputs,
      new Map([[policyKey(p3), forecast]]),
      new PreviousSnapshot(previous),
      AT,
    );
    const policies = [...tick.policies];
    expect(policies.map((p) => p.policy)).toEqual(config.policies);
    expect(policies.map((p) => p.key)).toEqual(config.policies.map(policyKey));
    expect(policies.map((p) => p.input.policy)).toEqual(config.policies.map((p) => p.name));
    expect(policies[3]).toMatchObject({ previous: previous.policies[0], forecast });
    expect(policies[4]!.demandError).toBe('no series');
    expect(policies[3]!.demandError).toBeUndefined();
    // p3 is gold's only burner: its share is all of gold's remainder.
    expect(policies[3]!.input.budget).toMatchObject({ name: 'gold', remaining: 100 });
    expect(policies[1]!.input.budget).toBeUndefined();
    expect(policies[1]!.input.provenance?.budget).toEqual({ source: 'timeout' });
    expect(policies[7]!.input.provenance?.budget).toBeUndefined();
    // Assembled lazily, and again (the same) on a second pass.
    // The distribution's provenance compared as the text it renders (it holds a note function).
    const comparable = (ps: AssembledPolicy[]) =>
      ps.map((p) => ({
        ...p,
        input: {
          ...p.input,
          distribution: p.input.distribution?.quantile(0.9),
          provenance: JSON.parse(JSON.stringify(p.input.provenance)) as unknown,
        },
      }));
    expect(comparable([...tick.policies])).toEqual(comparable(policies));
    expect(tick.budgets.map((b) => [b.name, b.error ?? b.status?.remaining])).toEqual([
      ['team-a', 'timeout'],
      ['gold', 100],
      ['solo', 50],
    ]);
  });
});
