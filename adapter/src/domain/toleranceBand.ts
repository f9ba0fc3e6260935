import { isWithinTolerance } from '../hpa/tolerance';

// The HPA leaves replicas alone while |desired/current − 1| ≤ its tolerance (0.1 by default;
// kubernetes pkg/controller/podautoscaler replica_calculator.go). A served count inside that band is
// therefore never reached: from 11 replicas the HPA will not go to 12, only to 13 or more. The
// reachable choices next to the current count are to stay, or to jump to the nearest count outside the
// band; the newsvendor decides between them over the replicas in between.

/** The nearest replica counts outside the HPA's tolerance band around `current`. */
export function bandEdges(
  current: number,
  tolerance: number,
): { readonly up: number; readonly down: number } {
  return {
    up: Math.floor(current * (1 + tolerance)) + 1,
    down: Math.max(0, Math.ceil(current * (1 - tolerance)) - 1),
  };
}

/**
 * The count to serve when `wanted` lies inside the band around `current`: `current` (the HPA holds
 * anyway) or the band edge on `wanted`'s side, whichever has the lower expected cost. `exceeds(k)` is the
 * probability that demand over the horizon needs more than k replicas; one replica-hour costs
 * `replicaCost` and each replica-hour of unmet demand `missCost`. Outside the band, `wanted` is returned.
 */
export function reachableReplicas(
  wanted: number,
  current: number,
  tolerance: number,
  replicaCost: number,
  missCost: number,
  exceeds: (replicas: number) => number,
): number {
  if (!(tolerance > 0) || !(current > 0) || wanted === current) return wanted;
  if (!isWithinTolerance({ scaleUp: tolerance, scaleDown: tolerance }, wanted / current)) return wanted;
  const { up, down } = bandEdges(current, tolerance);
  // Expected net value of the replicas between the two choices: replica k is worth missCost·P(need > k−1)
  // against its price.
  let value = 0;
  if (wanted > current) {
    for (let k = current + 1; k <= up; k++) value += missCost * exceeds(k - 1) - replicaCost;
    return value > 0 ? up : current;
  }
  for (let k = down + 1; k <= current; k++) value += replicaCost - missCost * exceeds(k - 1);
  return value > 0 ? down : current;
}
