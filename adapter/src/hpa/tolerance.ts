import type { Behavior } from './types';

/** The band of usage ratios inside which the controller keeps the current replica count (§4.5). */
export interface Tolerances {
  readonly scaleDown: number;
  readonly scaleUp: number;
}

/**
 * Per-direction tolerances: `behavior.scaleDown.tolerance` / `scaleUp.tolerance` override the
 * cluster-wide `--horizontal-pod-autoscaler-tolerance` (kubernetes/api autoscaling/v2 `HPAScalingRules`,
 * KEP-4951, beta and on by default since 1.35).
 */
export function tolerancesFor(behavior: Behavior | undefined, clusterTolerance: number): Tolerances {
  return {
    scaleDown: behavior?.scaleDown?.tolerance ?? clusterTolerance,
    scaleUp: behavior?.scaleUp?.tolerance ?? clusterTolerance,
  };
}

/** Inclusive on both ends, as `Tolerances.isWithin` in replica_calculator.go. NaN is never within. */
export function isWithinTolerance(tolerances: Tolerances, usageRatio: number): boolean {
  return 1 - tolerances.scaleDown <= usageRatio && usageRatio <= 1 + tolerances.scaleUp;
}
