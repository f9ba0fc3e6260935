import {
  recommendation,
  round,
  simulatedSavings,
  worth,
  type RecommenderContext,
  type RecommenderOutcome,
} from './context';
import { slaCheck } from './simulation';

// Idle workloads: demand at most a small share of one replica's capacity for most of the window makes
// a scale-to-zero candidate. Applying sets the workload's replicas to 0, which also pauses an HPA on it
// (an HPA does not scale a target whose replicas are 0); rolling back restores the count. The SLA check
// runs the history at zero replicas, so any real traffic in the window shows up as SLO misses.

export function idle(ctx: RecommenderContext): RecommenderOutcome {
  const { input, sim } = ctx;
  const { settings, history, policy } = input;
  const threshold = settings.idle.maxDemandShare * sim.capacityPerReplica;
  let known = 0;
  let quiet = 0;
  for (let i = 0; i < history.demand.length; i++) {
    const d = history.demand[i] as number;
    if (!Number.isFinite(d)) continue;
    known++;
    if (d <= threshold) quiet++;
  }
  const idleShare = known > 0 ? quiet / known : 0;
  if (idleShare < settings.idle.minIdleShare) {
    return {
      note: `demand is above ${round(threshold)} for ${round((1 - idleShare) * 100, 1)} % of the window`,
    };
  }
  // Known to have run no replica at all (steps with unknown replicas count neither way).
  let knownReplicas = false;
  let running = false;
  for (let i = 0; i < history.replicas.length; i++) {
    const r = history.replicas[i] as number;
    if (!Number.isFinite(r)) continue;
    knownReplicas = true;
    if (r > 0) running = true;
  }
  if (knownReplicas && !running) return { note: 'the workload ran no replicas in the window' };
  const after = sim.run({ fixedReplicas: 0 });
  const check = slaCheck(sim, after, settings.slaToleranceMinutesPerDay, 'fixed:0');
  const savings = simulatedSavings(sim, after);
  const workload = { kind: input.workloadKind, name: policy.target.name };
  return {
    recommendation: recommendation(ctx, {
      kind: 'idle',
      target: workload,
      summary: `${workload.kind} ${workload.name}: idle for ${round(idleShare * 100, 1)} % of the window; scale to zero`,
      monthlySavings: savings,
      evidence: {
        idleShare: round(idleShare, 4),
        demandThreshold: round(threshold, 6),
        meanReplicas: round(sim.baseline.meanReplicas, 3),
        costPerReplicaHour: round(sim.costPerReplicaHour, 6),
      },
      slaCheck: check,
      changes: [{ type: 'workload-replicas', workload, replicas: 0 }],
    }),
    ...worth(ctx, savings, check),
  };
}
