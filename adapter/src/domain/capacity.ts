import { empiricalQuantile } from './empiricalQuantile';

// Capacity per replica κ learned from history: the demand one replica carried while the SLO held. A
// high percentile of demand/replicas over those samples is what replicas have been seen to serve within
// the SLO; it underestimates κ for a workload that was always over-provisioned, which errs on the side
// of more replicas.

export interface CapacityHistory {
  /** Demand samples (units/s), aligned with `replicas` and the SLO series. */
  readonly demand: Float64Array;
  /** Ready replicas at each sample. */
  readonly replicas: Float64Array;
  /** Measured latency (seconds) at each sample, with its target. */
  readonly latency?: { readonly values: Float64Array; readonly target: number };
  /** Measured error ratio at each sample, with its target. */
  readonly errorRatio?: { readonly values: Float64Array; readonly target: number };
}

export interface CapacityOptions {
  /** Percentile of per-replica demand taken as κ (default 0.9). */
  readonly percentile?: number;
  /** Samples with the SLO held needed before κ is trusted (default 60). */
  readonly minSamples?: number;
}

export type CapacityEstimate =
  | {
      readonly ok: true;
      readonly capacityPerReplica: number;
      /** Samples where the SLO held and demand per replica was defined. */
      readonly samples: number;
      /** Samples left out because the SLO was breached at them. */
      readonly breached: number;
      readonly note: string;
    }
  | { readonly ok: false; readonly samples: number; readonly reason: string };

/**
 * κ from history. A sample counts when demand and replicas are finite and positive and every given SLO
 * series is finite and within its target there; a gap (NaN) in an SLO series drops the sample, since
 * whether the SLO held is then unknown. At least one SLO series is required.
 */
export function learnCapacity(history: CapacityHistory, options: CapacityOptions = {}): CapacityEstimate {
  const percentile = options.percentile ?? 0.9;
  const minSamples = options.minSamples ?? 60;
  const { demand, replicas, latency, errorRatio } = history;
  if (latency === undefined && errorRatio === undefined) {
    return { ok: false, samples: 0, reason: 'no latency or error-ratio series to tell where the SLO held' };
  }
  const n = Math.min(
    demand.length,
    replicas.length,
    latency?.values.length ?? Number.POSITIVE_INFINITY,
    errorRatio?.values.length ?? Number.POSITIVE_INFINITY,
  );
  const perReplica = new Float64Array(n);
  let count = 0;
  let breached = 0;
  for (let i = 0; i < n; i++) {
    const d = demand[i] as number;
    const r = replicas[i] as number;
    if (!(d > 0 && r > 0 && Number.isFinite(d) && Number.isFinite(r))) continue;
    const held = withinTarget(latency, i) && withinTarget(errorRatio, i);
    if (held === undefined) continue;
    if (!held) {
      breached++;
      continue;
    }
    perReplica[count++] = d / r;
  }
  if (count < minSamples) {
    return {
      ok: false,
      samples: count,
      reason: `only ${count} samples with the SLO held and demand > 0 (need ${minSamples})`,
    };
  }
  const sorted = perReplica.subarray(0, count).sort();
  return {
    ok: true,
    capacityPerReplica: empiricalQuantile(sorted, percentile),
    samples: count,
    breached,
    note: `p${Math.round(percentile * 100)} of demand per replica over ${count} samples where the SLO held (${breached} breached samples left out)`,
  };
}

/** true/false whether sample i met the target; undefined when unknown; true when there is no series. */
function withinTarget(
  series: { readonly values: Float64Array; readonly target: number } | undefined,
  i: number,
): boolean | undefined {
  if (series === undefined) return true;
  const x = series.values[i] as number;
  if (!Number.isFinite(x)) return undefined;
  return x <= series.target;
}
