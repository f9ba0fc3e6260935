// Priced recommendations checked by simulation, the pure part: `recommendWorkload` over plain history,
// settings and prices runs the recommenders — request right-sizing at the operating point, HPA
// tuning, schedule profiles, spot suitability, idle workloads — and checks each change by replaying
// the workload's history through the simulator. Reading that history, applying and rolling back
// changes, and the periodic job live in `recommend-runtime/`.
export { recommendWorkload } from './recommend';
export { demandTrace } from './simulation';
export { applyMergePatch, fieldsAt, sameJson } from './mergePatch';
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
