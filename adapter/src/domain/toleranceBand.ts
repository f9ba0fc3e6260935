import { isWithinTolerance } from '../hpa/tolerance';

// The HPA leaves replicas alone while |desired/current − 1| ≤ its tolerance (0.1 by default;
// kubernetes pkg/controller/podautoscaler replica_calculator.go). A served count inside that band is
// therefore never reached: from 11 replicas the HPA will not go to 12, only to 13 or more. A decision
// weighs only the counts the HPA can reach: the current one and those outside the band (missObjective.ts).

/** Whether the HPA moves from `current` to `count` (it holds while the ratio is within its tolerance). */
export function isReachable(count: number, current: number, tolerance: number): boolean {
  return (
    count === current || !isWithinTolerance({ scaleUp: tolerance, scaleDown: tolerance }, count / current)
  );
}
