import {
  recommendation,
  round,
  simulatedSavings,
  targetUtilizationOf,
  withBounds,
  worth,
  type RecommenderContext,
  type RecommenderOutcome,
} from './context';
import { boundsChanges, MIN_REPLICA_FLOOR } from './boundsChanges';
import { finiteQuantile } from './quantile';
import { slaCheck } from './simulation';
import type { ObjectChange } from './types';

// HPA min/max/target tuning from demand and capacity: a maximum below the replicas peak demand needs
// (with headroom) while the workload sat at it; a minimum above what troughs need while the workload
// sat at it; a CPU target below the configured utilisation profile (Kubecost's, cost-inputs.md §2).
// Replica needs are Crane's ceil(demand / capacity) (cost-inputs.md §4) with κ as the capacity.

/** Growth headroom on top of the peak when raising the maximum. */
const MAX_HEADROOM = 1.2;
/** Share of the window the workload must have spent at a bound for that bound to be tuned. */
const MIN_TIME_AT_BOUND = 0.2;
/** A CPU target this much below the profile is raised to it. */
const TARGET_SLACK = 0.05;

/** Share of steps at which replicas were at or beyond `bound` in the given direction. */
function shareAt(replicas: Float64Array, bound: number, direction: 'min' | 'max'): number {
  let known = 0;
  let at = 0;
  for (let i = 0; i < replicas.length; i++) {
    const r = replicas[i] as number;
    if (!Number.isFinite(r)) continue;
    known++;
    if (direction === 'min' ? r <= bound : r >= bound) at++;
  }
  return known > 0 ? at / known : 0;
}

export function hpaTuning(ctx: RecommenderContext): RecommenderOutcome {
  const { input, sim, bounds } = ctx;
  const { scaling, policy, history, settings } = input;
  if (scaling.kind === 'none') return { note: 'no HPA scales the workload' };
  const kappa = sim.capacityPerReplica;
  const demand = sim.trace.demand;
  const peak = finiteQuantile(demand, 1);
  const trough = finiteQuantile(demand, 0.05);
  const peakNeed = Math.ceil(peak / kappa);
  const troughNeed = Math.ceil(trough / kappa);
  const atMax = shareAt(history.replicas, bounds.max, 'max');
  const atMin = shareAt(history.replicas, bounds.min, 'min');

  let newMax = bounds.max;
  if (peakNeed > bounds.max) newMax = Math.ceil(peakNeed * MAX_HEADROOM);
  let newMin = bounds.min;
  const lowest = Math.max(troughNeed, Math.min(bounds.min, MIN_REPLICA_FLOOR));
  if (lowest < bounds.min && atMin >= MIN_TIME_AT_BOUND) newMin = lowest;
  let newTarget: number | undefined;
  const profile = targetUtilizationOf(settings);
  if (scaling.kind === 'hpa-cpu' && scaling.targetUtilization < profile - TARGET_SLACK) newTarget = profile;
  if (newMin === bounds.min && newMax === bounds.max && newTarget === undefined) {
    return { note: 'bounds and target fit the demand history' };
  }

  const workload = { kind: input.workloadKind, name: policy.target.name };
  const changes: ObjectChange[] = boundsChanges(input, workload, newMin, newMax);
  if (newTarget !== undefined) {
    const hpaChange = changes.find((c) => c.type === 'hpa');
    const cpuTargetPercent = Math.round(newTarget * 100);
    if (hpaChange !== undefined) changes[changes.indexOf(hpaChange)] = { ...hpaChange, cpuTargetPercent };
    else changes.unshift({ type: 'hpa', hpa: scaling.hpa, workload, cpuTargetPercent });
  }
  const after = sim.run({
    minReplicas: Math.min(scaling.minReplicas, newMin),
    maxReplicas: Math.max(scaling.maxReplicas, newMax),
    ...(newTarget !== undefined && { cpuTarget: newTarget }),
    policy: withBounds(policy, Math.min(policy.replicas.min, newMin), Math.max(policy.replicas.max, newMax)),
  });
  const check = slaCheck(sim, after, settings.slaToleranceMinutesPerDay);
  const savings = simulatedSavings(sim, after);
  const parts: string[] = [];
  if (newMin !== bounds.min) parts.push(`min ${bounds.min} → ${newMin}`);
  if (newMax !== bounds.max) parts.push(`max ${bounds.max} → ${newMax}`);
  if (newTarget !== undefined && scaling.kind === 'hpa-cpu') {
    parts.push(
      `CPU target ${Math.round(scaling.targetUtilization * 100)} % → ${Math.round(newTarget * 100)} %`,
    );
  }
  const judged = worth(ctx, savings, check);
  return {
    recommendation: recommendation(ctx, {
      kind: 'hpa-tuning',
      target: { kind: 'HorizontalPodAutoscaler', name: scaling.hpa },
      summary: `HPA ${scaling.hpa}: ${parts.join(', ')}`,
      monthlySavings: savings,
      evidence: {
        capacityPerReplica: kappa,
        peakDemand: round(peak),
        troughDemandP5: round(trough),
        replicasForPeak: peakNeed,
        replicasForTrough: troughNeed,
        minReplicas: bounds.min,
        maxReplicas: bounds.max,
        shareAtMin: round(atMin, 3),
        shareAtMax: round(atMax, 3),
        cpuTarget: scaling.kind === 'hpa-cpu' ? scaling.targetUtilization : null,
        profileTarget: profile,
      },
      slaCheck: check,
      changes,
    }),
    ...judged,
  };
}
