import type { Policy } from '../config/schema';
import {
  describeModel,
  fitForecastState,
  forecastFromState,
  forecastGate,
  isRefitDue,
  seasonalScale,
  summarizeAccuracy,
  type AccuracySummary,
  type DemandDistribution,
  type ForecastMode,
  type ForecastState,
  type ProbabilisticForecast,
} from '../forecast';
import { demandHistories, executeRangePlan, planQueries, type Backends } from '../sources';
import { policyKey } from '../config/policyIdentity';

// Forecasting in the engine (issue: online accuracy tracking, warm start, persisted models, refit on a
// schedule). Per policy: demand aggregated into buckets at the forecast step (warm-started from a
// Prometheus range query), models fitted on a schedule within a per-tick budget, a new forecast when
// each bucket closes, every served forecast scored against the bucket that follows, and a gate that
// falls back to the reactive distribution when the forecast is not trusted.

export interface ForecastView {
  readonly mode: ForecastMode;
  /** One sentence for the explanation: why this mode. */
  readonly reason: string;
  /** Peak demand over the horizon; present in `forecast` mode. */
  readonly distribution?: DemandDistribution;
  readonly accuracy?: AccuracySummary;
  readonly model?: string;
  readonly fittedAt?: number;
}

export interface ServedForecast {
  readonly namespace: string;
  readonly policy: string;
  readonly madeAt: number;
  readonly stepSeconds: number;
  readonly model: string;
  readonly point: Float64Array;
  readonly quantiles: ReadonlyArray<{ quantile: number; values: Float64Array }>;
  readonly accuracy: AccuracySummary | null;
}

export interface ForecastingOptions {
  readonly maxFitsPerTick: number;
  readonly maxWarmStartsPerTick: number;
  readonly coverageMargin: number;
  /** Steps forecast for display and calibration (default 12: one hour at 5 minutes). */
  readonly displaySteps?: number;
}

export interface ForecastingDeps {
  /** Models fitted earlier (loaded once from the store). */
  readonly loadModels?: () => Promise<Map<string, ForecastState>>;
  readonly saveModel?: (namespace: string, policy: string, state: ForecastState) => void;
  readonly onForecast?: (f: ServedForecast) => void;
}

const NOMINAL_COVERAGE = 0.9;
const LOWER = (1 - NOMINAL_COVERAGE) / 2;
const UPPER = 1 - LOWER;
const MAX_OUTCOMES = 288;
const MAX_POINTS = 10_000; // Prometheus refuses range queries over 11,000 points per series.
const MIN_FIT_DAYS = 2;

interface Outcomes {
  actual: number[];
  forecast: number[];
  seasonalNaive: number[];
  lower: number[];
  upper: number[];
}

interface SeriesState {
  readonly stepMs: number;
  values: number[];
  bucketStart: number;
  sum: number;
  count: number;
  model?: ForecastState;
  forecast?: ProbabilisticForecast;
  /** The one-step-ahead forecast served for the bucket starting at `target`. */
  served?: { target: number; point: number; lower: number; upper: number; naive: number };
  outcomes: Outcomes;
  mode: ForecastMode;
  reason: string;
  accuracy?: AccuracySummary;
}

export class Forecasting {
  private readonly series = new Map<string, SeriesState>();
  private stored: Map<string, ForecastState> | undefined;

  constructor(
    private readonly deps: ForecastingDeps,
    private options: ForecastingOptions,
  ) {}

  configure(options: ForecastingOptions): void {
    this.options = options;
  }

  /**
   * Feeds this tick's demand values, warm-starts and refits within the per-tick budgets, and returns
   * each enabled policy's view. `horizonSeconds` is the decision horizon H.
   */
  async tick(
    policies: readonly Policy[],
    demand: ReadonlyMap<string, number | undefined>,
    horizonSeconds: (p: Policy) => number,
    backends: Backends,
    now: number,
  ): Promise<Map<string, ForecastView>> {
    this.stored ??= (await this.deps.loadModels?.().catch(() => undefined)) ?? new Map();
    const enabled = policies.filter((p) => p.forecast.enabled);
    const keys = new Set(enabled.map(policyKey));
    for (const key of this.series.keys()) if (!keys.has(key)) this.series.delete(key);
    await this.warmStart(enabled, backends, now);

    let fits = 0;
    const views = new Map<string, ForecastView>();
    for (const policy of enabled) {
      const key = policyKey(policy);
      const s = this.series.get(key);
      if (s === undefined) {
        views.set(key, { mode: 'reactive', reason: 'forecast history is being loaded from Prometheus' });
        continue;
      }
      const stepSeconds = s.stepMs / 1000;
      const steps = Math.max(1, Math.ceil(horizonSeconds(policy) / stepSeconds));
      const closed = this.feed(s, demand.get(key), now);
      const refitMs = policy.forecast.refitHours * 3600_000;
      const enough = s.values.length >= (MIN_FIT_DAYS * 86400) / stepSeconds;
      if (
        enough &&
        fits < this.options.maxFitsPerTick &&
        (s.model === undefined || isRefitDue(s.model, now, refitMs))
      ) {
        fits++;
        try {
          s.model = fitForecastState(Float64Array.from(s.values), {
            horizon: Math.max(steps, this.options.displaySteps ?? 12),
            stepSeconds,
            nowMs: now,
          });
          this.deps.saveModel?.(policy.namespace, policy.name, s.model);
          s.forecast = undefined;
          if (s.outcomes.actual.length === 0) ({ mode: s.mode, reason: s.reason } = backtestMode(s.model));
        } catch (err) {
          s.reason = `model fit failed: ${(err as Error).message}`;
        }
      }
      if (s.model !== undefined && (closed || s.forecast === undefined)) this.reforecast(policy, s, now);
      views.set(key, this.view(s, steps, enough));
    }
    return views;
  }

  /** Loads bucketed history for policies not seen yet, at most `maxWarmStartsPerTick` per tick. */
  private async warmStart(policies: readonly Policy[], backends: Backends, now: number): Promise<void> {
    const cold = policies
      .filter((p) => !this.series.has(policyKey(p)))
      .slice(0, this.options.maxWarmStartsPerTick);
    const groups = new Map<string, Policy[]>();
    for (const p of cold) {
      const g = `${p.forecast.stepSeconds}/${p.forecast.historyDays}`;
      groups.set(g, [...(groups.get(g) ?? []), p]);
    }
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const stepMs = group[0]!.forecast.stepSeconds * 1000;
        const points = Math.min(
          MAX_POINTS,
          Math.floor((group[0]!.forecast.historyDays * 86400_000) / stepMs),
        );
        const current = Math.floor(now / stepMs) * stepMs;
        const plan = planQueries(group.map((p) => ({ backend: p.backend, query: p.demand.query })));
        const outcomes = await executeRangePlan(plan, backends, {
          start: current - points * stepMs,
          end: current - stepMs,
          stepMs,
        });
        demandHistories(plan, outcomes).forEach((h, i) => {
          const p = group[i]!;
          // A policy with no history yet starts empty; one whose query failed is retried next tick.
          if (!h.ok && !/no series/.test(h.error)) return;
          const values = h.ok
            ? alignToSteps(h.timestamps, h.values, current - points * stepMs, stepMs, points)
            : [];
          const model = this.stored?.get(policyKey(p));
          this.series.set(policyKey(p), {
            stepMs,
            values,
            bucketStart: current,
            sum: 0,
            count: 0,
            ...(model && { model }),
            outcomes: { actual: [], forecast: [], seasonalNaive: [], lower: [], upper: [] },
            ...(model ? backtestMode(model) : { mode: 'reactive' as const, reason: 'no model fitted yet' }),
          });
        });
      }),
    );
  }

  /** Adds a demand sample; closes the bucket (and any skipped ones) when its step has passed. */
  private feed(s: SeriesState, value: number | undefined, now: number): boolean {
    let closed = false;
    while (now >= s.bucketStart + s.stepMs) {
      const mean = s.count > 0 ? s.sum / s.count : Number.NaN;
      this.score(s, s.bucketStart, mean);
      s.values.push(mean);
      if (s.values.length > MAX_POINTS) s.values.splice(0, s.values.length - MAX_POINTS);
      s.bucketStart += s.stepMs;
      s.sum = 0;
      s.count = 0;
      closed = true;
    }
    if (value !== undefined && Number.isFinite(value)) {
      s.sum += value;
      s.count++;
    }
    return closed;
  }

  /** Scores the forecast served for this bucket against what happened, and re-runs the gate. */
  private score(s: SeriesState, bucketStart: number, actual: number): void {
    const served = s.served;
    if (served === undefined || served.target !== bucketStart || !Number.isFinite(actual)) return;
    const o = s.outcomes;
    o.actual.push(actual);
    o.forecast.push(served.point);
    o.seasonalNaive.push(served.naive);
    o.lower.push(served.lower);
    o.upper.push(served.upper);
    if (o.actual.length > MAX_OUTCOMES) for (const a of Object.values(o)) a.shift();
    const period = s.model?.periods[0] ?? 1;
    s.accuracy = summarizeAccuracy(o, seasonalScale(s.values, period));
    const gate = forecastGate(s.accuracy, s.mode, {
      nominalCoverage: NOMINAL_COVERAGE,
      coverageMargin: this.options.coverageMargin,
    });
    s.mode = gate.mode;
    s.reason = gate.reason;
  }

  private reforecast(policy: Policy, s: SeriesState, now: number): void {
    const model = s.model!;
    const displaySteps = Math.max(1, this.options.displaySteps ?? 12);
    try {
      s.forecast = forecastFromState(model, Float64Array.from(s.values), displaySteps);
    } catch (err) {
      s.forecast = undefined;
      s.reason = `forecast failed: ${(err as Error).message}`;
      return;
    }
    const period = model.periods[0];
    const naive =
      period !== undefined && s.values.length >= period
        ? s.values[s.values.length - period]!
        : s.values.at(-1)!;
    s.served = {
      target: s.bucketStart,
      point: s.forecast.point[0]!,
      lower: s.forecast.quantile(LOWER)[0]!,
      upper: s.forecast.quantile(UPPER)[0]!,
      naive: naive ?? Number.NaN,
    };
    this.deps.onForecast?.({
      namespace: policy.namespace,
      policy: policy.name,
      madeAt: now,
      stepSeconds: s.stepMs / 1000,
      model: model.members.map(describeModel).join(' + '),
      point: s.forecast.point,
      quantiles: [LOWER, 0.5, UPPER].map((q) => ({ quantile: q, values: s.forecast!.quantile(q) })),
      accuracy: s.accuracy ?? null,
    });
  }

  private view(s: SeriesState, steps: number, enoughHistory: boolean): ForecastView {
    const base = {
      ...(s.accuracy && { accuracy: s.accuracy }),
      ...(s.model && { model: s.model.members.map(describeModel).join(' + '), fittedAt: s.model.fittedAtMs }),
    };
    if (s.forecast === undefined) {
      const reason = enoughHistory ? s.reason : `${MIN_FIT_DAYS} days of history are needed before fitting`;
      return { ...base, mode: 'reactive', reason };
    }
    if (s.mode === 'reactive') return { ...base, mode: 'reactive', reason: s.reason };
    return { ...base, mode: 'forecast', reason: s.reason, distribution: s.forecast.peak(steps) };
  }
}

/**
 * Until online accuracy is measured, a new or restored model is trusted when its rolling-origin
 * backtest beat seasonal naive.
 */
function backtestMode(model: ForecastState): { mode: ForecastMode; reason: string } {
  const { ensembleError, seasonalNaiveError } = model.backtest;
  if (ensembleError === null || seasonalNaiveError === null) {
    return { mode: 'reactive', reason: 'history too short to backtest the models' };
  }
  return ensembleError < seasonalNaiveError
    ? {
        mode: 'forecast',
        reason: `backtest error ${(ensembleError / seasonalNaiveError).toFixed(2)}× seasonal naive's; online accuracy not yet measured`,
      }
    : {
        mode: 'reactive',
        reason: `backtest did not beat seasonal naive (${(ensembleError / seasonalNaiveError).toFixed(2)}×)`,
      };
}

/** Places range-query samples on a regular grid of `points` steps from `start`; missing steps are NaN. */
function alignToSteps(
  timestamps: Float64Array,
  values: Float64Array,
  start: number,
  stepMs: number,
  points: number,
): number[] {
  const out = new Array<number>(points).fill(Number.NaN);
  for (let i = 0; i < timestamps.length; i++) {
    const idx = Math.round((timestamps[i]! - start) / stepMs);
    if (idx >= 0 && idx < points) out[idx] = values[i]!;
  }
  // Leading steps before the series existed carry no information.
  const first = out.findIndex((v) => Number.isFinite(v));
  return first < 0 ? [] : out.slice(first);
}
