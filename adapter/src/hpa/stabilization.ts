import type { TimestampedRecommendation } from './types';

// Stabilisation windows over the history of unstabilised recommendations (horizontal.go
// `stabilizeRecommendation`, `stabilizeRecommendationWithBehaviors`; §4.6 step 1, §4.7 step 1). The
// new recommendation takes the slot of the last sample older than every window, else it is appended.

export const SCALE_UP_STABILIZED = {
  reason: 'ScaleUpStabilized',
  message: 'recent recommendations were lower than current one, applying the lowest recent recommendation',
} as const;

export const SCALE_DOWN_STABILIZED = {
  reason: 'ScaleDownStabilized',
  message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
} as const;

export interface Stabilized {
  readonly replicas: number;
  readonly recommendations: TimestampedRecommendation[];
  /** Why the value differs from the proposal, when it does. */
  readonly reason: string;
  readonly message: string;
}

function store(
  recommendations: readonly TimestampedRecommendation[],
  obsoleteIndex: number,
  replicas: number,
  nowMs: number,
): TimestampedRecommendation[] {
  const next = recommendations.slice();
  const fresh = { replicas, timestampMs: nowMs };
  if (obsoleteIndex >= 0) next[obsoleteIndex] = fresh;
  else next.push(fresh);
  return next;
}

/** Without `behavior`: the highest recommendation of the downscale window (inclusive of its start). */
export function stabilizeWithoutBehavior(
  recommendations: readonly TimestampedRecommendation[],
  desired: number,
  windowSeconds: number,
  nowMs: number,
): Stabilized {
  const cutoff = nowMs - windowSeconds * 1000;
  let highest = desired;
  let obsolete = -1;
  recommendations.forEach((r, i) => {
    if (r.timestampMs < cutoff) obsolete = i;
    else if (r.replicas > highest) highest = r.replicas;
  });
  return {
    replicas: highest,
    recommendations: store(recommendations, obsolete, desired, nowMs),
    ...SCALE_DOWN_STABILIZED,
  };
}

/**
 * With `behavior`: scaling up goes no further than the lowest recommendation of the scale-up window,
 * scaling down no further than the highest of the scale-down window, both measured from the current count.
 */
export function stabilizeWithBehavior(
  recommendations: readonly TimestampedRecommendation[],
  desired: number,
  current: number,
  upWindowSeconds: number,
  downWindowSeconds: number,
  nowMs: number,
): Stabilized {
  const upCutoff = nowMs - upWindowSeconds * 1000;
  const downCutoff = nowMs - downWindowSeconds * 1000;
  const obsoleteCutoff = nowMs - Math.max(upWindowSeconds, downWindowSeconds) * 1000;
  let upRecommendation = desired;
  let downRecommendation = desired;
  let obsolete = -1;
  recommendations.forEach((r, i) => {
    if (r.timestampMs > upCutoff) upRecommendation = Math.min(upRecommendation, r.replicas);
    if (r.timestampMs > downCutoff) downRecommendation = Math.max(downRecommendation, r.replicas);
    if (r.timestampMs < obsoleteCutoff) obsolete = i;
  });
  let replicas = current;
  if (replicas < upRecommendation) replicas = upRecommendation;
  if (replicas > downRecommendation) replicas = downRecommendation;
  const why = desired >= current ? SCALE_UP_STABILIZED : SCALE_DOWN_STABILIZED;
  return { replicas, recommendations: store(recommendations, obsolete, desired, nowMs), ...why };
}
