import type { ObjectChange, WorkloadInput, WorkloadKind } from './types';

// New replica bounds reach the workload through whichever object holds them: the HPA's min/max, and
// — when costscale decides (no CPU HPA) — the policy's replicas, since decide() clamps to those too.
// Only a bound that stands in the way is changed.

/** Minimum replicas are not lowered below this (or the current minimum, if lower): one spare pod. */
export const MIN_REPLICA_FLOOR = 2;

export function boundsChanges(
  input: WorkloadInput,
  workload: { kind: WorkloadKind; name: string },
  newMin: number,
  newMax: number,
): ObjectChange[] {
  const { scaling, policy } = input;
  const out: ObjectChange[] = [];
  if (scaling.kind !== 'none') {
    const lowerMin = scaling.minReplicas > newMin;
    const raiseMax = scaling.maxReplicas < newMax;
    if (lowerMin || raiseMax) {
      out.push({
        type: 'hpa',
        hpa: scaling.hpa,
        workload,
        ...(lowerMin && { minReplicas: newMin }),
        ...(raiseMax && { maxReplicas: newMax }),
      });
    }
  }
  if (scaling.kind !== 'hpa-cpu') {
    const lowerMin = policy.replicas.min > newMin;
    const raiseMax = policy.replicas.max < newMax;
    if (lowerMin || raiseMax) {
      out.push({
        type: 'policy',
        policy: policy.name,
        ...(lowerMin && { minReplicas: newMin }),
        ...(raiseMax && { maxReplicas: newMax }),
      });
    }
  }
  return out;
}
