import type { DemandTrace } from './trace';

// Cost-vs-SLO-miss frontiers of autoscaler settings. Each setting (an HPA target, an SLO-miss cost v)
// is a point (SLO-miss minutes, cost); a side's frontier is its lower-left hull: the settings no other
// setting beats on both, ordered by misses. Between two neighbouring settings the frontier is linear,
// since running one part of the time and the other the rest reaches any mix of the two.

export interface FrontierPoint {
  readonly misses: number;
  readonly cost: number;
  readonly label?: string;
}

/** The lower-left hull: sorted by misses, each point strictly cheaper than the one before. */
export function frontier(points: readonly FrontierPoint[]): FrontierPoint[] {
  const sorted = [...points]
    .filter((p) => Number.isFinite(p.misses) && Number.isFinite(p.cost))
    .sort((a, b) => a.misses - b.misses || a.cost - b.cost);
  const out: FrontierPoint[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last === undefined || p.cost < last.cost) out.push(p);
  }
  return out;
}

const EPSILON = 1e-9;

/**
 * The frontier's cost at a miss level: linear between its points; its cheapest cost beyond its most
 * missing point; undefined below its least missing point (no setting misses that little).
 */
export function costAtMisses(front: readonly FrontierPoint[], misses: number): number | undefined {
  const first = front[0];
  if (first === undefined || misses < first.misses - EPSILON) return undefined;
  for (let i = 0; i + 1 < front.length; i++) {
    const a = front[i] as FrontierPoint;
    const b = front[i + 1] as FrontierPoint;
    if (misses >= a.misses - EPSILON && misses <= b.misses + EPSILON) {
      return b.misses === a.misses
        ? a.cost
        : a.cost + ((b.cost - a.cost) * (misses - a.misses)) / (b.misses - a.misses);
    }
  }
  return (front[front.length - 1] as FrontierPoint).cost;
}

/**
 * Whether frontier `a` dominates the settings `b`: for every point of `b`, `a` reaches no more misses at
 * no more cost. A point of `b` with fewer misses than any of `a`'s is not dominated.
 */
export function dominates(a: readonly FrontierPoint[], b: readonly FrontierPoint[]): boolean {
  return b.every((p) => {
    const cost = costAtMisses(a, p.misses);
    return cost !== undefined && cost <= p.cost + EPSILON * Math.max(1, Math.abs(p.cost));
  });
}

/**
 * The share of the gap between a baseline's cost and a lower bound's that a cost closes: 1 at the
 * lower bound, 0 at the baseline, negative above it; undefined without a gap or a cost.
 */
export function gapClosed(
  cost: number | undefined,
  baseline: number,
  lowerBound: number,
): number | undefined {
  if (cost === undefined || !(lowerBound < baseline)) return undefined;
  return (baseline - cost) / (baseline - lowerBound);
}

/**
 * Replica-hours of perfect foresight without readiness delay: ⌈demand / κ⌉ replicas (at least
 * `minReplicas`) at every step from the first sample to the last, demand interpolated linearly.
 */
export function perfectForesightReplicaHours(
  trace: DemandTrace,
  capacityPerReplica: number,
  stepMs: number,
  minReplicas = 1,
): number {
  const { timesMs, demand } = trace;
  const n = timesMs.length;
  const first = timesMs[0] as number;
  const last = timesMs[n - 1] as number;
  let replicaSteps = 0;
  let j = 0;
  for (let t = first; t < last; t += stepMs) {
    while (j + 2 < n && (timesMs[j + 1] as number) <= t) j++;
    const t0 = timesMs[j] as number;
    const t1 = timesMs[j + 1] as number;
    const d0 = demand[j] as number;
    const d = d0 + (((demand[j + 1] as number) - d0) * (t - t0)) / (t1 - t0);
    replicaSteps += Math.max(minReplicas, Math.ceil(d / capacityPerReplica - EPSILON));
  }
  return (replicaSteps * stepMs) / 3_600_000;
}
