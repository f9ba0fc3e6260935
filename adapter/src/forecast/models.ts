import { decompose, seasonalForecast, type Decomposition } from './decompose';
import { fitEts, forecastEts, type EtsParams, type EtsTrend } from './ets';
import { forecastLinearTrend } from './linearTrend';
import { fresh, type Allocate } from './scratch';
import { forecastSeasonalNaive } from './seasonalNaive';
import { fitTheta, forecastTheta, type ThetaParams } from './theta';

/**
 * The candidate models. A recipe says what to fit; a fitted model adds the estimated parameters and
 * is plain data (it is persisted as part of the forecast state). All models work on the transformed,
 * gap-free series.
 */
export type RemainderKind = 'ses' | 'damped' | 'theta' | 'linear-trend' | 'recent-mean';

export interface DecompositionSettings {
  periods: number[];
  /** Cycle-subseries smoothing window per period, in cycles. */
  seasonalWindows: number[];
  robust: boolean;
}

export type ModelRecipe =
  | { kind: 'seasonal-naive'; period: number }
  | { kind: 'ets'; trend: EtsTrend; period: number }
  | { kind: 'decomposition'; decomposition: DecompositionSettings; remainder: RemainderKind };

export type FittedRemainder =
  | { kind: 'ses' | 'damped'; params: EtsParams }
  | { kind: 'theta'; params: ThetaParams }
  | { kind: 'linear-trend' | 'recent-mean'; window: number };

export type FittedModel =
  | { kind: 'seasonal-naive'; period: number }
  | { kind: 'ets'; params: EtsParams }
  | { kind: 'decomposition'; decomposition: DecompositionSettings; remainder: FittedRemainder };

/**
 * Decompositions are the costly shared step: every remainder model over the same settings and the
 * same history reuses one. Keys are settings plus history length (histories are prefixes of one series).
 */
export class DecompositionCache {
  private readonly entries = new Map<string, Decomposition>();

  /** `allocate` gives the decompositions' arrays (scratch.ts: a forecast's are reused). */
  constructor(private readonly allocate: Allocate = fresh) {}

  get(y: Float64Array, settings: DecompositionSettings): Decomposition {
    const key = `${settings.periods.join('/')}|${settings.seasonalWindows.join('/')}|${settings.robust}|${y.length}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = decompose(
        y,
        settings.periods,
        { seasonalWindows: settings.seasonalWindows, robust: settings.robust },
        this.allocate,
      );
      this.entries.set(key, entry);
    }
    return entry;
  }
}

/** Window of the remainder models that look at recent points only: one shortest season, or a day-like 24. */
function recentWindow(settings: DecompositionSettings): number {
  return settings.periods.length > 0 ? Math.min(...settings.periods) : 24;
}

function fitRemainder(
  kind: RemainderKind,
  deseasonalized: Float64Array,
  settings: DecompositionSettings,
): FittedRemainder {
  switch (kind) {
    case 'ses':
      return { kind, params: fitEts(deseasonalized, 'none', 0) };
    case 'damped':
      return { kind, params: fitEts(deseasonalized, 'damped', 0) };
    case 'theta':
      return { kind, params: fitTheta(deseasonalized) };
    case 'linear-trend':
      // Long enough to average out a weekly swing left in the remainder, short enough to follow the trend.
      return { kind, window: Math.max(7 * recentWindow(settings), 48) };
    case 'recent-mean':
      return { kind, window: recentWindow(settings) };
  }
}

function forecastRemainder(
  remainder: FittedRemainder,
  deseasonalized: Float64Array,
  horizon: number,
): Float64Array {
  switch (remainder.kind) {
    case 'ses':
    case 'damped':
      return forecastEts(remainder.params, deseasonalized, horizon);
    case 'theta':
      return forecastTheta(remainder.params, deseasonalized, horizon);
    case 'linear-trend':
      return forecastLinearTrend({ window: remainder.window }, deseasonalized, horizon);
    case 'recent-mean': {
      const n = deseasonalized.length;
      const from = Math.max(0, n - remainder.window);
      let sum = 0;
      for (let i = from; i < n; i++) sum += deseasonalized[i]!;
      return new Float64Array(horizon).fill(sum / (n - from));
    }
  }
}

/** Estimates the parameters of a recipe on y. */
export function fitModel(
  recipe: ModelRecipe,
  y: Float64Array,
  cache = new DecompositionCache(),
): FittedModel {
  switch (recipe.kind) {
    case 'seasonal-naive':
      return recipe;
    case 'ets':
      return { kind: 'ets', params: fitEts(y, recipe.trend, recipe.period) };
    case 'decomposition': {
      const d = cache.get(y, recipe.decomposition);
      return {
        kind: 'decomposition',
        decomposition: recipe.decomposition,
        remainder: fitRemainder(recipe.remainder, d.deseasonalized, recipe.decomposition),
      };
    }
  }
}

/** Forecasts `horizon` steps after y with a fitted model (its states are re-run over y). */
export function forecastModel(
  model: FittedModel,
  y: Float64Array,
  horizon: number,
  cache = new DecompositionCache(),
): Float64Array {
  switch (model.kind) {
    case 'seasonal-naive':
      return forecastSeasonalNaive(model.period, y, horizon);
    case 'ets':
      return forecastEts(model.params, y, horizon);
    case 'decomposition': {
      const d = cache.get(y, model.decomposition);
      const out = forecastRemainder(model.remainder, d.deseasonalized, horizon);
      const seasonal = seasonalForecast(d, horizon);
      for (let h = 0; h < horizon; h++) out[h]! += seasonal[h]!;
      return out;
    }
  }
}

/** A short, stable name for explanations and reports, e.g. `decomposition(24,168;w7,11)+theta`. */
export function describeModel(model: FittedModel | ModelRecipe): string {
  switch (model.kind) {
    case 'seasonal-naive':
      return `seasonal-naive(${model.period})`;
    case 'ets': {
      const p = 'params' in model ? model.params : model;
      return `ets(${p.trend},${p.period})`;
    }
    case 'decomposition': {
      const s = model.decomposition;
      const remainder = typeof model.remainder === 'string' ? model.remainder : model.remainder.kind;
      return `decomposition(${s.periods.join(',')};w${s.seasonalWindows.join(',')}${s.robust ? ';robust' : ''})+${remainder}`;
    }
  }
}
