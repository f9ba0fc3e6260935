/**
 * Online accuracy of served forecasts: each served forecast is later compared with the actual value
 * it was for. Measures follow the M4 competition's definitions (Makridakis et al., 2020): sMAPE in
 * percent (0–200) and MASE scaled by the in-sample mean absolute seasonal difference.
 */
export interface ForecastOutcomes {
  /** What happened, one entry per forecast target. */
  actual: ArrayLike<number>;
  /** The point forecast that was served for it. */
  forecast: ArrayLike<number>;
  /** The seasonal naive forecast made at the same origin for the same target (the baseline). */
  seasonalNaive: ArrayLike<number>;
  /** Whether the actual at an index fell inside the served prediction interval. */
  covered: (index: number) => boolean;
}

export interface AccuracySummary {
  /** Outcomes with a finite actual and forecast. */
  count: number;
  mase: number;
  smape: number;
  /** Fraction of actuals inside [lower, upper]. */
  coverage: number;
  /** Mean (forecast − actual) relative to the mean |actual|: > 0 over-forecasts, < 0 under-forecasts. */
  bias: number;
  /** Mean absolute error of the forecast over that of seasonal naive (< 1: better than seasonal naive). */
  relativeMae: number;
}

/** MASE denominator: mean |y[t] − y[t − period]| over a history (NaN-safe; period 1 for non-seasonal). */
export function seasonalScale(history: ArrayLike<number>, period: number): number {
  const m = Math.max(1, Math.round(period));
  let sum = 0;
  let count = 0;
  for (let t = m; t < history.length; t++) {
    const d = history[t]! - history[t - m]!;
    if (Number.isFinite(d)) {
      sum += Math.abs(d);
      count++;
    }
  }
  return count > 0 ? sum / count : NaN;
}

/** Summarises outcomes; `scale` is the MASE denominator (see seasonalScale). NaN fields when count is 0. */
export function summarizeAccuracy(outcomes: ForecastOutcomes, scale: number): AccuracySummary {
  const { actual, forecast, seasonalNaive, covered: inside } = outcomes;
  let count = 0;
  let absError = 0;
  let naiveAbsError = 0;
  let naiveCount = 0;
  let smapeSum = 0;
  let covered = 0;
  let signedError = 0;
  let absActual = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const f = forecast[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(f)) continue;
    count++;
    absError += Math.abs(a - f);
    signedError += f - a;
    absActual += Math.abs(a);
    const denominator = Math.abs(a) + Math.abs(f);
    smapeSum += denominator > 0 ? (200 * Math.abs(a - f)) / denominator : 0;
    if (inside(i)) covered++;
    const s = seasonalNaive[i]!;
    if (Number.isFinite(s)) {
      naiveAbsError += Math.abs(a - s);
      naiveCount++;
    }
  }
  if (count === 0) return { count, mase: NaN, smape: NaN, coverage: NaN, bias: NaN, relativeMae: NaN };
  const mae = absError / count;
  const naiveMae = naiveCount > 0 ? naiveAbsError / naiveCount : NaN;
  return {
    count,
    mase: mae / scale,
    smape: smapeSum / count,
    coverage: covered / count,
    bias: absActual > 0 ? signedError / absActual : 0,
    relativeMae: naiveMae > 0 ? mae / naiveMae : mae > 0 ? Infinity : 1,
  };
}
