import type { ResolvedBehavior, ResolvedScalingRules } from './behavior';
import { replicasChangedInPeriod } from './scaleEvents';
import type { ScaleEvent } from './types';

// Bounds applied after stabilisation (horizontal.go `convertDesiredReplicasWithRules`,
// `convertDesiredReplicasWithBehaviorRate`, `calculateScale{Up,Down}Limit…`; §4.6 step 2, §4.7 step 2).

export interface Limited {
  readonly replicas: number;
  readonly reason: string;
  readonly message: string;
}

const WITHIN_RANGE: Omit<Limited, 'replicas'> = {
  reason: 'DesiredWithinRange',
  message: 'the desired count is within the acceptable range',
};
const TOO_MANY = {
  reason: 'TooManyReplicas',
  message: 'the desired replica count is more than the maximum replica count',
};
const TOO_FEW = {
  reason: 'TooFewReplicas',
  message: 'the desired replica count is less than the minimum replica count',
};
const SCALE_UP_LIMIT = {
  reason: 'ScaleUpLimit',
  message: 'the desired replica count is increasing faster than the maximum scale rate',
};
const SCALE_DOWN_LIMIT = {
  reason: 'ScaleDownLimit',
  message: 'the desired replica count is decreasing faster than the maximum scale rate',
};

const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;

/** Without `behavior`, one reconcile may at most double the replicas (and always reach 4). */
export function legacyScaleUpLimit(current: number): number {
  return Math.trunc(Math.max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM));
}

export function limitWithoutBehavior(current: number, desired: number, min: number, max: number): Limited {
  const scaleUpLimit = legacyScaleUpLimit(current);
  const ceiling =
    max > scaleUpLimit ? { replicas: scaleUpLimit, ...SCALE_UP_LIMIT } : { replicas: max, ...TOO_MANY };
  if (desired < min) return { replicas: min, ...TOO_FEW };
  if (desired > ceiling.replicas) return ceiling;
  return { replicas: desired, ...WITHIN_RANGE };
}

interface EventHistory {
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
}

/** Replicas at the start of a policy period: undo what was added and removed within it. */
function periodStartReplicas(
  current: number,
  periodSeconds: number,
  history: EventHistory,
  nowMs: number,
): number {
  return (
    current -
    replicasChangedInPeriod(history.scaleUpEvents, periodSeconds, nowMs) +
    replicasChangedInPeriod(history.scaleDownEvents, periodSeconds, nowMs)
  );
}

/** The most replicas the scale-up policies allow now; `Min` picks the most restrictive policy. */
export function scaleUpLimit(
  current: number,
  rules: ResolvedScalingRules,
  history: EventHistory,
  nowMs: number,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let limit = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const policy of rules.policies) {
    const start = periodStartReplicas(current, policy.periodSeconds, history, nowMs);
    const proposed =
      policy.type === 'Pods' ? start + policy.value : Math.ceil(start * (1 + policy.value / 100));
    limit = pick(limit, proposed);
  }
  return limit;
}

/** The fewest replicas the scale-down policies allow now; Percent truncates toward zero as Go's int32(). */
export function scaleDownLimit(
  current: number,
  rules: ResolvedScalingRules,
  history: EventHistory,
  nowMs: number,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let limit = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const policy of rules.policies) {
    const start = periodStartReplicas(current, policy.periodSeconds, history, nowMs);
    const proposed =
      policy.type === 'Pods' ? start - policy.value : Math.trunc(start * (1 - policy.value / 100));
    limit = pick(limit, proposed);
  }
  return limit;
}

export function limitWithBehavior(
  current: number,
  desired: number,
  min: number,
  max: number,
  behavior: ResolvedBehavior,
  history: EventHistory,
  nowMs: number,
): Limited {
  if (desired > current) {
    // Recent scale-ups may push the limit below the current count: hold rather than scale down.
    const limit = Math.max(scaleUpLimit(current, behavior.scaleUp, history, nowMs), current);
    const ceiling = max > limit ? { replicas: limit, ...SCALE_UP_LIMIT } : { replicas: max, ...TOO_MANY };
    if (desired > ceiling.replicas) return ceiling;
  } else if (desired < current) {
    const limit = Math.min(scaleDownLimit(current, behavior.scaleDown, history, nowMs), current);
    const floor = min < limit ? { replicas: limit, ...SCALE_DOWN_LIMIT } : { replicas: min, ...TOO_FEW };
    if (desired < floor.replicas) return floor;
  }
  return { replicas: desired, ...WITHIN_RANGE };
}
