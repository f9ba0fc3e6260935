import { DecompositionCache, fitModel, forecastModel, type ModelRecipe } from './models';

/**
 * Rolling-origin backtests on a series' own history (Tashman, "Out-of-sample tests of forecasting
 * accuracy", 2000): every candidate forecasts the horizon after each origin from the history before it,
 * and is scored on what followed. Ensembles are chosen from these scores.
 */
export interface Backtest {
  /** Origins, newest first: forecasts start at y[origin]. */
  origins: number[];
  horizon: number;
  /** Forecast errors (actual − forecast, transformed units), indexed [candidate][origin][step]. */
  errors: Float64Array[][];
  /** Mean absolute error per candidate and origin. */
  originErrors: Float64Array[];
}

/** Origins n − H, n − H − spacing, … (newest first) that leave at least `minTrain` points before them. */
export function planOrigins(
  n: number,
  horizon: number,
  spacing: number,
  maxOrigins: number,
  minTrain: number,
): number[] {
  const origins: number[] = [];
  for (let k = 0; k < maxOrigins && n - horizon - k * spacing >= minTrain; k++)
    origins.push(n - horizon - k * spacing);
  return origins;
}

/**
 * Backtests every recipe at every origin. Parameters are estimated once, on the history before the
 * earliest origin, and reused at the others: no backtest sees its own future, and a fit per origin
 * would cost several times more.
 */
export function runBacktest(
  y: Float64Array,
  recipes: ModelRecipe[],
  origins: number[],
  horizon: number,
  cache = new DecompositionCache(),
): Backtest {
  const fitPrefix = y.subarray(0, origins[origins.length - 1]);
  const errors = recipes.map((recipe) => {
    const model = fitModel(recipe, fitPrefix, cache);
    return origins.map((o) => {
      const f = forecastModel(model, y.subarray(0, o), horizon, cache);
      for (let h = 0; h < horizon; h++) f[h] = y[o + h]! - f[h]!;
      return f;
    });
  });
  const originErrors = errors.map((paths) => {
    const out = new Float64Array(origins.length);
    paths.forEach((e, k) => {
      let sum = 0;
      for (let h = 0; h < horizon; h++) sum += Math.abs(e[h]!);
      out[k] = sum / horizon;
    });
    return out;
  });
  return { origins, horizon, errors, originErrors };
}

/** Mean absolute backtest error of a candidate, optionally leaving one origin out. */
export function candidateError(backtest: Backtest, candidate: number, leaveOut = -1): number {
  const perOrigin = backtest.originErrors[candidate]!;
  let sum = 0;
  let count = 0;
  for (let k = 0; k < perOrigin.length; k++) {
    if (k === leaveOut) continue;
    sum += perOrigin[k]!;
    count++;
  }
  return count > 0 ? sum / count : Infinity;
}

/** The `size` candidates with the smallest backtest error (earlier candidates win ties). */
export function selectEnsemble(backtest: Backtest, size: number, leaveOut = -1): number[] {
  return backtest.originErrors
    .map((_, i) => i)
    .sort((a, b) => candidateError(backtest, a, leaveOut) - candidateError(backtest, b, leaveOut) || a - b)
    .slice(0, Math.max(1, size));
}

/** Errors at one origin of the equally weighted mean forecast of `members` (the mean of their errors). */
export function ensembleError(backtest: Backtest, members: number[], origin: number): Float64Array {
  const out = new Float64Array(backtest.horizon);
  for (const i of members) {
    const e = backtest.errors[i]![origin]!;
    for (let h = 0; h < out.length; h++) out[h]! += e[h]! / members.length;
  }
  return out;
}
