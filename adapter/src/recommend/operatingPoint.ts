import type { WeightedSamples } from './histogram';
import { finiteQuantile } from './quantile';
import type { ContainerHistory, Scaling, WorkloadHistory } from './types';

// Usage samples turned into the request each implies at the workload's operating point. Raw usage
// under an autoscaler says little about what a pod needs: an HPA holding CPU at target u keeps usage
// near u × request whatever the request is, so a VPA-style recommendation from raw usage collapses
// towards u × request round after round (goldilocks #449, cost-inputs.md §3). So:
// - under a CPU HPA, a sample taken while the HPA was in control (min < replicas < max) implies the
//   request usage / u — the request at which the HPA would hold that usage at its target;
// - under a demand-driven autoscaler (costscale, external metrics) or none, each sample is moved along
//   the fitted line usage = b + k · demand-per-pod to the demand a replica carries at the operating
//   point, the policy's capacity κ, so pods sized from it can carry κ;
// - other samples (HPA at a bound, no usable fit) are raw usage; all but the HPA-held ones get the
//   safety margin.

export type CpuSampleMode = 'hpa-target' | 'demand-shift' | 'raw';

export interface CpuOperatingPoint {
  readonly samples: WeightedSamples;
  readonly mode: CpuSampleMode;
  /** Share of samples taken while a CPU HPA was in control (0 without one). */
  readonly heldShare: number;
  /** Fitted usage = intercept + slope · demand per pod (cores, cores per demand unit); null without a fit. */
  readonly fit: { readonly intercept: number; readonly slope: number } | null;
  /** P90 of the CPU a pod uses at κ demand, from the fit; null without one. */
  readonly cpuAtCapacity: number | null;
}

const MIN_FIT_POINTS = 12;

/** Demand per pod at each step (NaN where demand or replicas are unknown or replicas is 0). */
function demandPerPod(history: WorkloadHistory): Float64Array {
  const n = history.timesMs.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = history.replicas[i] as number;
    const d = history.demand[i] as number;
    out[i] = r > 0 && Number.isFinite(d) ? d / r : Number.NaN;
  }
  return out;
}

/** Least squares of usage on demand per pod over every (pod, step) where both are known. */
function fitUsage(
  series: readonly Float64Array[],
  perPod: Float64Array,
): { intercept: number; slope: number } | null {
  let count = 0;
  let sx = 0;
  let sy = 0;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const y = s[i] as number;
      const x = perPod[i] as number;
      if (!Number.isFinite(y) || !Number.isFinite(x)) continue;
      count++;
      sx += x;
      sy += y;
    }
  }
  if (count < MIN_FIT_POINTS) return null;
  const mx = sx / count;
  const my = sy / count;
  let sxx = 0;
  let sxy = 0;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const y = s[i] as number;
      const x = perPod[i] as number;
      if (!Number.isFinite(y) || !Number.isFinite(x)) continue;
      sxx += (x - mx) * (x - mx);
      sxy += (x - mx) * (y - my);
    }
  }
  // Demand per pod must vary relative to its level for a slope to mean anything.
  if (!(sxx > 0) || sxx / count < 1e-6 * mx * mx) return null;
  const slope = sxy / sxx;
  if (!(slope > 0)) return null;
  return { intercept: my - slope * mx, slope };
}

export function cpuOperatingPoint(
  container: ContainerHistory,
  history: WorkloadHistory,
  scaling: Scaling,
  capacityPerReplica: number,
  margin: number,
): CpuOperatingPoint {
  const perPod = demandPerPod(history);
  const fit = fitUsage(container.cpuCores, perPod);
  const total = container.cpuCores.reduce((n, s) => n + s.length, 0);
  const values = new Float64Array(total);
  const timesMs = new Float64Array(total);
  const atCapacity = new Float64Array(total).fill(Number.NaN);
  let k = 0;
  let held = 0;
  let usable = 0;
  for (const s of container.cpuCores) {
    for (let i = 0; i < s.length; i++, k++) {
      const usage = s[i] as number;
      timesMs[k] = history.timesMs[i] as number;
      if (!Number.isFinite(usage)) {
        values[k] = Number.NaN;
        continue;
      }
      usable++;
      const d = perPod[i] as number;
      const shifted =
        fit !== null && Number.isFinite(d) ? Math.max(0, usage + fit.slope * (capacityPerReplica - d)) : NaN;
      atCapacity[k] = shifted;
      if (scaling.kind === 'hpa-cpu') {
        const r = history.replicas[i] as number;
        if (r > scaling.minReplicas && r < scaling.maxReplicas) {
          held++;
          values[k] = usage / scaling.targetUtilization;
          continue;
        }
        values[k] = usage * (1 + margin);
      } else {
        values[k] = (Number.isFinite(shifted) ? shifted : usage) * (1 + margin);
      }
    }
  }
  const heldShare = usable > 0 ? held / usable : 0;
  const cpuAtCapacity = fit === null ? Number.NaN : finiteQuantile(atCapacity, 0.9);
  const mode: CpuSampleMode =
    scaling.kind === 'hpa-cpu' ? (held > 0 ? 'hpa-target' : 'raw') : fit !== null ? 'demand-shift' : 'raw';
  return {
    samples: { values, timesMs },
    mode,
    heldShare,
    fit,
    cpuAtCapacity: Number.isFinite(cpuAtCapacity) ? cpuAtCapacity : null,
  };
}

/**
 * Memory samples: each pod's peak in each 24-hour interval, counted back from the end of the window
 * (at most 8 intervals), with the safety margin — the VPA's memory aggregation (cost-inputs.md §3).
 * Each peak is timed at its interval's end for the decay weights.
 */
export function memoryPeakSamples(
  container: ContainerHistory,
  timesMs: Float64Array,
  endMs: number,
  margin: number,
): WeightedSamples {
  const DAY = 86_400_000;
  const INTERVALS = 8;
  const values: number[] = [];
  const times: number[] = [];
  for (const s of container.memoryBytes) {
    const peaks = new Float64Array(INTERVALS).fill(Number.NaN);
    for (let i = 0; i < s.length; i++) {
      const v = s[i] as number;
      if (!Number.isFinite(v)) continue;
      const interval = Math.floor((endMs - (timesMs[i] as number)) / DAY);
      if (interval < 0 || interval >= INTERVALS) continue;
      const p = peaks[interval] as number;
      if (!(p >= v)) peaks[interval] = v;
    }
    peaks.forEach((p, interval) => {
      if (!Number.isFinite(p)) return;
      values.push(p * (1 + margin));
      times.push(endMs - interval * DAY);
    });
  }
  return { values: Float64Array.from(values), timesMs: Float64Array.from(times) };
}
