import type { Behavior, ScalingPolicy, SelectPolicy } from './types';

// Defaults filled in when `spec.behavior` is set (kubernetes/kubernetes pkg/apis/autoscaling/v2/defaults.go
// and the controller's `maybeInitScaleDownStabilizationWindow`; external-metrics-api.md §4.7).

export interface ResolvedScalingRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: SelectPolicy;
  readonly policies: readonly ScalingPolicy[];
}

export interface ResolvedBehavior {
  readonly scaleUp: ResolvedScalingRules;
  readonly scaleDown: ResolvedScalingRules;
}

export const DEFAULT_SCALE_UP_POLICIES: readonly ScalingPolicy[] = [
  { type: 'Pods', value: 4, periodSeconds: 15 },
  { type: 'Percent', value: 100, periodSeconds: 15 },
];

export const DEFAULT_SCALE_DOWN_POLICIES: readonly ScalingPolicy[] = [
  { type: 'Percent', value: 100, periodSeconds: 15 },
];

/** Each unset field of each direction takes its default; the scale-down window comes from the controller. */
export function resolveBehavior(
  behavior: Behavior,
  downscaleStabilizationWindowSeconds: number,
): ResolvedBehavior {
  const up = behavior.scaleUp;
  const down = behavior.scaleDown;
  return {
    scaleUp: {
      stabilizationWindowSeconds: up?.stabilizationWindowSeconds ?? 0,
      selectPolicy: up?.selectPolicy ?? 'Max',
      policies:
        up?.policies !== undefined && up.policies.length > 0 ? up.policies : DEFAULT_SCALE_UP_POLICIES,
    },
    scaleDown: {
      stabilizationWindowSeconds: down?.stabilizationWindowSeconds ?? downscaleStabilizationWindowSeconds,
      selectPolicy: down?.selectPolicy ?? 'Max',
      policies:
        down?.policies !== undefined && down.policies.length > 0
          ? down.policies
          : DEFAULT_SCALE_DOWN_POLICIES,
    },
  };
}

/** The longest `periodSeconds` among a direction's policies: how long its scale events matter. */
export function longestPolicyPeriodSeconds(rules: ResolvedScalingRules): number {
  let longest = 0;
  for (const p of rules.policies) if (p.periodSeconds > longest) longest = p.periodSeconds;
  return longest;
}
