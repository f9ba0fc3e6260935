/**
 * Prediction intervals from backtest errors, split-conformal style with normalised scores (Lei et al.,
 * "Distribution-free predictive inference for regression", 2018, §5.2): each horizon step gets a scale,
 * the mean absolute backtest error around that step; errors divided by their step's scale are pooled
 * across steps and origins, and the τ-quantile of a step is the point forecast plus its scale times
 * the conformal τ-quantile of the pooled scores. Pooling gives enough scores for tail quantiles from a
 * handful of origins while the scales keep the growth of error with the horizon.
 */
export interface Calibration {
  /** Scale of the backtest errors per horizon step (transformed units). */
  scales: number[];
  /** Backtest errors divided by their step's scale, ascending. */
  scores: number[];
}

/**
 * Builds a calibration from backtest errors, one array per origin (actual minus forecast per step,
 * in transformed units). `smoothing` is the half-width, in steps, of the window that a step's scale is
 * averaged over.
 */
export function calibrate(
  errors: Float64Array[],
  horizon: number,
  smoothing = Math.max(1, Math.round(horizon / 16)),
): Calibration {
  const scales: number[] = [];
  let largest = 0;
  for (let h = 0; h < horizon; h++) {
    let sum = 0;
    let count = 0;
    for (const path of errors) {
      for (let j = Math.max(0, h - smoothing); j <= Math.min(horizon - 1, h + smoothing); j++) {
        const e = path[j]!;
        if (Number.isFinite(e)) {
          sum += Math.abs(e);
          count++;
        }
      }
    }
    const scale = count > 0 ? sum / count : NaN;
    scales.push(scale);
    if (scale > largest) largest = scale;
  }
  // Steps without any error (none when every origin has the full horizon) borrow the largest scale.
  const floor = largest > 0 ? largest * 1e-6 : 1e-12;
  for (let h = 0; h < horizon; h++)
    scales[h] = Number.isFinite(scales[h]!) ? Math.max(scales[h]!, floor) : Math.max(largest, floor);
  const scores: number[] = [];
  for (const path of errors) {
    for (let h = 0; h < Math.min(horizon, path.length); h++) {
      const e = path[h]!;
      if (Number.isFinite(e)) scores.push(e / scales[h]!);
    }
  }
  scores.sort((a, b) => a - b);
  return { scales, scores };
}

/**
 * Conformal quantile of the pooled scores: the ⌈(N+1)τ⌉-th smallest for upper quantiles and the
 * ⌊(N+1)τ⌋-th for lower ones, which gives coverage of at least τ (resp. 1 − τ) under exchangeability;
 * levels beyond what N scores can resolve take the extreme score.
 */
export function scoreQuantile(calibration: Calibration, tau: number): number {
  const scores = calibration.scores;
  const n = scores.length;
  if (n === 0) return 0;
  if (tau === 0.5) {
    const mid = (n - 1) / 2;
    return (scores[Math.floor(mid)]! + scores[Math.ceil(mid)]!) / 2;
  }
  const rank = tau > 0.5 ? Math.ceil((n + 1) * tau) : Math.floor((n + 1) * tau);
  return scores[Math.min(n, Math.max(1, rank)) - 1]!;
}

/** Scale of step h (0-based); steps past the calibrated horizon keep the last scale. */
export function stepScale(calibration: Calibration, h: number): number {
  const scales = calibration.scales;
  if (scales.length === 0) return 0;
  return scales[Math.min(h, scales.length - 1)]!;
}
