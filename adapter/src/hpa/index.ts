// The HPA controller model: the Kubernetes horizontal-pod-autoscaler's replica calculation,
// tolerance, stabilisation windows and rate limits as pure functions over plain data
// (external-metrics-api.md §4, §5). Fold `reconcileHpa` over a sequence of observations to replay what
// a real HPA would have done:
//
//   let state = initialHpaState();
//   for (const observation of observations) {
//     const r = reconcileHpa(spec, state, observation.input, observation.atMs);
//     state = r.state; // recommendation history, scale events, status.desiredReplicas, conditions
//     replicas = r.desiredReplicas; // the target's scale.spec.replicas after this reconcile
//   }
export { reconcileHpa, initialHpaState } from './controller';
export { minReplicasProblem } from './validation';
export { externalValueReplicas, externalAverageValueReplicas, readyPodCount } from './externalReplicas';
export { cpuUtilizationReplicas } from './cpuReplicas';
export { tolerancesFor, isWithinTolerance, type Tolerances } from './tolerance';
export { resolveBehavior, DEFAULT_SCALE_UP_POLICIES, DEFAULT_SCALE_DOWN_POLICIES } from './behavior';
export { stabilizeWithBehavior, stabilizeWithoutBehavior } from './stabilization';
export {
  limitWithBehavior,
  limitWithoutBehavior,
  scaleUpLimit,
  scaleDownLimit,
  legacyScaleUpLimit,
} from './scaleLimits';
export { recordScaleEvent, replicasChangedInPeriod } from './scaleEvents';
export { formatLabelSelector } from './metricProposals';
export {
  DEFAULT_CONTROLLER_CONFIG,
  type Behavior,
  type ConditionType,
  type ControllerConfig,
  type CpuUtilizationMetricSpec,
  type ExternalMetricSpec,
  type HpaCondition,
  type HpaEvent,
  type HpaSpec,
  type HpaState,
  type MetricReading,
  type MetricSpec,
  type PodSnapshot,
  type ReconcileInput,
  type ScaleEvent,
  type ScalingPolicy,
  type ScalingRules,
  type SelectPolicy,
  type StepResult,
  type TimestampedRecommendation,
} from './types';
