import type { DemandDistribution } from '../forecast/distribution';
import { empiricalQuantile } from './empiricalQuantile';

// Without a trusted forecast, the empirical distribution of how demand grew over past horizons stands in
// for it (ARCHITECTURE.md §3): for every past sample D(i), the peak over the next H samples divided by
// D(i); the τ-quantile of those ratios times the current demand D(t) is the τ-quantile of peak demand.

/** How the reactive distribution was built. */
export type ReactiveMethod = 'ratio' | 'difference' | 'current';

export interface ReactiveDistribution extends DemandDistribution {
  readonly method: ReactiveMethod;
  /** Past horizons the empirical distribution holds (0 for `current`). */
  readonly windows: number;
  /**
   * One sentence for the decision's explanation, rendered when read: the engine keeps every decision's
   * input (its provenance holds this) until the next tick, and almost none is ever explained.
   */
  readonly note: ReactiveNote;
}

/**
 * A distribution's note as the numbers it is rendered from, in one object of fixed shape: a closure over
 * them was three objects (the function, its scope and the scope's map), 160 bytes a policy in every
 * snapshot entry against 96 (issue 16).
 */
export interface ReactiveNote {
  text(): string;
}

export interface ReactiveDistributionOptions {
  /** Past horizons needed before the empirical distribution is trusted (default 30). */
  readonly minWindows?: number;
  /**
   * Bases below this fraction of the mean positive sample are left out of the ratios (default 0.01): a
   * ratio over a near-zero base says nothing about growth and would dominate the upper quantiles.
   */
  readonly minRatioBaseFraction?: number;
}

/**
 * The reactive distribution of peak demand over the next `horizonSteps` samples.
 *
 * @param history demand samples at a fixed step, oldest first; NaN marks a gap (skipped).
 * @param horizonSteps H in samples (rounded, at least 1).
 * @param currentDemand D(t), the demand now; a non-finite value makes every quantile NaN.
 *
 * Ratios are used when D(t) is clearly above zero; when it is not (a ratio cannot scale zero) or too few
 * bases are non-zero, the distribution of differences peak − D(i) added to D(t) takes over; with fewer
 * than `minWindows` usable horizons every quantile is D(t) itself, and the note says so.
 */
export function reactiveDistribution(
  history: Float64Array | Float32Array,
  horizonSteps: number,
  currentDemand: number,
  options: ReactiveDistributionOptions = {},
): ReactiveDistribution {
  const minWindows = options.minWindows ?? 30;
  const baseFraction = options.minRatioBaseFraction ?? 0.01;
  const h = Math.max(1, Math.round(horizonSteps));
  const n = history.length;

  const peaks = forwardPeaks(history, h);
  const minBase = baseFraction * meanPositive(history);
  const ratios = new Float64Array(n);
  const differences = new Float64Array(n);
  let ratioCount = 0;
  let differenceCount = 0;
  for (let i = 0; i < peaks.length; i++) {
    const base = history[i] as number;
    const peak = peaks[i] as number;
    if (!Number.isFinite(base) || !Number.isFinite(peak)) continue;
    differences[differenceCount++] = peak - base;
    if (base > 0 && base >= minBase) ratios[ratioCount++] = peak / base;
  }

  if (currentDemand > 0 && currentDemand >= minBase && ratioCount >= minWindows) {
    const sorted = ratios.subarray(0, ratioCount).sort();
    return {
      method: 'ratio',
      windows: ratioCount,
      note: new RatioNote(h, ratioCount),
      quantile: (tau) => currentDemand * empiricalQuantile(sorted, tau),
    };
  }
  if (differenceCount >= minWindows) {
    const sorted = differences.subarray(0, differenceCount).sort();
    const ratiosTooFew = currentDemand > 0 && currentDemand >= minBase;
    return {
      method: 'difference',
      windows: differenceCount,
      note: new DifferenceNote(h, differenceCount, ratiosTooFew ? ratioCount : undefined),
      quantile: (tau) => Math.max(0, currentDemand + empiricalQuantile(sorted, tau)),
    };
  }
  return {
    method: 'current',
    windows: 0,
    note: new ShortHistoryNote(h, differenceCount, minWindows),
    quantile: () => currentDemand,
  };
}

// The notes are made outside reactiveDistribution(): a closure there would share its scope, and keep the
// sorted ratios alive as long as the note.

class RatioNote implements ReactiveNote {
  constructor(
    private readonly h: number,
    private readonly ratios: number,
  ) {}

  text(): string {
    return `empirical distribution of peak/current demand over ${this.h} steps from ${this.ratios} past horizons`;
  }
}

class DifferenceNote implements ReactiveNote {
  /** `ratios`: how few horizons start from non-zero demand; undefined when D(t) itself is (near) zero. */
  constructor(
    private readonly h: number,
    private readonly differences: number,
    private readonly ratios: number | undefined,
  ) {}

  text(): string {
    const why =
      this.ratios !== undefined
        ? `only ${this.ratios} past horizons start from non-zero demand`
        : 'current demand is zero or near zero, which ratios cannot scale';
    return `empirical distribution of peak − current demand over ${this.h} steps from ${this.differences} past horizons (${why})`;
  }
}

class ShortHistoryNote implements ReactiveNote {
  constructor(
    private readonly h: number,
    private readonly differences: number,
    private readonly minWindows: number,
  ) {}

  text(): string {
    return `history too short (${this.differences} usable past horizons of ${this.h} steps, need ${this.minWindows}); peak demand taken as current demand D(t)`;
  }
}

/**
 * peaks[i] = max(history[i+1 … i+h]) ignoring NaN (NaN when that window has no finite sample), for
 * i in [0, n − h). A monotone deque keeps it O(n).
 */
function forwardPeaks(history: Float64Array | Float32Array, h: number): Float64Array {
  const n = history.length;
  const count = Math.max(0, n - h);
  const peaks = new Float64Array(count);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  // Walk windows [j, j + h − 1] for j = 1 … n − h; window j is the future of sample j − 1.
  for (let k = 1; k < n; k++) {
    const x = history[k] as number;
    if (!Number.isNaN(x)) {
      while (tail > head && (history[deque[tail - 1] as number] as number) <= x) tail--;
      deque[tail++] = k;
    }
    const windowStart = k - h + 1;
    if (windowStart < 1) continue;
    while (tail > head && (deque[head] as number) < windowStart) head++;
    peaks[windowStart - 1] = tail > head ? (history[deque[head] as number] as number) : Number.NaN;
  }
  return peaks;
}

function meanPositive(history: Float64Array | Float32Array): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < history.length; i++) {
    const x = history[i] as number;
    if (x > 0 && Number.isFinite(x)) {
      sum += x;
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}
