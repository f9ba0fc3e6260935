import type { Policy } from '../config/schema';
import {
  feedSeries,
  forecastStateSchema,
  isFitDue,
  LOWER_QUANTILE,
  MAX_BUCKETS,
  modelDescription,
  onlineSeries,
  packCalibration,
  reforecastSeries,
  refitSeries,
  serializeForecastState,
  seriesView,
  UPPER_QUANTILE,
  fresh,
  ScratchArrays,
  type Allocate,
  type AccuracySummary,
  type Calibration,
  type ForecastState,
  type ForecastView,
  type OnlineSeries,
} from '../forecast';
import {
  createDetector,
  newWatch,
  seriesAnomaly,
  watchSample,
  type AnomalyEpisode,
  type WatchedSeries,
} from '../anomaly';
import { policySeries, executeRangePlan, planQueries, type Backends } from '../sources';
import { policyKeys } from '../config/policyIdentity';
import type { AnomalyEventRecord } from '../store/anomalyEvents';
import { WatchScorer, type HeldWatch } from './packedDetector';

export type { ForecastView };

// Forecasting in the engine (issue: online accuracy tracking, warm start, persisted models, refit on a
// schedule). Per policy: demand aggregated into buckets at the forecast step (warm-started from a
// Prometheus range query), models fitted on a schedule within a per-tick budget, a new forecast when
// each bucket closes, every served forecast scored against the bucket that follows, and a gate that
// falls back to the reactive distribution when the forecast is not trusted. Each closed bucket is also
// scored by the streaming anomaly detector (rebuilt from the warm-start history, so it needs no storage of
// its own); while demand is in an anomaly the forecast is not trusted either (issue 15).

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
  /** An anomaly episode of a policy's demand started (`endedAt` null) or ended. */
  readonly onAnomaly?: (event: AnomalyEventRecord) => void;
}

const MAX_POINTS = MAX_BUCKETS; // Prometheus refuses range queries over 11,000 points per series.

/**
 * Where a warm start aligns a policy's history (32 KiB at 14 days of 5 minutes), reused: the series copies
 * the values into its window at once. Made afresh for each policy, 200 policies a tick, each array was freed
 * among the windows and scored outcomes malloc'd beside it, and glibc kept the holes (issue 16).
 */
const aligned = new ScratchArrays();

/** What the engine holds for one forecast policy between ticks. */
interface PolicyForecasting {
  readonly series: OnlineSeries;
  /**
   * Demand's anomaly detector, fed the closed buckets; held packed between them (`packedDetector.ts`, as the
   * signals' detectors are: about 4.5 KiB of one string against 10 KiB of objects and typed arrays).
   */
  readonly watch: HeldWatch;
  /** When the forecast is next remade: set when a bucket closes, spread over the next bucket. */
  reforecastAt?: number;
  /** The view served until the series changes, and the horizon (in buckets) it was made for. */
  view?: ForecastView;
  viewSteps?: number;
}

/**
 * Reforecasts after a bucket closes are spread over this share of the next bucket, so that a tick is
 * not the one that re-runs every policy's models (issue 16: the allocation burst set the peak RSS).
 */
const REFORECAST_SPREAD = 0.5;
/** Fractional part of i·φ: offsets that stay evenly spread for any number of policies. */
const GOLDEN = (Math.sqrt(5) - 1) / 2;

const LOADING: ForecastView = {
  mode: 'reactive',
  reason: 'forecast history is being loaded from Prometheus',
};

export class Forecasting {
  private readonly entries = new Map<string, PolicyForecasting>();
  private stored: Map<string, ForecastState> | undefined;
  /** The policy list the entries were last pruned to: a list is pruned once, when it is new. */
  private prunedTo: readonly Policy[] | undefined;
  private readonly scorer = new WatchScorer();

  constructor(
    private readonly deps: ForecastingDeps,
    private options: ForecastingOptions,
  ) {}

  configure(options: ForecastingOptions): void {
    this.options = options;
  }

  /**
   * Feeds this tick's demand values, warm-starts, refits the oldest models due within the per-tick
   * budget, remakes the forecasts whose turn has come, and returns each enabled policy's view.
   * `horizonSeconds` is the decision horizon H.
   */
  async tick(
    policies: readonly Policy[],
    demand: ReadonlyMap<string, number | undefined>,
    horizonSeconds: (p: Policy) => number,
    backends: Backends,
    now: number,
  ): Promise<Map<string, ForecastView>> {
    // A copy, each model compacted as it is loaded (compactModel): entries are dropped as series take them
    // and the loader's map is not ours to change. Warm starts take a few hundred a tick, so the models of
    // the policies not warm-started yet are held for minutes: as loaded, 15.6 KiB of V8's heap each
    // against 1.2 (issue 16: at 10,000 forecasting policies the warm starts set the peak RSS).
    this.stored ??= compactModels(await this.deps.loadModels?.().catch(() => undefined));
    // Keys made once per policy list (policyIdentity.ts), not every tick (issue 16: tick garbage).
    const allKeys = policyKeys(policies);
    const enabled: Policy[] = [];
    const keys: string[] = [];
    policies.forEach((p, i) => {
      if (!p.forecast.enabled) return;
      enabled.push(p);
      keys.push(allKeys[i]!);
    });
    if (policies !== this.prunedTo) {
      const configured = new Set(keys);
      for (const [key, e] of this.entries)
        if (!configured.has(key)) {
          this.scorer.release(e.watch);
          this.entries.delete(key);
        }
      this.prunedTo = policies;
    }
    await this.warmStart(enabled, keys, backends, now);

    enabled.forEach((policy, i) => {
      const e = this.entries.get(keys[i]!);
      if (e === undefined) return;
      const s = e.series;
      const openBucket = s.bucketStart;
      if (!feedSeries(s, demand.get(keys[i]!), now, this.options.coverageMargin)) return;
      this.scorer.score(e.watch, (watch) =>
        watchClosedBuckets(watch, s, openBucket, (episode, endedAt) =>
          this.deps.onAnomaly?.(demandEvent(policy, episode, endedAt)),
        ),
      );
      keepHistoryDays(s, policy.forecast.historyDays);
      e.reforecastAt = s.bucketStart + Math.floor(((i * GOLDEN) % 1) * REFORECAST_SPREAD * s.stepMs);
      e.view = undefined;
    });

    const refit = this.oldestFitsDue(enabled, keys, now);
    const views = new Map<string, ForecastView>();
    enabled.forEach((policy, i) => {
      const key = keys[i]!;
      const e = this.entries.get(key);
      if (e === undefined) {
        views.set(key, LOADING);
        return;
      }
      const s = e.series;
      const steps = Math.max(1, Math.ceil(horizonSeconds(policy) / (s.stepMs / 1000)));
      if (refit.has(key)) {
        const model = refitSeries(s, now, Math.max(steps, this.options.displaySteps ?? 12));
        if (model !== undefined) {
          s.model = compactModel(model);
          this.deps.saveModel?.(policy.namespace, policy.name, s.model);
        }
        e.view = undefined;
      }
      if (s.model !== undefined && (s.forecast === undefined || now >= (e.reforecastAt ?? Infinity))) {
        this.reforecast(policy, s, now);
        e.reforecastAt = undefined;
        e.view = undefined;
      }
      if (e.view === undefined || e.viewSteps !== steps) {
        e.view = withModelAge(withDemandAnomaly(seriesView(s, steps), e.watch), now);
        e.viewSteps = steps;
      }
      views.set(key, e.view);
    });
    return views;
  }

  /**
   * The policies to refit this tick: of those due, the `maxFitsPerTick` with the oldest models (no model
   * first, then configuration order), so every policy gets its turn however many there are.
   */
  private oldestFitsDue(enabled: readonly Policy[], keys: readonly string[], now: number): Set<string> {
    const chosen: Array<{ key: string; fittedAt: number }> = [];
    const max = this.options.maxFitsPerTick;
    enabled.forEach((policy, i) => {
      const s = this.entries.get(keys[i]!)?.series;
      if (max <= 0 || s === undefined || !isFitDue(s, now, policy.forecast.refitHours * 3600_000)) return;
      const fittedAt = s.model?.fittedAtMs ?? -Infinity;
      if (chosen.length === max && fittedAt >= chosen[max - 1]!.fittedAt) return;
      const at = chosen.findIndex((c) => fittedAt < c.fittedAt);
      chosen.splice(at < 0 ? chosen.length : at, 0, { key: keys[i]!, fittedAt });
      if (chosen.length > max) chosen.pop();
    });
    return new Set(chosen.map((c) => c.key));
  }

  /** Loads bucketed history for policies not seen yet, at most `maxWarmStartsPerTick` per tick. */
  private async warmStart(
    policies: readonly Policy[],
    keys: readonly string[],
    backends: Backends,
    now: number,
  ): Promise<void> {
    if (this.entries.size === policies.length) return;
    const groups = new Map<string, Array<{ policy: Policy; key: string }>>();
    let cold = 0;
    for (let i = 0; i < policies.length && cold < this.options.maxWarmStartsPerTick; i++) {
      const key = keys[i]!;
      if (this.entries.has(key)) continue;
      const policy = policies[i]!;
      const g = `${policy.forecast.stepSeconds}/${policy.forecast.historyDays}`;
      groups.set(g, [...(groups.get(g) ?? []), { policy, key }]);
      cold++;
    }
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const stepMs = group[0]!.policy.forecast.stepSeconds * 1000;
        const points = historyPoints(group[0]!.policy.forecast.historyDays, stepMs);
        const current = Math.floor(now / stepMs) * stepMs;
        const plan = planQueries(
          group.map(({ policy }) => ({ backend: policy.backend, query: policy.demand.query })),
        );
        const outcomes = await executeRangePlan(plan, backends, {
          start: current - points * stepMs,
          end: current - stepMs,
          stepMs,
        });
        policySeries(plan, outcomes).forEach((h, i) => {
          const { policy: p, key } = group[i]!;
          aligned.reset();
          // A policy with no history yet starts empty; one whose query failed is retried next tick.
          if (!h.ok && !/no series/.test(h.error)) return;
          const values = h.ok
            ? alignToSteps(h.timestamps, h.values, current - points * stepMs, stepMs, points, aligned.take)
            : new Float64Array(0);
          // A stored model is needed once: the series holds it from here on, and a refit replaces it.
          const stored = this.stored?.get(key);
          this.stored?.delete(key);
          const series = onlineSeries(stepMs, now, values, stored, points);
          const watch: HeldWatch = newWatch(createDetector({ stepMs }));
          this.scorer.score(watch, (w) => watchHistory(w, series));
          const replaced = this.entries.get(key);
          if (replaced !== undefined) this.scorer.release(replaced.watch);
          this.entries.set(key, { series, watch });
          // An episode still on at the end of the history began before this process watched: record
          // its start too (recording is idempotent per start, so a restart does not duplicate it).
          if (watch.episode.active) this.deps.onAnomaly?.(demandEvent(p, watch.episode, null));
        });
      }),
    );
  }

  private reforecast(policy: Policy, s: OnlineSeries, now: number): void {
    const forecast = reforecastSeries(s, this.options.displaySteps ?? 12);
    if (forecast === undefined || s.model === undefined) return;
    this.deps.onForecast?.({
      namespace: policy.namespace,
      policy: policy.name,
      madeAt: now,
      stepSeconds: s.stepMs / 1000,
      model: modelDescription(s.model),
      point: forecast.point,
      quantiles: [LOWER_QUANTILE, 0.5, UPPER_QUANTILE].map((q) => ({
        quantile: q,
        values: forecast.quantile(q),
      })),
      accuracy: s.accuracy ?? null,
    });
  }
}

function demandEvent(policy: Policy, episode: AnomalyEpisode, endedAt: number | null): AnomalyEventRecord {
  return {
    namespace: policy.namespace,
    policy: policy.name,
    signal: 'demand',
    startedAt: episode.since,
    endedAt,
    peakScore: episode.peak,
    expectedLow: episode.low,
    expectedHigh: episode.high,
  };
}

/** The loaded models, each compacted (compactModel). */
function compactModels(loaded: ReadonlyMap<string, ForecastState> | undefined): Map<string, ForecastState> {
  const models = new Map<string, ForecastState>();
  for (const [key, model] of loaded ?? []) models.set(key, compactModel(model));
  return models;
}

/**
 * A fitted model as a service holds it for each policy: its calibration packed in one typed array
 * (calibration.ts), the parts that models of many policies have in common (the periods, the transform, the
 * decomposition settings, the kinds' names) held once, and its members and backtest summary as one shared
 * template of their structure and the model's own numbers in one array of doubles (`HeldModel`): 2.2
 * against 7.9 KiB of heap and typed arrays of the fitted or schema-validated object, for the thousands a
 * service holds. Exact for a state the schema accepts (finite numbers only); any other is kept as it is.
 */
export function compactModel(state: ForecastState): ForecastState {
  if (!forecastStateSchema.safeParse(state).success) return state;
  // JSON.parse makes each value string longer than ten characters anew (the members' kind 'decomposition').
  const copy = JSON.parse(serializeForecastState(state), (_key, value: unknown) =>
    typeof value === 'string' ? shared(value) : value,
  ) as ForecastState;
  const found: number[] = [];
  const template = shared(templateOf({ members: copy.members, backtest: copy.backtest }, found));
  // An array of its exact length (a list grown by push keeps room to grow).
  const numbers = new Array<number>(found.length);
  for (let i = 0; i < found.length; i++) numbers[i] = found[i]!;
  return new HeldModel(
    copy.fittedAtMs,
    copy.horizon,
    shared(copy.periods),
    shared(copy.transform),
    packCalibration(copy.calibration as Calibration),
    template as ModelTemplate,
    numbers,
  );
}

type ModelParts = Pick<ForecastState, 'members' | 'backtest'>;
/** A model's members and backtest with every number a SLOT, but in the (shared) decomposition settings. */
type ModelTemplate = { readonly __template: unique symbol } & object;
/** Where a template has a number of the model's own. */
const SLOT = '#';

/**
 * Members and backtest as objects again, from their template and numbers: made whenever asked (to forecast
 * or describe the models, a few times a bucket), so that a policy holds one object and one array of
 * doubles instead of a dozen objects and their boxed numbers (issue 16: 0.6 KiB a policy).
 */
class HeldModel implements ForecastState {
  readonly version = 1;

  constructor(
    readonly fittedAtMs: number,
    readonly horizon: number,
    readonly periods: number[],
    readonly transform: ForecastState['transform'],
    readonly calibration: ForecastState['calibration'],
    private readonly template: ModelTemplate,
    private readonly numbers: readonly number[],
  ) {}

  get members(): ForecastState['members'] {
    return this.parts().members;
  }

  get backtest(): ForecastState['backtest'] {
    return this.parts().backtest;
  }

  private parts(): ModelParts {
    return filled(this.template, this.numbers, { at: 0 }) as ModelParts;
  }
}

/** The template of a JSON value, its numbers (not the decomposition settings') appended to `numbers`. */
function templateOf(value: unknown, numbers: number[]): unknown {
  if (typeof value === 'number') {
    numbers.push(value);
    return SLOT;
  }
  if (Array.isArray(value)) return value.map((v) => templateOf(v, numbers));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    out[key] = key === 'decomposition' ? shared(v) : templateOf(v, numbers);
  return out;
}

/** The parts a template stands for, with `numbers` from `next.at` on; made of nothing but the parts themselves. */
function filled(template: unknown, numbers: readonly number[], next: { at: number }): unknown {
  if (template === SLOT) return numbers[next.at++];
  if (Array.isArray(template)) {
    const out = new Array<unknown>(template.length);
    for (let i = 0; i < template.length; i++) out[i] = filled(template[i], numbers, next);
    return out;
  }
  if (typeof template !== 'object' || template === null) return template;
  const parts = template as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // Its own keys only (a template is a plain object), without a list of them and their pairs made.
  for (const key in parts)
    out[key] = key === 'decomposition' ? parts[key] : filled(parts[key], numbers, next);
  return out;
}

/**
 * Parts of fitted models held once for every policy whose model has them: few distinct ones exist, as
 * periods are detected among the daily and weekly ones, settings and kinds come from the candidate recipes.
 */
const sharedParts = new Map<string, unknown>();

function shared<T>(part: T): T {
  const key = JSON.stringify(part);
  const known = sharedParts.get(key) as T | undefined;
  if (known !== undefined) return known;
  sharedParts.set(key, part);
  return part;
}

/** Buckets of `historyDays` at `stepMs`: what the warm start loads and a series keeps. */
const historyPoints = (historyDays: number, stepMs: number): number =>
  Math.min(MAX_POINTS, Math.floor((historyDays * 86400_000) / stepMs));

/**
 * Drops closed buckets older than `historyDays`. feedSeries keeps up to MAX_BUCKETS (35 days at 5
 * minutes); models are fitted on `historyDays`, which is also what the warm start loads, so a service
 * running for weeks holds no more per policy than a restarted one (issue 16: engine memory).
 */
export function keepHistoryDays(s: OnlineSeries, historyDays: number): void {
  s.values.setLimit(historyPoints(historyDays, s.stepMs));
}

/** Replays the series' closed buckets (they end where the open bucket starts) into a demand watch. */
function watchHistory(watch: WatchedSeries, s: OnlineSeries): void {
  const first = s.bucketStart - s.values.length * s.stepMs;
  const values = s.values.view();
  for (let i = 0; i < values.length; i++) watchSample(watch, first + i * s.stepMs, values[i]!);
}

/**
 * Scores the buckets `feedSeries` closed since `openBucket` (the bucket that was open before it);
 * `onEpisode` hears of each episode that starts (`endedAt` null) or ends.
 */
export function watchClosedBuckets(
  watch: WatchedSeries,
  s: OnlineSeries,
  openBucket: number,
  onEpisode: (episode: AnomalyEpisode, endedAt: number | null) => void,
): void {
  const closed = Math.min(s.values.length, Math.round((s.bucketStart - openBucket) / s.stepMs));
  for (let k = 0; k < closed; k++) {
    const at = openBucket + k * s.stepMs;
    const wasActive = watch.episode.active;
    watchSample(watch, at, s.values.at(k - closed)!);
    if (watch.episode.active !== wasActive) onEpisode(watch.episode, watch.episode.active ? null : at);
  }
}

/** The view with its model's age in the reason, as of `now` (a view is remade at least every bucket). */
export function withModelAge(view: ForecastView, now: number): ForecastView {
  if (view.fittedAt === undefined) return view;
  const hours = Math.max(0, now - view.fittedAt) / 3600_000;
  return { ...view, reason: `${view.reason}; model fitted ${hours.toFixed(1)} h ago` };
}

/**
 * The gate's answer with demand's anomaly state; overruled while demand is in an anomaly episode: a
 * forecast is not trusted then.
 */
export function withDemandAnomaly(
  view: ForecastView,
  watch: Omit<WatchedSeries, 'detector'> | undefined,
): ForecastView {
  if (watch === undefined) return view;
  const anomaly = seriesAnomaly(watch);
  if (!watch.episode.active) return { ...view, anomaly };
  const since = new Date(watch.episode.since).toISOString().slice(0, 16).replace('T', ' ');
  const reason = `demand is anomalous since ${since} UTC (peak anomaly score ${watch.episode.peak.toFixed(2)})`;
  const { distribution: _unused, ...rest } = view;
  return {
    ...rest,
    anomaly,
    mode: 'reactive',
    reason: view.mode === 'forecast' ? reason : `${reason}; ${view.reason}`,
  };
}

/**
 * Places range-query samples on a regular grid of `points` steps from `start`, in an array `allocate` gives;
 * missing steps are NaN.
 */
export function alignToSteps(
  timestamps: Float64Array,
  values: Float64Array,
  start: number,
  stepMs: number,
  points: number,
  allocate: Allocate = fresh,
): Float64Array {
  const out = allocate(points).fill(Number.NaN);
  for (let i = 0; i < timestamps.length; i++) {
    const idx = Math.round((timestamps[i]! - start) / stepMs);
    if (idx >= 0 && idx < points) out[idx] = values[i]!;
  }
  // Leading steps before the series existed carry no information.
  const first = out.findIndex((v) => Number.isFinite(v));
  return out.subarray(first < 0 ? points : first);
}
