import { candidateError, ensembleError, planOrigins, runBacktest, selectEnsemble } from './backtest';
import {
  calibrate,
  conformalQuantile,
  peakScores,
  pooledScores,
  stepScale,
  type Calibration,
  type PackedCalibration,
} from './calibration';
import { candidateRecipes } from './candidates';
import { peakDistribution, type DemandDistribution, type StepQuantiles } from './distribution';
import { DecompositionCache, fitModel, forecastModel } from './models';
import { detectSeasonalPeriods } from './period';
import { ScratchArrays, type Allocate } from './scratch';
import { countFinite, fillGaps } from './series';
import type { ForecastState } from './state';
import { applyTransform, chooseTransform, invertTransform, invertValue, type Transform } from './transform';

/**
 * Fitting: detect the seasons, backtest every candidate model at rolling origins on the series' own
 * history, keep the best few as an equally weighted ensemble (in transformed space), and calibrate its
 * intervals on backtest errors. Forecasting: re-run the kept models over the latest history.
 */
export interface FitOptions {
  /** Steps ahead the models are selected and the intervals calibrated for. */
  horizon: number;
  /** Seasonal periods in steps; detected when omitted. */
  periods?: number[];
  /** Sampling step in seconds; restricts detection to daily and weekly periods. */
  stepSeconds?: number;
  /** Fit time stamp recorded in the state (ms since the epoch); the core has no clock. */
  nowMs?: number;
  /** Number of models averaged (default 3). */
  ensembleSize?: number;
  /** Most backtest origins (default: enough for 480 errors, 12 to 48); fewer when the history is short. */
  maxOrigins?: number;
  /** Steps between origins (default: the horizon, or 0.618 of the shortest season if longer). */
  originSpacing?: number;
}

export interface ProbabilisticForecast {
  /** Point forecast per step in the original units. */
  readonly point: Float64Array;
  /** τ-quantile forecast per step (0 < τ < 1), calibrated on backtest errors. */
  quantile(tau: number): Float64Array;
  /** Peak demand over the first `steps` steps (default: all). */
  peak(steps?: number): DemandDistribution;
  /** Per-step values whose largest over the first `steps` steps is the peak's τ-quantile. */
  peakBand(tau: number, steps?: number): Float64Array;
}

const DEFAULT_ENSEMBLE_SIZE = 3;
const MIN_ORIGINS = 12;
const MAX_ORIGINS = 48;
/** Backtest errors wanted for calibration; origins are added (up to MAX_ORIGINS) to reach them. */
const TARGET_BACKTEST_POINTS = 480;
const GOLDEN_FRACTION = 0.618;
/** Shortest history before the earliest origin without seasons. */
const MIN_TRAIN_NONSEASONAL = 8;

function assertInput(values: ArrayLike<number>, horizon: number): void {
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  if (countFinite(values) < 2)
    throw new RangeError('a series needs at least two known values to be forecast');
}

/** Periods that leave room for at least one backtest origin with two full cycles before it. */
function usablePeriods(periods: number[], n: number, horizon: number): number[] {
  return [...new Set(periods)]
    .filter((p) => Number.isInteger(p) && p >= 2 && n - horizon >= 2 * p)
    .sort((a, b) => a - b);
}

/** Seasonal-naive errors after every origin with a full horizon behind it: the calibration of last resort. */
function seasonalNaiveBacktest(
  y: Float64Array,
  period: number,
  horizon: number,
): { actuals: Float64Array[]; errors: Float64Array[] } {
  const actuals: Float64Array[] = [];
  const errors: Float64Array[] = [];
  for (let o = y.length - horizon; o >= period; o -= Math.max(1, Math.floor(horizon / 2))) {
    const path = new Float64Array(horizon);
    for (let h = 0; h < horizon; h++) path[h] = y[o + h]! - y[o - period + (h % period)]!;
    actuals.push(y.subarray(o, o + horizon));
    errors.push(path);
  }
  return { actuals, errors };
}

/** Mean absolute error over all paths; null without any error to average. */
function meanAbsolute(paths: Float64Array[]): number | null {
  let sum = 0;
  let count = 0;
  for (const path of paths) for (let h = 0; h < path.length; h++, count++) sum += Math.abs(path[h]!);
  return count > 0 ? sum / count : null;
}

/** Fits the forecaster to a series (NaN marks missing points). */
export function fitForecastState(values: ArrayLike<number>, options: FitOptions): ForecastState {
  const { horizon } = options;
  assertInput(values, horizon);
  const n = values.length;
  const requested = options.periods ?? detectSeasonalPeriods(values, { stepSeconds: options.stepSeconds });
  const periods = usablePeriods(requested, n, horizon);
  const shortest = periods[0] ?? 1;
  const filled = fillGaps(values, periods[0] ?? 0);
  const transform = chooseTransform(filled);
  const y = applyTransform(transform, filled);
  // Origins a golden-ratio fraction of a season apart fall at well-spread times of day; short horizons
  // get more of them, as each one yields fewer errors to calibrate on.
  const spacing = options.originSpacing ?? Math.max(horizon, Math.round(GOLDEN_FRACTION * shortest));
  const maxOrigins =
    options.maxOrigins ??
    Math.min(MAX_ORIGINS, Math.max(MIN_ORIGINS, Math.ceil(TARGET_BACKTEST_POINTS / horizon)));
  const minTrain = Math.max(2 * (periods[periods.length - 1] ?? 0), MIN_TRAIN_NONSEASONAL);
  const origins = planOrigins(n, horizon, spacing, maxOrigins, minTrain);
  const base = { version: 1 as const, fittedAtMs: options.nowMs ?? 0, horizon, periods, transform };

  if (origins.length === 0) {
    // Too short to backtest: seasonal naive (naive without a season), calibrated on its own history.
    const { actuals, errors } = seasonalNaiveBacktest(y, shortest, horizon);
    const error = meanAbsolute(errors);
    return {
      ...base,
      members: [{ kind: 'seasonal-naive', period: shortest }],
      calibration: calibrate(actuals, errors, horizon),
      backtest: { origins: 0, ensembleError: error, seasonalNaiveError: error },
    };
  }

  const recipes = candidateRecipes(periods);
  const cache = new DecompositionCache();
  const backtest = runBacktest(y, recipes, origins, horizon, cache);
  const ensembleSize = options.ensembleSize ?? DEFAULT_ENSEMBLE_SIZE;
  const chosen = selectEnsemble(backtest, ensembleSize);
  // Intervals must reflect the whole procedure, selection included: at each origin, the error of the
  // ensemble selected on the other origins. The ensemble selected on all origins was picked for small
  // errors there, so its own errors would give intervals that are too narrow.
  const calibrationErrors = origins.map((_, k) =>
    ensembleError(backtest, origins.length > 1 ? selectEnsemble(backtest, ensembleSize, k) : chosen, k),
  );
  const naive = recipes.findIndex((r) => r.kind === 'seasonal-naive' && r.period === shortest);
  return {
    ...base,
    members: chosen.map((i) => fitModel(recipes[i]!, y, cache)),
    calibration: calibrate(
      origins.map((o) => y.subarray(o, o + horizon)),
      calibrationErrors,
      horizon,
    ),
    backtest: {
      origins: origins.length,
      ensembleError: meanAbsolute(origins.map((_, k) => ensembleError(backtest, chosen, k))),
      seasonalNaiveError: candidateError(backtest, naive),
    },
  };
}

/** The arrays forecastFromState works in, shared by every forecast (they are made one at a time). */
const scratch = new ScratchArrays();

/**
 * Where a forecast's quantile() pools its scores and its peak scores are sorted, shared by every forecast
 * (read only within the call).
 */
const pooled = new ScratchArrays();
const pooledInto: Allocate = (n) => {
  pooled.reset();
  return pooled.take(n);
};

/**
 * Forecasts `horizon` steps (default: the fitted horizon) after `values` with a fitted state. The
 * models' states are re-run over the given history, which can be newer than the one fitted on.
 */
export function forecastFromState(
  state: ForecastState,
  values: ArrayLike<number>,
  horizon = state.horizon,
): ProbabilisticForecast {
  assertInput(values, horizon);
  // Worked in arrays kept from the previous forecast: nothing made from them outlives this call.
  scratch.reset();
  const filled = fillGaps(values, state.periods[0] ?? 0, scratch.take(values.length));
  const y = applyTransform(state.transform, filled, filled);
  const cache = new DecompositionCache(scratch.take);
  // A JS array of doubles: held by the forecast, per policy until the next one, it is 0.1 KiB of heap where a
  // typed array of a dozen doubles is as much again with its buffer, and a backing store of the allocator's.
  const center = new Array<number>(horizon).fill(0);
  // Read once: a state the engine holds makes its members anew at each read (engine/forecasting.ts).
  const members = state.members;
  for (const member of members) {
    const f = forecastModel(member, y, horizon, cache);
    for (let h = 0; h < horizon; h++) center[h]! += f[h]! / members.length;
  }
  return new EnsembleForecast(center, state.calibration, state.transform);
}

/**
 * A forecast as the ensemble's mean path in transformed space and the calibration its bands are made
 * from: one object of fixed shape instead of a dozen closures and their context, as a service holds one
 * per policy until the next (issue 16: engine memory). Its numbers are those the closures gave.
 */
class EnsembleForecast implements ProbabilisticForecast, StepQuantiles {
  /**
   * The peak scores of the last window asked for, sorted once: a decision asks its peak distribution for
   * many levels at every tick while the forecast is served (a few dozen scores each, unlike the pooled
   * ones), always over the same window.
   */
  private peakWindow = 0;
  /** A JS array (sorted as doubles in shared scratch): a few dozen of them are less heap than a typed array. */
  private sortedPeakScores: readonly number[] | undefined;

  constructor(
    private readonly center: readonly number[],
    private readonly calibration: Calibration | PackedCalibration,
    private readonly transform: Transform,
  ) {}

  /**
   * Made on each read, not held: it is read once when the forecast is made (to serve and publish it),
   * while the forecast is held until the next one, per policy (issue 16: an array and its buffer, about
   * 0.3 KiB a policy).
   */
  get point(): Float64Array {
    return invertTransform(this.transform, this.center);
  }

  quantile(tau: number): Float64Array {
    checkLevel(tau);
    // Pooled afresh on each call rather than cached: a served forecast lives until the next one, and
    // the engine holds one per policy (issue 16: engine memory); it is asked for a few levels only. Pooled
    // into one array every forecast shares: five a forecast the engine makes, 2 to 5 KiB each, were as
    // many allocations of the allocator's.
    return this.band(conformalQuantile(pooledScores(this.calibration, pooledInto), tau));
  }

  peak(count?: number): DemandDistribution {
    return peakDistribution(this, count);
  }

  peakBand(tau: number, count = this.center.length): Float64Array {
    checkLevel(tau);
    return this.band(this.peakScore(tau, Math.min(count, this.center.length)));
  }

  peakBandMax(tau: number, count = this.center.length): number {
    checkLevel(tau);
    const window = Math.min(count, this.center.length);
    const score = this.peakScore(tau, window);
    // peakBand's values, one at a time, and their largest as distribution.ts's maxOf takes it.
    let peak = -Infinity;
    for (let h = 0; h < window; h++) peak = Math.max(peak, this.bandValue(score, h));
    return peak;
  }

  /** Step h of the band at calibrated score `score`, in the series' own units. */
  private bandValue(score: number, h: number): number {
    return invertValue(this.transform, this.center[h]! + score * stepScale(this.calibration, h));
  }

  private band(score: number): Float64Array {
    const band = new Float64Array(this.center.length);
    for (let h = 0; h < band.length; h++) band[h] = this.bandValue(score, h);
    return band;
  }

  private peakScore(tau: number, window: number): number {
    if (this.sortedPeakScores === undefined || this.peakWindow !== window) {
      const sorted = peakScores(this.calibration, window, pooledInto);
      const held = new Array<number>(sorted.length);
      for (let k = 0; k < sorted.length; k++) held[k] = sorted[k]!;
      this.sortedPeakScores = held;
      this.peakWindow = window;
    }
    return conformalQuantile(this.sortedPeakScores, tau);
  }
}

function checkLevel(tau: number): void {
  if (!(tau > 0 && tau < 1)) throw new RangeError(`quantile level must be in (0, 1), got ${tau}`);
}
