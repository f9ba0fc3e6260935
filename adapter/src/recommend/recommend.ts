import {
  effectiveBounds,
  replicaCost,
  replicaResources,
  type RecommenderContext,
  type RecommenderOutcome,
} from './context';
import { hpaTuning } from './hpaTuning';
import { idle } from './idle';
import { rightsizing } from './rightsizing';
import { schedule } from './schedule';
import { demandTrace, simulationContext } from './simulation';
import { spot } from './spot';
import type { Recommendation, RecommendationKind, WorkloadInput, WorkloadRecommendations } from './types';

// All recommenders over one workload. The workload as it is runs through the simulator once; each
// recommender simulates its change against that run. A recommendation that is not worth offering
// leaves a note; one that fails its SLA check is returned as rejected, never offered.

const RECOMMENDERS: ReadonlyArray<
  readonly [RecommendationKind, (ctx: RecommenderContext) => RecommenderOutcome]
> = [
  ['rightsizing', rightsizing],
  ['hpa-tuning', hpaTuning],
  ['schedule', schedule],
  ['spot', spot],
  ['idle', idle],
];

/** A day of history, so daily peaks and troughs are in it. */
const MIN_HISTORY_HOURS = 24;

function allNoted(input: WorkloadInput, note: string): WorkloadRecommendations {
  return {
    namespace: input.policy.namespace,
    policy: input.policy.name,
    offered: [],
    rejected: [],
    notes: Object.fromEntries(RECOMMENDERS.map(([kind]) => [kind, note])),
  };
}

export function recommendWorkload(input: WorkloadInput): WorkloadRecommendations {
  const { policy, settings } = input;
  const kappa = policy.capacityPerReplica;
  if (kappa === undefined) {
    return allNoted(
      input,
      'the policy has no capacityPerReplica to simulate with (learned capacity is not used)',
    );
  }
  const trace = demandTrace(input.history);
  const hours =
    trace === undefined
      ? 0
      : ((trace.timesMs[trace.timesMs.length - 1] as number) - (trace.timesMs[0] as number)) / 3_600_000;
  if (trace === undefined || hours < MIN_HISTORY_HOURS) {
    return allNoted(
      input,
      `${hours.toFixed(1)} h of demand history; at least ${MIN_HISTORY_HOURS} h are needed`,
    );
  }
  const resources = replicaResources(input);
  if (resources === undefined) {
    return allNoted(input, 'the replica’s resource requests are unknown (set resources in the policy)');
  }
  const sim = simulationContext({
    trace,
    ...(input.history.earlierDemand && { earlier: input.history.earlierDemand }),
    scaling: input.scaling,
    policy,
    capacityPerReplica: kappa,
    costPerReplicaHour: replicaCost(input, resources),
    syncPeriodMs: settings.simulationStepSeconds * 1000,
  });
  const ctx: RecommenderContext = { input, sim, bounds: effectiveBounds(input), resources };
  const offered: Recommendation[] = [];
  const rejected: Recommendation[] = [];
  const notes: Partial<Record<RecommendationKind, string>> = {};
  for (const [kind, recommender] of RECOMMENDERS) {
    const outcome = recommender(ctx);
    if ('note' in outcome) notes[kind] = outcome.note;
    else if (!outcome.worthwhile) notes[kind] = outcome.why;
    else if (outcome.recommendation.slaCheck.passed) offered.push(outcome.recommendation);
    else rejected.push(outcome.recommendation);
  }
  return { namespace: policy.namespace, policy: policy.name, offered, rejected, notes };
}
