import type { DemandTrace } from '../simulate';
import {
  monthly,
  recommendation,
  replicaCost,
  round,
  worth,
  type RecommenderContext,
  type RecommenderOutcome,
} from './context';
import { slaCheck } from './simulation';

// Spot suitability from what is known about the workload: a Deployment (no state on its pods), at
// least two replicas at all times, and a PodDisruptionBudget. The SLA check replays the history with
// one interruption a day at the daily peak that takes one replica (the pods of one reclaimed node,
// spread one per node) until its replacement is ready (readiness delay plus two syncs) — modelled as
// demand raised by n / (n − 1) over that span for the n replicas the peak needs, which the autoscaler
// sees and answers as it would the lost pod. Savings assume every replica runs on spot (the change
// prefers spot nodes), at the price set's spot prices.

const DAY_MS = 86_400_000;

/**
 * The trace with one interruption per day, starting at that day's demand peak: demand d is raised to
 * d · n / (n − 1) for `durationMs`, where n = max(2, ⌈d / κ⌉) replicas carry it.
 */
export function withDailyInterruptions(
  trace: DemandTrace,
  durationMs: number,
  capacityPerReplica: number,
): DemandTrace {
  const { timesMs, demand } = trace;
  const n = timesMs.length;
  const peaks: number[] = [];
  const first = timesMs[0] as number;
  let dayStart = 0;
  while (dayStart < n) {
    const dayEnd = first + (Math.floor(((timesMs[dayStart] as number) - first) / DAY_MS) + 1) * DAY_MS;
    let peak = dayStart;
    let k = dayStart;
    for (; k < n && (timesMs[k] as number) < dayEnd; k++)
      if ((demand[k] as number) > (demand[peak] as number)) peak = k;
    // Interruptions end inside the trace, so the simulated window stays the same.
    if ((timesMs[peak] as number) + durationMs < (timesMs[n - 1] as number)) peaks.push(peak);
    dayStart = k;
  }
  // Each interruption becomes samples at its start and end, so the raised span lasts exactly durationMs.
  const times: number[] = [];
  const values: number[] = [];
  let p = 0;
  let skipUntil = -Infinity;
  for (let k = 0; k < n; k++) {
    const t = timesMs[k] as number;
    if (t <= skipUntil) continue;
    const level = demand[k] as number;
    const replicas = Math.max(2, Math.ceil(level / capacityPerReplica));
    const factor = replicas / (replicas - 1);
    while (p < peaks.length && (peaks[p] as number) < k) p++;
    if (k !== peaks[p]) {
      times.push(t);
      values.push(level);
      continue;
    }
    p++;
    skipUntil = t + durationMs;
    // A step up at t and down after the span, rather than ramps from the neighbouring samples.
    if (times.length > 0 && (times[times.length - 1] as number) < t - 1) {
      times.push(t - 1);
      values.push(level);
    }
    times.push(t, skipUntil);
    values.push(level * factor, level * factor);
    let next = k + 1;
    while ((timesMs[next] as number) <= skipUntil) next++;
    if (skipUntil + 1 < (timesMs[next] as number)) {
      times.push(skipUntil + 1);
      values.push(level);
    }
  }
  return { timesMs: Float64Array.from(times), demand: Float64Array.from(values) };
}

export function spot(ctx: RecommenderContext): RecommenderOutcome {
  const { input, sim, bounds } = ctx;
  const { policy, settings } = input;
  if (input.workloadKind !== 'Deployment') return { note: 'a StatefulSet keeps state on its pods' };
  if (bounds.min < 2)
    return { note: `minimum replicas ${bounds.min}: an interruption would take the only pod` };
  if (input.podDisruptionBudget !== true) {
    return {
      note:
        input.podDisruptionBudget === null
          ? 'unknown whether a PodDisruptionBudget covers the pods (no Kubernetes API)'
          : 'no PodDisruptionBudget covers the pods',
    };
  }
  if (policy.spotShare >= 1) return { note: 'the policy runs on spot already' };
  if (Object.keys(settings.spot.nodeSelector).length === 0)
    return { note: 'recommendations.spot.nodeSelector is empty' };
  const spotCost = replicaCost(input, ctx.resources, 1);
  const saved = sim.costPerReplicaHour - spotCost;
  if (!(saved > 0)) return { note: 'spot prices are not lower than on-demand prices' };

  const durationMs = policy.readinessDelaySeconds * 1000 + 2 * sim.options.syncPeriodMs!;
  const after = sim.run({
    costPerReplicaHour: spotCost,
    trace: withDailyInterruptions(sim.trace, durationMs, sim.capacityPerReplica),
  });
  const check = slaCheck(
    sim,
    after,
    settings.slaToleranceMinutesPerDay,
    `${sim.scenarioName} with daily spot interruptions`,
  );
  const savings = monthly(sim.baseline.meanReplicas * saved);
  const workload = { kind: input.workloadKind, name: policy.target.name };
  return {
    recommendation: recommendation(ctx, {
      kind: 'spot',
      target: workload,
      summary: `${workload.kind} ${workload.name}: prefer spot nodes (${Object.entries(
        settings.spot.nodeSelector,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}); then set the policy's spotShare to 1`,
      monthlySavings: savings,
      evidence: {
        minReplicas: bounds.min,
        podDisruptionBudget: true,
        spotShareNow: policy.spotShare,
        costPerReplicaHour: round(sim.costPerReplicaHour, 6),
        spotCostPerReplicaHour: round(spotCost, 6),
        meanReplicas: round(sim.baseline.meanReplicas, 3),
        interruptionSeconds: durationMs / 1000,
      },
      slaCheck: check,
      changes: [
        {
          type: 'spot-placement',
          workload,
          nodeSelector: settings.spot.nodeSelector,
          tolerations: settings.spot.tolerations,
        },
      ],
    }),
    ...worth(ctx, savings, check),
  };
}
