import type { ScaleEvent } from './types';

// The per-direction history of rescales that behavior policies rate-limit against (horizontal.go
// `storeScaleEvent`, `markScaleEventsOutdated`, `getReplicasChangePerPeriod`; §4.7 step 3).

/** Replicas changed by events strictly newer than `nowMs − periodSeconds`. */
export function replicasChangedInPeriod(
  events: readonly ScaleEvent[],
  periodSeconds: number,
  nowMs: number,
): number {
  const cutoff = nowMs - periodSeconds * 1000;
  let change = 0;
  for (const e of events) if (e.timestampMs > cutoff) change += e.replicaChange;
  return change;
}

/**
 * Marks events older than the longest policy period as outdated and records the new one in the last
 * outdated slot (so the history stays as long as the busiest period needs), or appends it.
 */
export function recordScaleEvent(
  events: readonly ScaleEvent[],
  replicaChange: number,
  longestPeriodSeconds: number,
  nowMs: number,
): ScaleEvent[] {
  const cutoff = nowMs - longestPeriodSeconds * 1000;
  const next = events.map((e) => (e.timestampMs < cutoff && !e.outdated ? { ...e, outdated: true } : e));
  const fresh: ScaleEvent = { replicaChange, timestampMs: nowMs, outdated: false };
  let slot = -1;
  next.forEach((e, i) => {
    if (e.outdated) slot = i;
  });
  if (slot >= 0) next[slot] = fresh;
  else next.push(fresh);
  return next;
}
