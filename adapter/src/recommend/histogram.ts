// A decaying histogram with exponentially growing buckets, as the VPA recommender keeps usage
// (kubernetes/autoscaler vertical-pod-autoscaler; cost-inputs.md §3): each bucket 5 % wider than the
// one before, and each sample weighted by 2^(age / half-life) towards the newest, so recent behaviour
// counts more. Percentiles answer with the upper edge of the bucket they fall in, which errs high.

export interface HistogramScale {
  /** Width of the first bucket. */
  readonly firstBucket: number;
  /** Each bucket is this much wider than the one before (1.05). */
  readonly growth: number;
  /** Values above this fall into the last bucket. */
  readonly maxValue: number;
}

/** CPU in cores: first bucket 0.01 core, up to 1000 cores. */
export const CPU_SCALE: HistogramScale = { firstBucket: 0.01, growth: 1.05, maxValue: 1000 };
/** Memory in bytes: first bucket 10 MB, up to 1 TB. */
export const MEMORY_SCALE: HistogramScale = { firstBucket: 1e7, growth: 1.05, maxValue: 1e12 };

export const DEFAULT_HALF_LIFE_MS = 86_400_000;

function bucketCount(scale: HistogramScale): number {
  return bucketOf(scale.maxValue, scale, Number.MAX_SAFE_INTEGER) + 1;
}

/** Index of the bucket holding `value`: bucket i spans [edge(i), edge(i + 1)). */
function bucketOf(value: number, scale: HistogramScale, last: number): number {
  if (!(value > 0)) return 0;
  const i = Math.floor(
    Math.log(1 + (value * (scale.growth - 1)) / scale.firstBucket) / Math.log(scale.growth),
  );
  return Math.min(last, i);
}

/** Lower edge of bucket i: firstBucket · (growth^i − 1) / (growth − 1). */
function edge(i: number, scale: HistogramScale): number {
  return (scale.firstBucket * (Math.pow(scale.growth, i) - 1)) / (scale.growth - 1);
}

export interface WeightedSamples {
  readonly values: Float64Array;
  /** Epoch ms of each value. */
  readonly timesMs: Float64Array;
}

/**
 * Percentiles (each in [0, 1]) of the samples, weighted by their age relative to `referenceMs`:
 * weight 2^((t − referenceMs) / halfLife). NaN samples are skipped; NaN results when none is left.
 */
export function decayingPercentiles(
  samples: WeightedSamples,
  percentiles: readonly number[],
  scale: HistogramScale,
  referenceMs: number,
  halfLifeMs = DEFAULT_HALF_LIFE_MS,
): number[] {
  const n = bucketCount(scale);
  const weights = new Float64Array(n);
  let total = 0;
  const { values, timesMs } = samples;
  for (let k = 0; k < values.length; k++) {
    const v = values[k] as number;
    if (!Number.isFinite(v)) continue;
    const w = Math.pow(2, ((timesMs[k] as number) - referenceMs) / halfLifeMs);
    const b = bucketOf(v, scale, n - 1);
    weights[b] = (weights[b] as number) + w;
    total += w;
  }
  if (total === 0) return percentiles.map(() => Number.NaN);
  return percentiles.map((p) => {
    const wanted = p * total;
    let cumulative = 0;
    for (let i = 0; i < n; i++) {
      cumulative += weights[i] as number;
      // A bucket that reaches the wanted weight (with rounding slack) holds the percentile.
      if (cumulative >= wanted * (1 - 1e-12) && (weights[i] as number) > 0) return edge(i + 1, scale);
    }
    return edge(n, scale);
  });
}
