import { isWithinTolerance, type Tolerances } from './tolerance';
import type { PodSnapshot } from './types';

type CpuSample = NonNullable<PodSnapshot['cpuUsage']>;

// Replica proposal for a CPU utilisation target (replica_calculator.go `GetResourceReplicas` with
// `groupPods`): unready and not-yet-measured pods are left out of the first estimate, then counted
// conservatively so that they can only dampen a change, never reverse its direction.

export type CpuProposal =
  | {
      readonly ok: true;
      readonly replicas: number;
      /** Whole percent of the requests, truncated, over the pods that counted. */
      readonly utilization: number;
      /** Mean usage per counted pod in millicores (integer division, as upstream). */
      readonly averageMilli: number;
    }
  | { readonly ok: false; readonly error: string };

export interface CpuTiming {
  readonly nowMs: number;
  readonly cpuInitializationPeriodMs: number;
  readonly initialReadinessDelayMs: number;
}

interface PodGroups {
  readonly ready: PodSnapshot[];
  readonly unready: PodSnapshot[];
  readonly missing: PodSnapshot[];
}

/**
 * A pod's CPU sample is distrusted while it may still be warming up: inside the initialisation period
 * when it is unready or its sample predates one metric window after the last readiness change; after
 * that only when it is unready and has never been ready since start.
 */
function isUnreadyForCpu(pod: PodSnapshot, sample: CpuSample, timing: CpuTiming): boolean {
  const condition = pod.readyCondition;
  if (condition === undefined || pod.startTimeMs === undefined) return true;
  if (pod.startTimeMs + timing.cpuInitializationPeriodMs > timing.nowMs) {
    return !condition.status || sample.timestampMs < condition.lastTransitionMs + sample.windowMs;
  }
  return !condition.status && pod.startTimeMs + timing.initialReadinessDelayMs > condition.lastTransitionMs;
}

function groupPods(pods: readonly PodSnapshot[], timing: CpuTiming): PodGroups {
  const groups: PodGroups = { ready: [], unready: [], missing: [] };
  for (const pod of pods) {
    if (pod.deleting === true || pod.phase === 'Failed') continue;
    if (pod.phase === 'Pending') groups.unready.push(pod);
    else if (pod.cpuUsage === undefined) groups.missing.push(pod);
    else if (isUnreadyForCpu(pod, pod.cpuUsage, timing)) groups.unready.push(pod);
    else groups.ready.push(pod);
  }
  return groups;
}

interface Totals {
  usageMilli: number;
  requestMilli: number;
  count: number;
}

/** Every pod has a request by the time this runs (checked up front, as `calculatePodRequests` does). */
function addPods(totals: Totals, pods: readonly PodSnapshot[], usage: (pod: PodSnapshot) => number): void {
  for (const pod of pods) {
    totals.usageMilli += usage(pod);
    totals.requestMilli += pod.cpuRequestMilli ?? 0;
    totals.count += 1;
  }
}

const measured = (pod: PodSnapshot): number => pod.cpuUsage?.milli ?? 0;

export function cpuUtilizationReplicas(
  specReplicas: number,
  targetUtilization: number,
  pods: readonly PodSnapshot[],
  timing: CpuTiming,
  tolerances: Tolerances,
): CpuProposal {
  if (!pods.some((p) => p.cpuUsage !== undefined)) {
    return {
      ok: false,
      error: 'unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    };
  }
  if (pods.some((p) => p.cpuRequestMilli === undefined))
    return { ok: false, error: 'missing request for cpu' };
  const { ready, unready, missing } = groupPods(pods, timing);
  if (ready.length === 0) return { ok: false, error: 'did not receive metrics for any ready pods' };

  const totals: Totals = { usageMilli: 0, requestMilli: 0, count: 0 };
  addPods(totals, ready, measured);
  if (totals.requestMilli === 0) return { ok: false, error: 'no metrics returned matched known pods' };
  const utilization = Math.trunc((totals.usageMilli * 100) / totals.requestMilli);
  const averageMilli = Math.trunc(totals.usageMilli / totals.count);
  const usageRatio = utilization / targetUtilization;
  const result = (replicas: number): CpuProposal => ({ ok: true, replicas, utilization, averageMilli });

  const rebalanceUnready = unready.length > 0 && usageRatio > 1;
  if (!rebalanceUnready && missing.length === 0) {
    if (isWithinTolerance(tolerances, usageRatio)) return result(specReplicas);
    return result(Math.ceil(usageRatio * ready.length));
  }
  // Missing samples count as the full request on the way down and as idle on the way up; unready pods
  // count as idle on the way up (upstream: "treat unready pods as using 0% of the resource request").
  if (usageRatio < 1) addPods(totals, missing, (pod) => pod.cpuRequestMilli ?? 0);
  else if (usageRatio > 1) addPods(totals, missing, () => 0);
  if (rebalanceUnready) addPods(totals, unready, () => 0);

  const newUsageRatio = Math.trunc((totals.usageMilli * 100) / totals.requestMilli) / targetUtilization;
  if (
    isWithinTolerance(tolerances, newUsageRatio) ||
    (usageRatio < 1 && newUsageRatio > 1) ||
    (usageRatio > 1 && newUsageRatio < 1)
  ) {
    return result(specReplicas);
  }
  const newReplicas = Math.ceil(newUsageRatio * totals.count);
  if (
    (newUsageRatio < 1 && newReplicas > specReplicas) ||
    (newUsageRatio > 1 && newReplicas < specReplicas)
  ) {
    return result(specReplicas);
  }
  return result(newReplicas);
}
