import { isWithinTolerance, type Tolerances } from './tolerance';
import type { PodSnapshot } from './types';

// Replica proposals for External metric targets (replica_calculator.go `GetExternalMetricReplicas`,
// `GetExternalPerPodMetricReplicas`; external-metrics-api.md §4.3, §4.4).

export const MAX_INT32 = 2_147_483_647;

export type ReplicaProposal =
  | { readonly ok: true; readonly replicas: number; readonly currentMilli: number }
  | { readonly ok: false; readonly error: string };

/** Σ of the items' milli-values; the HPA adds every item the selector returned (§4.3). */
export function sumMilli(valuesMilli: readonly number[]): number {
  let usage = 0;
  for (const v of valuesMilli) usage += v;
  return usage;
}

/** Pods in phase Running with condition Ready=True (`getReadyPodsCount`). */
export function readyPodCount(pods: readonly PodSnapshot[]): number {
  let ready = 0;
  for (const pod of pods) if (pod.phase === 'Running' && pod.readyCondition?.status === true) ready += 1;
  return ready;
}

/**
 * `Value` target: usage ratio against the whole target, times the ready pods. From zero replicas the
 * ratio alone decides and tolerance does not apply. `currentMilli` is the summed usage the HPA reports.
 */
export function externalValueReplicas(
  specReplicas: number,
  targetMilli: number,
  valuesMilli: readonly number[],
  pods: readonly PodSnapshot[],
  tolerances: Tolerances,
): ReplicaProposal {
  const usage = sumMilli(valuesMilli);
  const usageRatio = usage / targetMilli;
  if (specReplicas === 0) return { ok: true, replicas: Math.ceil(usageRatio), currentMilli: usage };
  if (isWithinTolerance(tolerances, usageRatio))
    return { ok: true, replicas: specReplicas, currentMilli: usage };
  if (pods.length === 0) {
    return {
      ok: false,
      error: 'unable to calculate ready pods: no pods returned by selector while calculating replica count',
    };
  }
  const scaled = usageRatio * readyPodCount(pods);
  return { ok: true, replicas: scaled > MAX_INT32 ? MAX_INT32 : Math.ceil(scaled), currentMilli: usage };
}

/**
 * `AverageValue` target: the ratio is taken against the target times `scale.status.replicas`; pod
 * readiness plays no part. `currentMilli` is the per-pod average the HPA reports, rounded up.
 */
export function externalAverageValueReplicas(
  statusReplicas: number,
  targetAverageMilli: number,
  valuesMilli: readonly number[],
  tolerances: Tolerances,
): ReplicaProposal {
  const usage = sumMilli(valuesMilli);
  const usageRatio = usage / (targetAverageMilli * statusReplicas);
  const replicas = isWithinTolerance(tolerances, usageRatio)
    ? statusReplicas
    : Math.min(Math.ceil(usage / targetAverageMilli), MAX_INT32);
  return { ok: true, replicas, currentMilli: Math.ceil(usage / statusReplicas) };
}
