import type { SeriesAnomaly } from '../anomaly';
import { seasonalScale, type AccuracySummary } from './accuracy';
import type { DemandDistribution } from './distribution';
import { fitForecastState, forecastFromState, type ProbabilisticForecast } from './forecaster';
import { forecastGate, type ForecastMode } from './gate';
import { QuantizedWindow } from './quantizedWindow';
import { describeModel } from './models';
import { ScoredOutcomes } from './scoredOutcomes';
import { isRefitDue, type ForecastState } from './state';

// One demand series forecast online, as the engine runs it per policy and the simulator replays it:
// tick values aggregated into buckets at the forecast step, models refitted on a schedule once two days
// of buckets exist, a new forecast when a bucket closes, each served one-step forecast scored against
// the bucket that follows, and the accuracy gate choosing between the forecast and the reactive
// distribution. Time is a parameter; the caller owns the I/O (warm start, persistence, publishing).

export const NOMINAL_COVERAGE = 0.9;
export const LOWER_QUANTILE = (1 - NOMINAL_COVERAGE) / 2;
export const UPPER_QUANTILE = 1 - LOWER_QUANTILE;
const MAX_OUTCOMES = 288;
/** Buckets kept (Prometheus refuses range queries over 11,000 points per series). */
export const MAX_BUCKETS = 10_000;
export const MIN_FIT_DAYS = 2;
/**
 * The newest buckets a series keeps in 12 bits, older ones in 8 (QuantizedWindow): a day, what is read
 * value by value (the served seasonal-naive value a day back, the newest backtest origins, the models'
 * last states); older buckets are read through sums over many (issue 16, session 23).
 */
const FINE_HISTORY_MS = 86_400_000;

/** The window a series holds its bucket means in: the newest `limit`, from `values`. */
export function historyWindow(
  stepMs: number,
  limit: number,
  values: ArrayLike<number> = [],
): QuantizedWindow {
  return new QuantizedWindow(limit, values, Math.ceil(FINE_HISTORY_MS / stepMs));
}

export interface OnlineSeries {
  readonly stepMs: number;
  /**
   * Closed bucket means, oldest first; NaN for a bucket without a value. Their times are implied: the
   * newest bucket ends where the open one (`bucketStart`) starts.
   */
  readonly values: QuantizedWindow;
  bucketStart: number;
  sum: number;
  count: number;
  model?: ForecastState;
  forecast?: ProbabilisticForecast;
  /** The one-step-ahead forecast served for the bucket starting at `target`. */
  served?: { target: number; point: number; lower: number; upper: number; naive: number };
  /** The last MAX_OUTCOMES scored forecasts, oldest first. */
  outcomes: ScoredOutcomes;
  mode: ForecastMode;
  reason: string;
  accuracy?: AccuracySummary;
}

export interface ForecastView {
  readonly mode: ForecastMode;
  /** One sentence for the explanation: why this mode. */
  readonly reason: string;
  /** Peak demand over the horizon; present in `forecast` mode. */
  readonly distribution?: DemandDistribution;
  readonly accuracy?: AccuracySummary;
  readonly model?: string;
  readonly fittedAt?: number;
  /** Demand's anomaly score and episode (the engine's detector on the forecast buckets). */
  readonly anomaly?: SeriesAnomaly;
}

/**
 * A series starting at the bucket that holds `nowMs`, with earlier bucket means (e.g. a warm start),
 * keeping the newest `maxBuckets` of them.
 */
export function onlineSeries(
  stepMs: number,
  nowMs: number,
  values: ArrayLike<number>,
  model?: ForecastState,
  maxBuckets = MAX_BUCKETS,
): OnlineSeries {
  return {
    stepMs,
    values: historyWindow(stepMs, Math.min(maxBuckets, MAX_BUCKETS), values),
    bucketStart: Math.floor(nowMs / stepMs) * stepMs,
    sum: 0,
    count: 0,
    ...(model && { model }),
    outcomes: new ScoredOutcomes(MAX_OUTCOMES),
    ...(model ? backtestMode(model) : { mode: 'reactive' as const, reason: 'no model fitted yet' }),
  };
}

/**
 * Adds a tick's demand; first closes the bucket (and any skipped ones) whose step has passed, scoring
 * the forecast served for it and re-running the gate. Returns whether a bucket closed.
 */
export function feedSeries(
  s: OnlineSeries,
  value: number | undefined,
  nowMs: number,
  coverageMargin: number,
): boolean {
  let closed = false;
  while (nowMs >= s.bucketStart + s.stepMs) {
    const mean = s.count > 0 ? s.sum / s.count : Number.NaN;
    scoreBucket(s, s.bucketStart, mean, coverageMargin);
    s.values.push(mean);
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

function scoreBucket(s: OnlineSeries, bucketStart: number, actual: number, coverageMargin: number): void {
  const served = s.served;
  if (served === undefined || served.target !== bucketStart || !Number.isFinite(actual)) return;
  s.outcomes.push(actual, served.point, served.naive, served.lower, served.upper);
  const period = s.model?.periods[0] ?? 1;
  s.accuracy = s.outcomes.summary(seasonalScale(s.values.view(), period));
  const gate = forecastGate(s.accuracy, s.mode, { nominalCoverage: NOMINAL_COVERAGE, coverageMargin });
  s.mode = gate.mode;
  s.reason = gate.reason;
}

/** Whether the series holds the history a fit needs. */
export function hasFitHistory(s: OnlineSeries): boolean {
  return s.values.length >= (MIN_FIT_DAYS * 86_400_000) / s.stepMs;
}

/** Whether a fit is due at `nowMs`: enough history, and no model yet or one older than `refitMs`. */
export function isFitDue(s: OnlineSeries, nowMs: number, refitMs: number): boolean {
  return hasFitHistory(s) && (s.model === undefined || isRefitDue(s.model, nowMs, refitMs));
}

/** Refits the models over the bucketed history; returns the new state, or undefined when the fit failed. */
export function refitSeries(s: OnlineSeries, nowMs: number, horizon: number): ForecastState | undefined {
  try {
    s.model = fitForecastState(s.values.view(), {
      horizon,
      stepSeconds: s.stepMs / 1000,
      nowMs,
    });
  } catch (err) {
    s.reason = `model fit failed: ${(err as Error).message}`;
    return undefined;
  }
  s.forecast = undefined;
  if (s.outcomes.length === 0) ({ mode: s.mode, reason: s.reason } = backtestMode(s.model));
  return s.model;
}

/** Forecasts `displaySteps` buckets from the current history; the first one is served for scoring. */
export function reforecastSeries(s: OnlineSeries, displaySteps: number): ProbabilisticForecast | undefined {
  const model = s.model;
  if (model === undefined) return undefined;
  try {
    s.forecast = forecastFromState(model, s.values.view(), Math.max(1, displaySteps));
  } catch (err) {
    s.forecast = undefined;
    s.reason = `forecast failed: ${(err as Error).message}`;
    return undefined;
  }
  const period = model.periods[0];
  const naive = period !== undefined && s.values.length >= period ? s.values.at(-period) : s.values.at(-1);
  s.served = {
    target: s.bucketStart,
    point: s.forecast.point[0]!,
    lower: s.forecast.quantile(LOWER_QUANTILE)[0]!,
    upper: s.forecast.quantile(UPPER_QUANTILE)[0]!,
    naive: naive ?? Number.NaN,
  };
  return s.forecast;
}

/**
 * The models in one line, e.g. for the explanation: held once for every view that names the same models
 * (issue 16: each policy's view held its own, about 100 bytes). Never more are held than the distinct
 * ensembles a service has fitted: three of the few dozen candidate recipes (candidates.ts) of each set of
 * seasons detected.
 */
export function modelDescription(model: ForecastState): string {
  const description = model.members.map(describeModel).join(' + ');
  const known = descriptions.get(description);
  if (known !== undefined) return known;
  descriptions.set(description, description);
  return description;
}

const descriptions = new Map<string, string>();

/** What the decision sees: the forecast's peak over `steps` buckets when trusted, else why not. */
export function seriesView(s: OnlineSeries, steps: number): ForecastView {
  const base = {
    ...(s.accuracy && { accuracy: s.accuracy }),
    ...(s.model && { model: modelDescription(s.model), fittedAt: s.model.fittedAtMs }),
  };
  if (s.forecast === undefined) {
    const reason = hasFitHistory(s) ? s.reason : `${MIN_FIT_DAYS} days of history are needed before fitting`;
    return { ...base, mode: 'reactive', reason };
  }
  if (s.mode === 'reactive') return { ...base, mode: 'reactive', reason: s.reason };
  return { ...base, mode: 'forecast', reason: s.reason, distribution: s.forecast.peak(steps) };
}

/**
 * Until online accuracy is measured, a new or restored model is trusted when its rolling-origin
 * backtest beat seasonal naive.
 */
export function backtestMode(model: ForecastState): { mode: ForecastMode; reason: string } {
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
