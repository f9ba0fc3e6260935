import { chooseReplicas, exceedanceFromQuantiles } from './missObjective';
import { isReachable } from './toleranceBand';
import { grewPast } from './growthHistogram';
import {
  demandFloorOnFall,
  demandOnceReady,
  exceedanceOnceReady,
  startupShareOverFall,
} from './fallingDemand';
import type { LagCorrection } from './demandLag';
import { z } from 'zod';
import type { Policy } from '../config/schema';
import type { BudgetStatus } from './budget';
import type { DemandDistribution } from '../forecast/distribution';
import { type ScheduleProfile, scheduleFloorAt } from './schedule';

// The decision (ARCHITECTURE.md §3), a pure function of its input: the newsvendor quantile τ* of peak
// demand weighed against replica cost and budget pressure bounds the counts weighed, the count with the
// least expected cost of replicas and SLO-miss hours among them is chosen (missObjective.ts), then the
// bounds in their fixed order, with an explanation naming every input and every bound that acted.

export type Mode = Policy['mode'];

/** How much of a shared budget this policy may still spend, and how pressed the budget is. */
export interface DecisionBudget {
  readonly name: string;
  /** λ ≥ 0 from budgetStatus(); ignored in `sla-first` mode. */
  readonly shadowPrice: number;
  /** Fraction of the budget spent. */
  readonly utilisation: number;
  /** Utilisation at which the budget is an emergency (default 0.95). */
  readonly criticalThreshold: number;
  /**
   * Budget left for this policy to spend in the period. For a budget shared by several policies the
   * caller apportions the remainder (e.g. by each policy's share of the burn).
   */
  readonly remaining: number;
  /** Hours until the period ends. */
  readonly hoursLeft: number;
}

/** A measured SLO signal and its target; breached when measured > target. */
export interface SloMeasurement {
  /** Latest measurement; undefined or NaN when the query gave nothing (e.g. no traffic). */
  readonly measured: number | undefined;
  readonly target: number;
}

export interface ReplicaOverride {
  readonly replicas: number;
  /** Epoch ms after which the override no longer applies. */
  readonly expiresAt: number;
  readonly reason?: string;
}

/** A signal of the policy in an anomaly episode at decision time. */
export interface ActiveAnomaly {
  /** `demand`: the forecast is not trusted while it lasts, so the caller gave the reactive distribution. */
  readonly signal: string;
  /** Epoch ms the episode started. */
  readonly since: number;
  /** Highest anomaly score in [0, 1] so far. */
  readonly peak: number;
}

export const PROVENANCED_INPUTS = [
  'demand',
  'distribution',
  'capacityPerReplica',
  'costPerReplicaHour',
  'budget',
  'currentReplicas',
  'latency',
  'errorRatio',
] as const;
export type ProvenancedInput = (typeof PROVENANCED_INPUTS)[number];

export interface InputProvenance {
  /** Where the value came from, e.g. the PromQL query, `price book`, `learned from 7 d of history`. */
  readonly source: string;
  /** Epoch ms of the observation; older than `staleAfterMs` is stale. */
  readonly observedAt?: number;
}

/**
 * Everything decide() needs, as plain data. Only `at`, `mode`, `demand`, `capacityPerReplica`,
 * `costPerReplicaHour`, `sloMissCostPerHour`, `minReplicas` and `maxReplicas` are required; the rest
 * default to "not configured".
 */
export interface DecisionInput {
  /** Policy name, carried into the decision and its summary. */
  readonly policy?: string;
  /** Decision time, epoch ms (schedules, overrides and staleness are judged at it). */
  readonly at: number;
  readonly mode: Mode;
  /** D(t), demand now in units/s. Missing, NaN or negative ⇒ no decision. */
  readonly demand: number | undefined;
  /**
   * How `demand` was extrapolated over the demand query's lag (demandLag.ts): the query's own value,
   * its value one lag earlier and the lag. Absent: `demand` is the query's value as measured.
   */
  readonly demandLag?: Pick<LagCorrection, 'measured' | 'earlier' | 'halfEarlier' | 'lagSeconds'>;
  /** Unit of demand for the explanation (default `units`). */
  readonly demandUnit?: string;
  /** Signals in an anomaly episode, named in the explanation. */
  readonly anomalies?: readonly ActiveAnomaly[];
  /** Distribution of peak demand over [t, t+H]; absent ⇒ target demand is D(t). */
  readonly distribution?: DemandDistribution;
  /** κ, demand one replica serves within its SLO (> 0). */
  readonly capacityPerReplica: number | undefined;
  /** c, cost of one replica-hour (≥ 0). */
  readonly costPerReplicaHour: number | undefined;
  /** v, cost of one hour of SLO miss: peak demand above the replicas' capacity (≥ 0). */
  readonly sloMissCostPerHour: number;
  readonly budget?: DecisionBudget;
  /** Replicas the workload has now; needed by the SLO guard and the tolerance band. */
  readonly currentReplicas?: number;
  /**
   * Tolerance of the HPA that reads the served count (0.1 is the cluster default): counts inside its
   * band around `currentReplicas` are never reached, so the decision picks a reachable one. 0 or absent: off.
   */
  readonly hpaTolerance?: number;
  /**
   * R/H: the share of the decision's horizon a replica started now spends before it is ready (readiness
   * delay / horizon, horizon.ts). While demand falls (`demandLag.measured` below `demandLag.earlier`), each
   * count above `currentReplicas` also pays that share of its new replicas' price (missObjective.ts).
   * 0 or absent: off.
   */
  readonly startupShare?: number;
  /**
   * R, the readiness delay of a new pod in seconds: on a fall, the counts above `currentReplicas` are
   * priced by the demand their new pods meet once ready (fallingDemand.ts). Absent: by the horizon's peak.
   */
  readonly readinessSeconds?: number;
  readonly slo?: { readonly latency?: SloMeasurement; readonly errorRatio?: SloMeasurement };
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly schedules?: readonly ScheduleProfile[];
  /** YYYY-MM-DD dates (in each schedule's zone) on which schedules do not apply. */
  readonly holidays?: readonly string[];
  /** The first override (in list order) not expired at `at` wins over everything. */
  readonly overrides?: readonly ReplicaOverride[];
  /** Where inputs came from and when they were observed. */
  readonly provenance?: Partial<Record<ProvenancedInput, InputProvenance>>;
  /** Inputs observed longer ago than this are stale: a warning, or an error for demand (default 120 s). */
  readonly staleAfterMs?: number;
}

export const DEFAULT_STALE_AFTER_MS = 120_000;

export const BOUNDS = ['min', 'max', 'schedule', 'slo-guard', 'budget-emergency', 'override'] as const;
export const actingBoundSchema = z.enum(['none', ...BOUNDS]);
export type ActingBound = z.infer<typeof actingBoundSchema>;

const explainedValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const explanationSchema = z.strictObject({
  /** One line for people. */
  summary: z.string(),
  /** Every input with its value and where it came from. */
  inputs: z.array(
    z.strictObject({
      name: z.string(),
      value: explainedValue,
      source: z.string(),
      unit: z.string().optional(),
    }),
  ),
  /** Every bound that changed the replica count, in the order applied. */
  bounds: z.array(
    z.strictObject({
      bound: z.enum(BOUNDS),
      before: z.int().nonnegative(),
      after: z.int().nonnegative(),
      detail: z.string(),
    }),
  ),
  warnings: z.array(z.string()),
  errors: z.array(z.string()),
});
export type Explanation = z.infer<typeof explanationSchema>;

const finite = z.number();
const nonNegative = z.number().nonnegative();

export const decisionSchema = z.strictObject({
  policy: z.string().optional(),
  at: z.int().describe('epoch milliseconds'),
  mode: z.enum(['sla-first', 'balanced', 'budget-first']),
  /** n, the replicas to run. */
  replicas: z.int().nonnegative(),
  /** ceil(T/κ): the most replicas the decision weighs, before any bound. */
  unboundedReplicas: z.int().nonnegative(),
  /** Load in replica units: T/κ when no bound changed n, else n (so ceil(load) = replicas). */
  load: nonNegative,
  /** T = max(D(t), Q(τ*)). */
  targetDemand: nonNegative,
  /** D(t). */
  demand: nonNegative,
  /** Q(τ*), null without a usable distribution. */
  demandQuantile: finite.nullable(),
  /** τ* = v / (v + c·(1+λ)): above Q(τ*) no replica saves more SLO-miss cost than it costs. */
  tau: z.number().min(0).max(1),
  /** λ as applied (0 in sla-first mode). */
  shadowPrice: nonNegative,
  costPerReplicaHour: nonNegative,
  /** n · c. */
  costPerHour: nonNegative,
  /** Cost per unit of demand served at D(t): costPerHour / (D · 3600); null when D = 0. */
  costPerUnit: nonNegative.nullable(),
  /** Probability peak demand over the horizon exceeds n·κ; null without a usable distribution. */
  sloMissRisk: z.number().min(0).max(1).nullable(),
  actingBound: actingBoundSchema,
  explanation: explanationSchema,
});
export type Decision = z.infer<typeof decisionSchema>;

export const decisionFailureSchema = z.strictObject({
  policy: z.string().optional(),
  /** Decision time; null when the given time was not a finite number. */
  at: z.number().nullable(),
  mode: z.enum(['sla-first', 'balanced', 'budget-first']),
  /** explanation.errors is never empty. */
  explanation: explanationSchema,
});
export type DecisionFailure = z.infer<typeof decisionFailureSchema>;

export type DecisionResult =
  | { readonly ok: true; readonly decision: Decision }
  | { readonly ok: false; readonly failure: DecisionFailure };

/** The budget part of a decision input from a budget's status. */
export function decisionBudget(
  name: string,
  status: BudgetStatus,
  remaining = status.remaining,
): DecisionBudget {
  return {
    name,
    shadowPrice: status.shadowPrice,
    utilisation: status.utilisation,
    criticalThreshold: status.thresholds.critical,
    remaining,
    hoursLeft: status.hoursLeft,
  };
}

type ExplainedInput = Explanation['inputs'][number];
type BoundStep = Explanation['bounds'][number];

/** A decision's numbers: everything but its explanation. */
export type DecisionNumbers = Omit<Decision, 'explanation'>;

/** What a decision asks of its demand distribution: live, or replayed from what it answered then. */
export interface DistributionAnswers {
  /** Q(τ) as the distribution gives it (unchecked); undefined without a distribution. */
  quantile(input: DecisionInput, tau: number): number | undefined;
  /**
   * The count with the least expected cost among those from `lowest` to `highest` the HPA can reach
   * (missObjective.ts).
   */
  choose(
    input: DecisionInput,
    lowest: number,
    highest: number,
    replicaCost: number,
    missCost: number,
    kappa: number,
  ): number;
  /** P(peak over the horizon > capacity); null without a distribution. */
  missRisk(input: DecisionInput, capacity: number): number | null;
}

/** The explanation as it is written down, when it is: inputs, warnings, bounds and the summary. */
export interface DecisionNotes {
  readonly inputs: ExplainedInput[];
  readonly warnings: string[];
  readonly bounds: BoundStep[];
  summary?: string;
}

/** What decideWith() worked out: the numbers, or the errors that allowed none. */
export type DecisionOutcome =
  | {
      readonly ok: true;
      readonly decision: DecisionNumbers;
      /** Q(τ) as the distribution gave it; undefined without a distribution. */
      readonly rawQuantile: number | undefined;
      /** The count the decision chose among those the HPA can reach (missObjective.ts), before the bounds. */
      readonly reachable: number;
    }
  | { readonly ok: false; readonly errors: string[] };

/** The decision's questions answered by the input's own distribution. */
export const liveAnswers: DistributionAnswers = {
  quantile: (input, tau) => input.distribution?.quantile(tau),
  choose(input, lowest, highest, replicaCost, missCost, kappa) {
    const { distribution, currentReplicas, hpaTolerance } = input;
    const demand = input.demand ?? 0;
    // One count weighed (no band, no room below the target): nothing to read.
    if (lowest === highest && !((hpaTolerance ?? 0) > 0)) return highest;
    const exceeds =
      distribution === undefined
        ? (x: number) => Number(demand > x)
        : exceedanceFromQuantiles(
            (tau) => distribution.quantile(tau),
            demandFloorOnFall(demand, input.demandLag),
          );
    const onceReady = demandOnceReady(demand, input.demandLag, input.readinessSeconds);
    const exceedsOnceReady =
      distribution === undefined || !startsForFall(onceReady, demand, currentReplicas, kappa)
        ? undefined
        : exceedanceOnceReady(exceeds, demand, onceReady);
    return chooseReplicas({
      lowest,
      highest,
      current: currentReplicas,
      tolerance: hpaTolerance,
      replicaCost,
      missCost,
      exceeds: (k) => exceeds(k * kappa),
      ...(exceedsOnceReady && { exceedsOnceReady: (k: number) => exceedsOnceReady(k * kappa) }),
      startupFee:
        replicaCost *
        (exceedsOnceReady === undefined
          ? startupShareOf(input)
          : Math.max(
              startupShareOf(input),
              startupShareOverFall(
                input.demandLag,
                input.readinessSeconds,
                onceReady,
                (currentReplicas ?? 0) * kappa,
              ),
            )),
    });
  },
  missRisk: (input, capacity) =>
    input.distribution === undefined
      ? null
      : exceedanceProbability(
          input.distribution,
          capacity,
          demandFloorOnFall(input.demand ?? 0, input.demandLag),
        ),
};

/** The decision for one policy at `input.at`. Same input ⇒ same output. */
export function decide(input: DecisionInput): DecisionResult {
  const notes: DecisionNotes = { inputs: [], warnings: [], bounds: [] };
  const outcome = decideWith(input, liveAnswers, notes);
  return outcome.ok
    ? { ok: true, decision: { ...outcome.decision, explanation: explanationOf(notes) } }
    : { ok: false, failure: decisionFailure(input, outcome.errors, notes) };
}

/** The explanation from the notes decideWith() took of a decision. */
export function explanationOf(notes: DecisionNotes): Explanation {
  return {
    summary: notes.summary ?? '',
    inputs: notes.inputs,
    bounds: notes.bounds,
    warnings: notes.warnings,
    errors: [],
  };
}

/** Why there is no decision, from the errors and the notes decideWith() took. */
export function decisionFailure(
  input: DecisionInput,
  errors: string[],
  notes: DecisionNotes,
): DecisionFailure {
  return {
    ...(input.policy === undefined ? {} : { policy: input.policy }),
    at: Number.isFinite(input.at) ? input.at : null,
    mode: input.mode,
    explanation: {
      summary: `${input.policy ?? 'policy'}: no decision — ${errors[0] ?? 'inputs missing'}`,
      inputs: notes.inputs,
      bounds: [],
      warnings: notes.warnings,
      errors,
    },
  };
}

/**
 * The decision's numbers; with `notes`, its explanation is written into them as it goes. Without, no
 * text is made (the engine's hot path: the explanation is rendered on request, explainDecision.ts).
 */
export function decideWith(
  input: DecisionInput,
  answers: DistributionAnswers,
  notes?: DecisionNotes,
): DecisionOutcome {
  const errors: string[] = [];
  const warnings = notes?.warnings;
  const unit = input.demandUnit ?? 'units';
  const sourceOf = (name: ProvenancedInput, fallback: string): string =>
    input.provenance?.[name]?.source ?? fallback;
  const explain: Explain | undefined =
    notes &&
    ((name, value, source, u) => {
      const shown = typeof value === 'number' && !Number.isFinite(value) ? null : (value ?? null);
      notes.inputs.push(
        u === undefined ? { name, value: shown, source } : { name, value: shown, source, unit: u },
      );
    });

  const {
    at,
    mode,
    demand,
    capacityPerReplica: kappa,
    costPerReplicaHour: cost,
    sloMissCostPerHour: v,
  } = input;
  explain?.('at', Number.isFinite(at) ? new Date(at).toISOString() : undefined, 'decision time');
  explain?.('mode', mode, 'policy');
  const lag = input.demandLag;
  explain?.(
    'demand',
    demand,
    lag === undefined
      ? sourceOf('demand', 'input')
      : `${sourceOf('demand', 'input')}, extrapolated over its ${fmt(lag.lagSeconds)} s lag`,
    `${unit}/s`,
  );
  if (lag !== undefined && explain !== undefined) {
    explain('measuredDemand', lag.measured, sourceOf('demand', 'input'), `${unit}/s`);
    explain(
      'demandOneLagEarlier',
      lag.earlier,
      `the demand query ${fmt(lag.lagSeconds)} s earlier`,
      `${unit}/s`,
    );
    if (lag.halfEarlier !== undefined)
      explain(
        'demandHalfLagEarlier',
        lag.halfEarlier,
        `the demand query ${fmt(lag.lagSeconds / 2)} s earlier: its rise since rose faster than the lag's, so demand is read as the query one lag earlier plus that rise scaled to the whole rate() window`,
        `${unit}/s`,
      );
    explain('demandLag', lag.lagSeconds, "half the demand query's rate() window", 's');
  }
  for (const a of (explain && input.anomalies) ?? []) {
    const since = Number.isFinite(a.since) ? new Date(a.since).toISOString() : 'an unknown time';
    explain?.('anomaly', `${a.signal} since ${since}`, `anomaly detector, peak score ${fmt(a.peak)}`);
    warnings?.push(
      `${a.signal} is anomalous since ${since} (peak anomaly score ${fmt(a.peak)})` +
        (a.signal === 'demand' ? ': the forecast is not trusted, the reactive distribution decides' : ''),
    );
  }
  explain?.('capacityPerReplica', kappa, sourceOf('capacityPerReplica', 'input'), `${unit}/s`);
  explain?.('costPerReplicaHour', cost, sourceOf('costPerReplicaHour', 'input'), 'per hour');
  explain?.('sloMissCostPerHour', v, 'policy', 'per hour of SLO miss');
  explain?.('minReplicas', input.minReplicas, 'policy');
  explain?.('maxReplicas', input.maxReplicas, 'policy');

  if (!Number.isFinite(at)) errors.push(`decision time is ${at}`);
  if (demand === undefined) errors.push('demand is missing: no decision (never a silent zero)');
  else if (!Number.isFinite(demand)) errors.push(`demand is ${demand}: no decision (never a silent zero)`);
  else if (demand < 0) errors.push(`demand is negative (${demand})`);
  if (kappa === undefined || !(kappa > 0) || !Number.isFinite(kappa)) {
    errors.push(`capacity per replica is ${kappa ?? 'missing'}; it must be a positive number`);
  }
  if (cost === undefined || !(cost >= 0) || !Number.isFinite(cost)) {
    errors.push(`cost per replica-hour is ${cost ?? 'missing'}; it must be a non-negative number`);
  }
  if (!(v >= 0) || !Number.isFinite(v))
    errors.push(`SLO-miss cost is ${v}; it must be a non-negative number`);
  if (!Number.isInteger(input.minReplicas) || !Number.isInteger(input.maxReplicas) || input.minReplicas < 0) {
    errors.push(
      `replica bounds must be non-negative integers (min ${input.minReplicas}, max ${input.maxReplicas})`,
    );
  } else if (input.minReplicas > input.maxReplicas) {
    errors.push(`minReplicas ${input.minReplicas} exceeds maxReplicas ${input.maxReplicas}`);
  }
  checkStaleness(input, errors, warnings);

  if (errors.length > 0 || demand === undefined || kappa === undefined || cost === undefined) {
    return { ok: false, errors };
  }

  const lambda = effectiveShadowPrice(input, warnings);
  explain?.(
    'shadowPrice',
    lambda,
    input.budget === undefined
      ? 'no budget'
      : `budget ${input.budget.name}${mode === 'sla-first' ? ' (ignored in sla-first mode)' : ''}`,
  );
  const denominator = v + cost * (1 + lambda);
  let tau = denominator > 0 ? v / denominator : 0.5;
  if (!(denominator > 0)) warnings?.push('SLO-miss cost and replica cost are both 0; τ* set to 0.5');
  tau = Math.min(1, Math.max(0, tau));
  explain?.('tau', tau, 'v / (v + c·(1+λ))');

  let quantile: number | null = null;
  const q = answers.quantile(input, Math.min(1 - TAU_EPSILON, Math.max(TAU_EPSILON, tau)));
  if (q === undefined) {
    warnings?.push('no demand distribution; target demand is current demand D(t)');
  } else {
    if (Number.isFinite(q) && q >= 0) quantile = q;
    else
      warnings?.push(`demand distribution gave Q(${fmt(tau)}) = ${q}; target demand is current demand D(t)`);
  }
  explain?.(
    'demandQuantile',
    quantile ?? undefined,
    sourceOf('distribution', 'demand distribution'),
    `${unit}/s`,
  );

  const target = Math.max(demand, quantile ?? demand);
  const unboundedLoad = target / kappa;
  const unbounded = Math.max(0, ceilTolerant(unboundedLoad));
  const steps = notes?.bounds;
  const current = input.currentReplicas;
  const tolerance = input.hpaTolerance ?? 0;
  // ⌈D(t)/κ⌉, the replicas the demand of now needs; holding the current count below it is a choice too.
  // On a fall priced by a distribution, the demand of now may be as low as the fall extrapolated over the
  // query's lag (fallingDemand.ts): the counts down to it are weighed.
  const floorDemand = quantile === null ? demand : demandFloorOnFall(demand, lag);
  const needNow = Math.max(0, ceilTolerant(floorDemand / kappa));
  if (floorDemand < demand && lag !== undefined)
    explain?.(
      'fallingFloor',
      needNow,
      `demand falling (query ${fmt(lag.measured)} below ${fmt(lag.earlier)} a lag before): the demand of now ` +
        `may be as low as ${fmt(floorDemand)}, so counts from ⌈${fmt(floorDemand)}/κ⌉ are weighed, those under ` +
        `D priced by the peak's distribution`,
    );
  // A rise in progress as the growth histogram tells one, over the query's lag: more than RISING_GROWTH,
  // shifted by half a replica's capacity as growthHistogramFor shifts it.
  const rising = lag !== undefined && grewPast(lag.measured, lag.earlier, kappa / 2);
  const lowest = lowestWeighed(current, needNow, unbounded, rising);
  if (lag !== undefined && lowest > lowestWeighed(current, needNow, unbounded, false))
    explain?.(
      'risingFloor',
      lowest,
      `demand rising (query ${fmt(lag.measured)} above ${fmt(lag.earlier)} a lag before): the replicas started ` +
        `for it are kept up to ⌈Q(τ*)/κ⌉ = ${unbounded}`,
    );
  const onceReady = quantile === null ? demand : demandOnceReady(demand, lag, input.readinessSeconds);
  if (startsForFall(onceReady, demand, current, kappa) && unbounded > (current as number))
    explain?.(
      'demandOnceReady',
      onceReady,
      `demand falling: a replica started now meets as little as the fall extrapolated over the query's lag ` +
        `and the readiness delay, so counts above ${current} are priced by the demand once ready`,
      `${unit}/s`,
    );
  const startupShare = startupShareOf(input);
  if (startupShare > 0)
    explain?.('startupShare', startupShare, 'readiness delay / horizon, charged while demand falls');
  const reached = answers.choose(input, lowest, unbounded, cost * (1 + lambda), v, kappa);
  if (reached !== unbounded)
    explain?.(
      'replicasChosen',
      reached,
      `least c·(1+λ)·n + v·P(peak > n·κ)` +
        (startupShare > 0 && current !== undefined
          ? ` + c·(1+λ)·${fmt(startupShare)} per replica started above ${current}`
          : '') +
        ` over n from ${lowest} to ${unbounded}` +
        (tolerance > 0 && current !== undefined
          ? `, the counts HPA tolerance ${fmt(tolerance)} reaches from ${current}`
          : ''),
    );
  // Holding below the demand of now is the objective's choice only when the HPA could have reached it; a
  // user who priced an hour of miss below the replicas that would cover it should hear so.
  const bandHolds =
    tolerance > 0 && current !== undefined && current > 0 && !isReachable(needNow, current, tolerance);
  if (reached < needNow && !bandHolds)
    warnings?.push(
      `${reached} replicas serve less than demand now (⌈D/κ⌉ = ${needNow}): ${needNow - reached} more would ` +
        `cost ${fmt((needNow - reached) * cost * (1 + lambda))} per hour, more than the SLO-miss hours they ` +
        `save at v = ${fmt(v)} per hour`,
    );
  let n = reached;
  let actingBound: ActingBound = 'none';
  const apply = (bound: BoundStep['bound'], next: number, detail: string | undefined) => {
    if (next !== n) {
      steps?.push({ bound, before: n, after: next, detail: detail ?? '' });
      n = next;
      actingBound = bound;
    }
  };

  apply('min', Math.max(n, input.minReplicas), steps && `policy minimum ${input.minReplicas}`);
  apply('max', Math.min(n, input.maxReplicas), steps && `policy maximum ${input.maxReplicas}`);
  applySchedules(input, explain, warnings, (floor, detail) => apply('schedule', Math.max(n, floor), detail));
  applySloGuard(input, explain, warnings, (guard, detail) => apply('slo-guard', Math.max(n, guard), detail));
  if (input.budget !== undefined) {
    applyBudgetEmergency(input, input.budget, cost, explain, warnings, (cap, detail) =>
      apply('budget-emergency', Math.min(n, cap), detail),
    );
  }
  const active = activeOverride(input, warnings);
  if (active !== undefined) {
    const until = Number.isFinite(active.expiresAt) ? new Date(active.expiresAt).toISOString() : 'no expiry';
    explain?.('override', active.replicas, `override until ${until}`);
    if (Number.isInteger(active.replicas) && active.replicas >= 0) {
      apply(
        'override',
        active.replicas,
        steps && `manual override${active.reason ? `: ${active.reason}` : ''}`,
      );
    } else warnings?.push(`override replicas ${active.replicas} is not a non-negative integer; ignored`);
  }

  const load = n === unbounded ? unboundedLoad : n;
  const costPerHour = n * cost;
  const sloMissRisk = quantile === null ? null : answers.missRisk(input, n * kappa);
  if (notes !== undefined) {
    const boundsText =
      notes.bounds.length === 0
        ? 'no bound acted'
        : notes.bounds.map((s) => `${s.bound} ${s.before}→${s.after}`).join(', ');
    notes.summary =
      `${input.policy ?? 'policy'}: ${n} replicas (${mode}) — target ${fmt(target)} ${unit}/s ` +
      `= max(D ${fmt(demand)}${lag === undefined ? '' : ` (measured ${fmt(lag.measured)}, ${fmt(lag.lagSeconds)} s behind)`}, Q(${fmt(tau)}) ${quantile === null ? 'n/a' : fmt(quantile)}) / κ ${fmt(kappa)} ` +
      `→ ${unbounded}${reached !== unbounded ? ` → ${reached} (least expected cost of replicas and SLO-miss hours)` : ''}; ${boundsText}`;
  }

  return {
    ok: true,
    rawQuantile: q,
    reachable: reached,
    // One literal of fixed shape: a spread first made every decision a dictionary-mode object (5.9 KB
    // allocated per compact decision instead of 1.7, docs/limits-and-memory.md), and the engine keeps
    // 10,000s of them. JSON drops an undefined policy as it did the absent one.
    decision: {
      policy: input.policy,
      at,
      mode,
      replicas: n,
      unboundedReplicas: unbounded,
      load,
      targetDemand: target,
      demand,
      demandQuantile: quantile,
      tau,
      shadowPrice: lambda,
      costPerReplicaHour: cost,
      costPerHour,
      costPerUnit: costPerUnit(costPerHour, demand),
      sloMissRisk,
      actingBound,
    },
  };
}

/**
 * Whether the counts above the current one are priced by the demand once ready (fallingDemand.ts): on a
 * fall where the replicas there are do not cover it. Where they do, every count from the current one up
 * serves the demand once ready, and pricing those above it by it, the current one by the peak now,
 * started pods for nothing (EC2 network 5abac7 at 2 min readiness, v = 0.3: 6 → 10 replicas on a fall whose
 * foot came before they were ready). Their start is then spread over the time they serve, where that is
 * shorter than the horizon (startupShareOverFall).
 */
function startsForFall(
  onceReady: number,
  demand: number,
  current: number | undefined,
  kappa: number,
): current is number {
  return onceReady < demand && current !== undefined && onceReady > current * kappa;
}

/**
 * R/H as the decision uses it: while the demand query falls (its value below the one a lag earlier), a
 * number in (0, 1], else 0. On a rising demand a burst in progress mostly goes on (growthHistogram.ts, the
 * rising rows) and the replicas started for it are held: their start is paid once over a long hold.
 */
function startupShareOf(input: DecisionInput): number {
  const share = input.startupShare;
  const lag = input.demandLag;
  const falling = lag !== undefined && lag.measured < lag.earlier;
  return falling && share !== undefined && share > 0 && share <= 1 ? share : 0;
}

/**
 * The fewest replicas a decision weighs: ⌈D(t)/κ⌉, or the current count where it is lower (holding below
 * the demand of now is a choice too). While demand rises (the query more than 10 % above its value one lag
 * earlier, shifted by half a replica's capacity), a count below the current one is weighed only down to
 * ⌈Q(τ*)/κ⌉, the most the objective weighs.
 *
 * On a rising demand the replicas above D(t) were mostly started for the rise within the readiness delay
 * and are still starting. The objective prices one peak over the horizon: where a burst's peak is spread
 * wide, every count between D(t) and Q(τ*) misses it about as likely, and the cheapest wins, so a decision
 * let go of pods a minute from ready that would have served the burst's next minutes, and started new ones
 * a tick later, ready two minutes after (EC2 network 257a54 at 2 min readiness, v = 3: 12 → 14 → 6 → 13
 * replicas as D̂ rose from 1.5κ to 5.2κ on the way to 20κ: 8 ticks of miss, 5 with the pods kept). So the
 * pods a rise started go only when the τ*-quantile itself no longer needs them, as at a burst's top, where
 * its level's rows say it mostly turns. A rise is the growth histogram's (a burst in progress mostly goes on):
 * any rise of the query held the count through the noise of near-random levels (road occupancy at the
 * strict end, 4 % dearer at v = 100 for the same misses).
 */
function lowestWeighed(
  current: number | undefined,
  needNow: number,
  unbounded: number,
  rising: boolean,
): number {
  if (current === undefined || !Number.isInteger(current) || current < 0) return needNow;
  return Math.min(current, rising ? unbounded : needNow);
}

/** The first override (in list order) not expired at the decision time; warns when several are. */
function activeOverride(input: DecisionInput, warnings: string[] | undefined): ReplicaOverride | undefined {
  const overrides = input.overrides ?? [];
  let first: ReplicaOverride | undefined;
  let count = 0;
  for (const o of overrides) {
    if (!(o.expiresAt > input.at)) continue;
    first ??= o;
    count++;
  }
  if (count > 1) warnings?.push(`${count} overrides active; the first listed applies`);
  return first;
}

function checkStaleness(input: DecisionInput, errors: string[], warnings: string[] | undefined): void {
  const bound = input.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  for (const name of PROVENANCED_INPUTS) {
    const observedAt = input.provenance?.[name]?.observedAt;
    if (observedAt === undefined) continue;
    const ageMs = input.at - observedAt;
    if (!(ageMs > bound) || (name !== 'demand' && warnings === undefined)) continue;
    const message = `${name} is stale: observed ${fmt(ageMs / 1000)} s ago (bound ${fmt(bound / 1000)} s)`;
    if (name === 'demand') errors.push(message);
    else warnings?.push(message);
  }
}

function effectiveShadowPrice(input: DecisionInput, warnings: string[] | undefined): number {
  if (input.budget === undefined || input.mode === 'sla-first') return 0;
  const lambda = input.budget.shadowPrice;
  if (Number.isFinite(lambda) && lambda >= 0) return lambda;
  warnings?.push(`budget ${input.budget.name} shadow price is ${lambda}; treated as 0`);
  return 0;
}

type Explain = (
  name: string,
  value: number | string | boolean | undefined,
  source: string,
  unit?: string,
) => void;

function applySchedules(
  input: DecisionInput,
  explain: Explain | undefined,
  warnings: string[] | undefined,
  raiseFloor: (floor: number, detail: string | undefined) => void,
): void {
  const schedules = input.schedules ?? [];
  if (schedules.length === 0) return;
  const result = scheduleFloorAt(schedules, input.holidays ?? [], input.at);
  explain?.(
    'scheduleFloor',
    result.floor,
    result.profile === null ? 'no schedule active' : `schedule ${result.profile}`,
  );
  if (result.skippedForHoliday.length > 0) {
    warnings?.push(`schedules skipped for a holiday: ${result.skippedForHoliday.join(', ')}`);
  }
  if (result.profile === null) return;
  let floor = result.floor;
  if (floor > input.maxReplicas) {
    warnings?.push(
      `schedule ${result.profile} asks for ${floor} replicas, above maxReplicas ${input.maxReplicas}`,
    );
    floor = input.maxReplicas;
  }
  raiseFloor(
    floor,
    explain && `schedule ${result.profile} (active: ${result.active.join(', ')}) floor ${floor}`,
  );
}

/**
 * In `budget-first` mode with the budget at its critical threshold, cap replicas at what the remaining
 * budget affords until the period ends — never below the policy minimum.
 */
function applyBudgetEmergency(
  input: DecisionInput,
  budget: DecisionBudget,
  cost: number,
  explain: Explain | undefined,
  warnings: string[] | undefined,
  capReplicas: (cap: number, detail: string | undefined) => void,
): void {
  if (explain !== undefined) {
    const source = input.provenance?.budget?.source ?? `budget ${budget.name}`;
    explain('budgetUtilisation', budget.utilisation, source);
    explain('budgetCriticalThreshold', budget.criticalThreshold, source);
    explain('budgetRemaining', budget.remaining, source);
    explain('budgetHoursLeft', budget.hoursLeft, source, 'h');
  }
  if (input.mode !== 'budget-first') return;
  const { utilisation, criticalThreshold, remaining, hoursLeft } = budget;
  if (![utilisation, criticalThreshold, remaining, hoursLeft].every(Number.isFinite)) {
    warnings?.push(`budget ${budget.name} status is incomplete; the budget emergency cap cannot be judged`);
    return;
  }
  if (utilisation < criticalThreshold) return;
  const hourly = cost * hoursLeft;
  const affordable = hourly > 0 ? Math.floor(Math.max(0, remaining) / hourly) : Number.POSITIVE_INFINITY;
  const cap = Math.max(input.minReplicas, affordable);
  capReplicas(
    cap,
    explain &&
      `budget ${budget.name} ${fmt(utilisation * 100)} % spent (critical ${fmt(criticalThreshold * 100)} %): ` +
        `${fmt(remaining)} left affords ${affordable} replicas for ${fmt(hoursLeft)} h`,
  );
}

function applySloGuard(
  input: DecisionInput,
  explain: Explain | undefined,
  warnings: string[] | undefined,
  forbidScaleDown: (guard: number, detail: string | undefined) => void,
): void {
  let breached = false;
  for (const key of SLO_KEYS) {
    const slo = input.slo?.[key];
    if (slo === undefined) continue;
    explain?.(key, slo.measured, input.provenance?.[key]?.source ?? 'input');
    explain?.(`${key}Target`, slo.target, 'policy');
    // Unknown is not a breach: a latency quantile is NaN whenever there is no traffic, and blocking
    // scale-down then would pin idle workloads at their peak size.
    if (!Number.isFinite(slo.target)) {
      warnings?.push(`${key} target is ${slo.target}; the SLO guard cannot judge it`);
    } else if (slo.measured === undefined || !Number.isFinite(slo.measured)) {
      warnings?.push(`${key} measurement is ${slo.measured ?? 'missing'}; the SLO guard cannot judge it`);
    } else if (slo.measured > slo.target) {
      breached = true;
    }
  }
  const current = input.currentReplicas;
  if (current !== undefined)
    explain?.('currentReplicas', current, input.provenance?.currentReplicas?.source ?? 'input');
  if (!breached) return;
  if (current === undefined || !Number.isFinite(current) || current < 0) {
    warnings?.push(
      `SLO breached (${sloBreaches(input)}) but current replicas are unknown; scale-down not guarded`,
    );
    return;
  }
  // Holding replicas above the policy maximum would break the one bound users rely on most.
  const guard = Math.min(Math.ceil(current), input.maxReplicas);
  forbidScaleDown(guard, explain && `SLO breached (${sloBreaches(input)}): no scale-down below ${guard}`);
}

const SLO_KEYS = ['latency', 'errorRatio'] as const;

/** The breached SLOs as text, e.g. `latency 0.4 > target 0.3`. */
function sloBreaches(input: DecisionInput): string {
  const breaches: string[] = [];
  for (const key of SLO_KEYS) {
    const slo = input.slo?.[key];
    const measured = slo?.measured;
    if (
      slo !== undefined &&
      measured !== undefined &&
      Number.isFinite(slo.target) &&
      Number.isFinite(measured) &&
      measured > slo.target
    )
      breaches.push(`${key} ${fmt(measured)} > target ${fmt(slo.target)}`);
  }
  return breaches.join('; ');
}

/**
 * ceil(x), forgiving float noise just above an integer: 0.3/0.1 = 3.0000000000000004 must be 3 replicas,
 * not 4.
 */
function ceilTolerant(x: number): number {
  return Math.ceil(x - 1e-9 * Math.max(1, Math.abs(x)));
}

const TAU_EPSILON = 1e-6;

/**
 * P(peak > capacity) from the quantile function: 1 − sup{τ : Q(τ) ≤ capacity}, by bisection (Q is
 * non-decreasing). Peak demand is at least D(t), so capacity below D(t) is certain to be exceeded. Exact,
 * for the one risk a decision reports; the counts a decision weighs read it off 41 levels instead
 * (`exceedanceFromQuantiles`), since 40 reads a count would multiply with the counts.
 */
function exceedanceProbability(distribution: DemandDistribution, capacity: number, demand: number): number {
  if (capacity < demand) return 1;
  // The interface promises quantiles for τ in (0, 1) only: search inside it.
  let lo = TAU_EPSILON;
  let hi = 1 - TAU_EPSILON;
  if (distribution.quantile(hi) <= capacity) return 0;
  if (!(distribution.quantile(lo) <= capacity)) return 1;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (distribution.quantile(mid) <= capacity) lo = mid;
    else hi = mid;
  }
  return 1 - lo;
}

/** Cost per unit of demand served at D(t) (units/s → per hour); null when there is no demand to serve. */
function costPerUnit(costPerHour: number, demand: number): number | null {
  const perUnit = costPerHour / (demand * 3600);
  return Number.isFinite(perUnit) ? perUnit : null;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}
