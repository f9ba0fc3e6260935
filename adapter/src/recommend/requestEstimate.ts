import { decayingPercentiles, type HistogramScale, type WeightedSamples } from './histogram';

// A request estimate as the VPA recommender makes it (kubernetes/autoscaler vertical-pod-autoscaler;
// cost-inputs.md §3): target P90, lower bound P50, upper bound P95 of the samples; the bounds widened
// by confidence multipliers that shrink as history grows — upper × (1 + 1/days), lower ×
// (1 + 0.001/days)^−2. The safety margin is part of the samples (see operatingPoint.ts), because
// samples taken under a CPU HPA carry their headroom already.

export interface RequestEstimate {
  readonly lower: number;
  readonly target: number;
  readonly upper: number;
}

export function requestEstimate(
  samples: WeightedSamples,
  scale: HistogramScale,
  referenceMs: number,
  historyDays: number,
): RequestEstimate | undefined {
  const [p50, p90, p95] = decayingPercentiles(samples, [0.5, 0.9, 0.95], scale, referenceMs) as [
    number,
    number,
    number,
  ];
  if (!Number.isFinite(p90)) return undefined;
  const days = Math.max(historyDays, 1e-3);
  return {
    lower: p50 * Math.pow(1 + 0.001 / days, -2),
    target: p90,
    upper: p95 * (1 + 1 / days),
  };
}

/**
 * Raises per-container targets so the pod reaches the VPA's per-pod minimum (25 mCPU, 250 MiB),
 * shared between containers in proportion to their targets (equally when all are zero).
 */
export function withPodMinimum(targets: readonly number[], podMinimum: number): number[] {
  const total = targets.reduce((a, b) => a + b, 0);
  if (total >= podMinimum) return [...targets];
  if (total <= 0) return targets.map(() => podMinimum / targets.length);
  return targets.map((t) => (t / total) * podMinimum);
}

export const POD_MIN_CPU_CORES = 0.025;
export const POD_MIN_MEMORY_BYTES = 250 * 1024 * 1024;
