// Priced recommendations checked by simulation. The pure core (`recommendWorkload` over plain history,
// settings and prices) runs the recommenders — request right-sizing at the operating point, HPA
// tuning, schedule profiles, spot suitability, idle workloads — and checks each change by replaying
// the workload's history through the simulator. The edges read that history from Prometheus, apply
// and roll back changes through the Kubernetes API, and regenerate periodically in the service.
export { recommendWorkload } from './recommend';
export { demandTrace } from './simulation';
export { applyMergePatch, fieldsAt, sameJson } from './mergePatch';
export {
  applyChanges,
  ChangeRefused,
  revertKubernetesChanges,
  rollBackChanges,
  type ChangeDeps,
  type ChangeRecord,
  type ChangeTarget,
} from './apply';
export { collectWorkload, recommendationPrices, type CollectOptions } from './collect';
export { generateRecommendations, type GenerationOptions, type PolicyRecommendations } from './generate';
export { RecommendationJob, type RecommendationJobDeps, type RegenerationSummary } from './job';
export {
  HOURS_PER_MONTH,
  type ContainerHistory,
  type Evidence,
  type ObjectChange,
  type Recommendation,
  type RecommendationKind,
  type Scaling,
  type SimulationFigures,
  type SlaCheck,
  type Toleration,
  type WorkloadHistory,
  type WorkloadInput,
  type WorkloadKind,
  type WorkloadRecommendations,
} from './types';
