import type { Config, Policy } from '../config/schema';
import {
  blendedCostPerReplicaHour,
  budgetPeriodAt,
  budgetStatus,
  decisionBudget,
  lagCorrectedDemand,
  lagSteps,
  rateLagSeconds,
  rateWindowOf,
  reactiveFlooredByForecast,
  reactivePeakDistribution,
  recentDemandPeak,
  RECENT_PEAK_SECONDS,
  startupShare,
  decisionHorizonSteps,
  type BudgetStatus,
  type DecisionInput,
  type InputProvenance,
  type ReactiveNote,
  type ReplicaOverride,
} from '../domain';
import type { ForecastView } from './forecasting';
import { PARTS, type Packable } from '../domain/packedTree';
import { policiesInScope, policyKeys } from '../config/policyIdentity';
import type { PolicySnapshot } from '../snapshot/snapshot';
import type { PolicyReadings, PriceReading, Reading, SpendReading, TickInputs } from './tickInputs';

// Assembling a tick, pure: from the configuration, what the tick read, the forecasts, the previous
// snapshot and the time, one DecisionInput per policy and each budget's status. No I/O, no clock.

/** The engine settings a policy's decision input depends on. */
export type EngineTiming = Pick<Config['engine'], 'intervalSeconds' | 'hpaSyncSeconds' | 'stalenessSeconds'>;

/** A budget as a policy's decision sees it. */
export interface PolicyBudget {
  readonly name: string;
  /** Absent when the budget's spend could not be read this tick. */
  readonly status?: BudgetStatus;
  /** Why there is no status. */
  readonly error?: string;
  /** This policy's part of the budget's remainder (the whole remainder when it is alone in the scope). */
  readonly remaining?: number;
}

/** What one policy's decision input is built from, besides what every policy shares at the tick. */
export interface PolicyAssembly {
  readonly policy: Policy;
  readonly readings: PolicyReadings;
  /** The forecasting engine's view of the policy; absent when forecasting is off for it. */
  readonly forecast?: ForecastView;
  /** Replicas of the policy's previous decision: the current count when kube-state-metrics has none. */
  readonly previousReplicas?: number;
  /** The budget the policy names, if any. */
  readonly budget?: PolicyBudget;
}

/** What every policy shares at one tick. */
export interface TickContext {
  /** The tick's time, epoch ms. */
  readonly at: number;
  readonly engine: EngineTiming;
  readonly prices: PriceReading;
}

/**
 * The DecisionInput the live engine builds for one policy at one tick; decide() of it is the policy's
 * decision. Pure, so a simulator that supplies the same readings (D(t) with its sample time, the demand
 * at the tick step before it, replicas, SLO measurements, requests), the same forecast view, prices and
 * budget reproduces the service's decision exactly.
 *
 * - D(t) is the demand query's value extrapolated over half its `rate()` window (domain/demandLag.ts).
 * - The demand distribution is the reactive one built from `pastDemand` over the horizon H in tick
 *   steps, floored at the forecast's median peak while the forecast is trusted (`forecast.mode` is
 *   `forecast`; domain/forecastFloor.ts), the floor never above the demand query's highest value in
 *   `pastDemand` over the last 5 minutes, the horizon and the lag; the forecast's alone when there is
 *   no reactive one.
 * - A failed reading leaves its input undefined and carries the failure as the input's provenance,
 *   so decide() names it; replicas fall back to `previousReplicas`.
 * - Demand sampled longer ago than `engine.stalenessSeconds` is stale for decide().
 */
export function assemblePolicy(assembly: PolicyAssembly, tick: TickContext): DecisionInput {
  const { policy, readings, forecast, budget } = assembly;
  const { demand: d, currentReplicas: current, resources: res } = readings;
  const lagSeconds = rateLagSeconds(rateWindowOf(policy.demand.query));
  const lag = d.ok
    ? lagCorrectedDemand(
        d.value,
        readings.pastDemand,
        lagSteps(lagSeconds, tick.engine.intervalSeconds),
        lagSeconds,
      )
    : undefined;
  const horizonSteps = decisionHorizonSteps(policy, tick.engine);
  const reactive =
    lag === undefined
      ? undefined
      : reactivePeakDistribution(readings.growth, readings.pastDemand, horizonSteps, lag.demand);
  const forecasting = forecast?.mode === 'forecast';
  const anomaly = forecast?.anomaly;
  return {
    policy: policy.name,
    at: tick.at,
    mode: policy.mode,
    demand: lag?.demand,
    ...(lag !== undefined && lagSeconds > 0 && { demandLag: lag }),
    demandUnit: policy.demand.unit,
    ...(anomaly?.active &&
      anomaly.since !== undefined && {
        anomalies: [{ signal: 'demand', since: anomaly.since, peak: anomaly.peak ?? anomaly.score }],
      }),
    distribution:
      forecasting && forecast.distribution && reactive
        ? reactiveFlooredByForecast(
            forecast.distribution,
            reactive,
            recentDemandPeak(
              readings.pastDemand,
              tick.engine.intervalSeconds,
              horizonSteps,
              lagSteps(lagSeconds, tick.engine.intervalSeconds),
            ),
          )
        : forecasting
          ? forecast.distribution
          : reactive,
    capacityPerReplica: policy.capacityPerReplica,
    costPerReplicaHour: res.ok
      ? blendedCostPerReplicaHour(res.resources, tick.prices.prices, policy.spotShare)
      : undefined,
    sloMissCostPerHour: policy.sloMissCostPerHour,
    hpaTolerance: policy.hpaTolerance,
    startupShare: startupShare(policy, tick.engine),
    readinessSeconds: policy.readinessDelaySeconds,
    budget: budget?.status && decisionBudget(budget.name, budget.status, budget.remaining),
    currentReplicas: current.ok ? Math.round(current.value) : assembly.previousReplicas,
    slo: sloOf(policy, readings),
    minReplicas: policy.replicas.min,
    maxReplicas: policy.replicas.max,
    schedules: policy.schedules,
    holidays: policy.holidays,
    overrides: overridesOf(policy),
    staleAfterMs: tick.engine.stalenessSeconds * 1000,
    provenance: {
      demand: { source: d.ok ? policy.demand.query : d.error, ...(d.ok && { observedAt: d.timestamp }) },
      distribution: new DistributionProvenance(
        reactive?.note,
        forecasting,
        forecast?.model,
        forecast?.reason,
      ),
      costPerReplicaHour: SOURCES.of(res.ok ? `${res.source}; ${tick.prices.source}` : res.error),
      currentReplicas: current.ok ? KUBE_STATE_METRICS : { source: `previous decision (${current.error})` },
      ...(budget && { budget: SOURCES.of(budget.error ?? `budget ${budget.name}`) }),
    },
  };
}

// The engine keeps every policy's decision input until the next tick (and the previous tick's beside it
// while it builds the next), so what is the same for many policies is one object, not one per policy and
// tick (issue 16). Entries are frozen once published; none of these is ever written.

/** Inputs without an SLO (the usual case). */
const NO_SLO = Object.freeze({ latency: undefined, errorRatio: undefined });
const NO_OVERRIDES: readonly ReplicaOverride[] = Object.freeze([]);
const KUBE_STATE_METRICS: InputProvenance = Object.freeze({ source: 'kube-state-metrics' });

function sloOf(policy: Policy, readings: PolicyReadings): DecisionInput['slo'] {
  const latency = policy.slo.latencySeconds?.target;
  const errorRatio = policy.slo.errorRatio?.target;
  if (latency === undefined && errorRatio === undefined) return NO_SLO;
  return {
    latency: sloMeasurement(readings.latency, latency),
    errorRatio: sloMeasurement(readings.errorRatio, errorRatio),
  };
}

function overridesOf(policy: Policy): readonly ReplicaOverride[] {
  if (policy.overrides.length === 0) return NO_OVERRIDES;
  return policy.overrides.map((o) => ({
    replicas: o.replicas,
    expiresAt: Date.parse(o.expiresAt),
    reason: o.reason,
  }));
}

/**
 * One provenance object per source text: the cost's (requests and prices) and a budget's are the same
 * for many policies. Bounded: texts that carry errors or node counts change over time.
 */
class SharedSources {
  private readonly bySource = new Map<string, InputProvenance>();

  constructor(private readonly max: number) {}

  of(source: string): InputProvenance {
    let provenance = this.bySource.get(source);
    if (provenance === undefined) {
      if (this.bySource.size >= this.max) this.bySource.clear();
      provenance = Object.freeze({ source });
      this.bySource.set(source, provenance);
    }
    return provenance;
  }
}
const SOURCES = new SharedSources(1_000);

/**
 * Where the distribution came from, rendered when read: the engine keeps every decision's input until the
 * next tick and almost none is explained, so it holds the parts (not the ~0.5 KiB sentence, nor the
 * distribution or forecast view they come from), in one object of fixed shape. JSON (the stored decision
 * input and snapshot) gets the text.
 */
class DistributionProvenance implements InputProvenance, Packable {
  /**
   * @param forecastUsed whether the forecast is trusted (floors or replaces the reactive distribution)
   * @param reason why the forecast is or is not used; undefined without a forecast
   */
  constructor(
    private readonly reactiveNote: ReactiveNote | undefined,
    private readonly forecastUsed: boolean,
    private readonly model: string | undefined,
    private readonly reason: string | undefined,
  ) {}

  /** Its parts, so that a kept input packed (snapshot/decisionColumns.ts) holds none of its objects. */
  [PARTS](): ConstructorParameters<typeof DistributionProvenance> {
    return [this.reactiveNote, this.forecastUsed, this.model, this.reason];
  }

  static fromParts(parts: ConstructorParameters<typeof DistributionProvenance>): DistributionProvenance {
    return new DistributionProvenance(...parts);
  }

  get source(): string {
    if (!this.forecastUsed)
      return `reactive (${this.reactiveNote?.text() ?? 'no demand'})${this.reason !== undefined ? `; forecast not used: ${this.reason}` : ''}`;
    return this.reactiveNote
      ? `reactive (${this.reactiveNote.text()}), floored from τ = 0.5 up at the median peak of the forecast (${this.model}), never above demand's highest over the last ${RECENT_PEAK_SECONDS} s, the horizon and the lag: ${this.reason}`
      : `forecast (${this.model}): ${this.reason}`;
  }

  toJSON(): InputProvenance {
    return { source: this.source };
  }
}

function sloMeasurement(v: Reading | undefined, target: number | undefined) {
  if (target === undefined) return undefined;
  // No value (e.g. no traffic gives a NaN quantile) is "unknown", not a breach; decide() warns.
  return { measured: v?.ok ? v.value : undefined, target };
}

/** One budget at the tick: its status, or why there is none. */
export interface TickBudget {
  readonly name: string;
  /** Epoch ms when the budget's current period started. */
  readonly periodStart: number;
  readonly status?: BudgetStatus;
  readonly error?: string;
}

/** A budget's status and each of its policies' part of the remainder. */
export interface BudgetAllocation {
  readonly budget: TickBudget;
  /** By policy key, for the policies that name this budget; empty without a status. */
  readonly remainingByPolicy: ReadonlyMap<string, number>;
}

/**
 * Each budget's status and how its remainder is split: by each policy's share of the scope's burn
 * (its previous decision's cost per hour), equally when nothing burns. The burn is summed once per
 * budget, so a tick costs O(budgets × policies), not a scan of the scope for every policy.
 */
export function allocateBudgets(
  config: Pick<Config, 'budgets' | 'policies'>,
  spend: ReadonlyMap<string, SpendReading>,
  previous: PreviousEntries,
  now: number,
): BudgetAllocation[] {
  return config.budgets.map((budget): BudgetAllocation => {
    const period = budgetPeriodAt(budget.period, budget.timeZone, now);
    const members = policiesInScope(budget, config.policies);
    const keys = policyKeys(members);
    const burns = keys.map((key) => previous.get(key)?.decision?.costPerHour ?? 0);
    const burn = burns.reduce((sum, b) => sum + b, 0);
    const spent = spend.get(budget.name) ?? { ok: true, spent: 0 };
    const base = { name: budget.name, periodStart: period.start };
    if (!spent.ok) return { budget: { ...base, error: spent.error }, remainingByPolicy: new Map() };
    const status = budgetStatus({
      amount: budget.amount,
      period,
      spent: spent.spent,
      burnRatePerHour: burn,
      at: now,
      thresholds: budget.thresholds,
    });
    const remainingByPolicy = new Map<string, number>();
    members.forEach((p, i) => {
      if (p.budget !== budget.name) return;
      const share = members.length <= 1 ? 1 : burn > 0 ? burns[i]! / burn : 1 / members.length;
      remainingByPolicy.set(keys[i]!, status.remaining * share);
    });
    return { budget: { ...base, status }, remainingByPolicy };
  });
}

/** The previous snapshot's entries by policy key (a `PreviousSnapshot`, or a map in tests). */
export interface PreviousEntries {
  get(key: string): PolicySnapshot | undefined;
}
const NO_PREVIOUS: PreviousEntries = new Map<string, PolicySnapshot>();

/** One policy's decision input and what publishing its outcome needs. */
export interface AssembledPolicy {
  readonly policy: Policy;
  /** The policy's key (`policyKey`). */
  readonly key: string;
  readonly input: DecisionInput;
  readonly forecast?: ForecastView;
  /** The policy's entry in the previous snapshot: its last good values stay when this tick fails. */
  readonly previous?: PolicySnapshot;
  /** The demand query's own failure, which says more than "demand is missing". */
  readonly demandError?: string;
}

export interface AssembledTick {
  /**
   * One per policy, in `config.policies` order. Assembled as it is iterated, so a tick that decides and
   * publishes each in turn never holds every policy's distribution at once.
   */
  readonly policies: Iterable<AssembledPolicy>;
  readonly budgets: TickBudget[];
}

/** Every policy's decision input and every budget's status at `now`, from what the tick read. */
export function assembleTick(
  config: Pick<Config, 'budgets' | 'policies' | 'engine'>,
  inputs: TickInputs,
  forecasts: ReadonlyMap<string, ForecastView>,
  previous: PreviousEntries | undefined,
  now: number,
): AssembledTick {
  const previousByKey = previous ?? NO_PREVIOUS;
  const allocations = allocateBudgets(config, inputs.spend, previousByKey, now);
  const byName = new Map(allocations.map((a) => [a.budget.name, a]));
  const tick: TickContext = { at: now, engine: config.engine, prices: inputs.prices };
  const keys = policyKeys(config.policies);
  const assembled = (policy: Policy, key: string, readings: PolicyReadings): AssembledPolicy => {
    const prev = previousByKey.get(key);
    const forecast = forecasts.get(key);
    const allocation = policy.budget === undefined ? undefined : byName.get(policy.budget);
    const remaining = allocation?.remainingByPolicy.get(key);
    const budget: PolicyBudget | undefined = allocation && {
      name: allocation.budget.name,
      status: allocation.budget.status,
      error: allocation.budget.error,
      remaining,
    };
    // Literals of fixed shape, not spreads of optional parts: one of each per policy and tick.
    const input = assemblePolicy(
      { policy, readings, forecast, previousReplicas: prev?.decision?.replicas, budget },
      tick,
    );
    return {
      policy,
      key,
      input,
      forecast,
      previous: prev,
      demandError: readings.demand.ok ? undefined : readings.demand.error,
    };
  };
  return {
    policies: {
      *[Symbol.iterator]() {
        for (const [i, policy] of config.policies.entries())
          yield assembled(policy, keys[i]!, inputs.policies[i]!);
      },
    },
    budgets: allocations.map((a) => a.budget),
  };
}
