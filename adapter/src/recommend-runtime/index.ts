// Recommendations at run time: collect a workload's history from Prometheus and the Kubernetes API,
// run the pure recommenders (off the event loop where the compiled worker exists), apply and roll back
// changes through the Kubernetes API with a change record, and regenerate periodically in the service.
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
