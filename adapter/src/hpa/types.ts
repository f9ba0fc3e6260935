// Plain-data shapes of the HPA model: the slice of an autoscaling/v2 HorizontalPodAutoscaler the
// controller reads, what it observes at one reconcile, and the per-HPA memory it keeps between
// reconciles (external-metrics-api.md §4, §5). Quantities are integers in milli-units, as the
// controller reads them with `MilliValue()` (§3.3); times are Unix milliseconds.

export type SelectPolicy = 'Max' | 'Min' | 'Disabled';

/** `spec.behavior.scale{Up,Down}.policies[]`. */
export interface ScalingPolicy {
  readonly type: 'Pods' | 'Percent';
  readonly value: number;
  readonly periodSeconds: number;
}

/** `spec.behavior.scaleUp` / `scaleDown`; unset fields take the defaults of §4.7. */
export interface ScalingRules {
  readonly stabilizationWindowSeconds?: number;
  readonly selectPolicy?: SelectPolicy;
  readonly policies?: readonly ScalingPolicy[];
  /** HPAConfigurableTolerance (§4.5): overrides the cluster tolerance for this direction. */
  readonly tolerance?: number;
}

export interface Behavior {
  readonly scaleUp?: ScalingRules;
  readonly scaleDown?: ScalingRules;
}

/** An External metric; `target.averageValueMilli` wins over `valueMilli` when both are set (§4.4). */
export interface ExternalMetricSpec {
  readonly type: 'External';
  readonly name: string;
  /** `metric.selector.matchLabels`; `undefined` is a nil selector. */
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly target: { readonly valueMilli?: number; readonly averageValueMilli?: number };
}

/** A CPU utilisation target (percentage of the pods' CPU requests). */
export interface CpuUtilizationMetricSpec {
  readonly type: 'Resource';
  readonly name: 'cpu';
  readonly target: { readonly averageUtilization: number };
}

export type MetricSpec = ExternalMetricSpec | CpuUtilizationMetricSpec;

export interface HpaSpec {
  readonly namespace: string;
  /** Names the target in events (`<Kind>/<namespace>/<name>`). */
  readonly scaleTargetRef: { readonly kind: string; readonly name: string };
  /** Defaults to 1 (§4.2). */
  readonly minReplicas?: number;
  readonly maxReplicas: number;
  readonly metrics: readonly MetricSpec[];
  /** `undefined` selects the legacy normalisation of §4.6; any object selects §4.7. */
  readonly behavior?: Behavior;
}

/** kube-controller-manager settings (§4.1). */
export interface ControllerConfig {
  readonly tolerance: number;
  readonly downscaleStabilizationWindowSeconds: number;
  readonly cpuInitializationPeriodSeconds: number;
  readonly initialReadinessDelaySeconds: number;
}

export const DEFAULT_CONTROLLER_CONFIG: ControllerConfig = {
  tolerance: 0.1,
  downscaleStabilizationWindowSeconds: 300,
  cpuInitializationPeriodSeconds: 300,
  initialReadinessDelaySeconds: 30,
};

/** One pod matched by the scale target's `status.selector`. */
export interface PodSnapshot {
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readonly deleting?: boolean;
  /** The Ready condition; `undefined` when the pod has none. */
  readonly readyCondition?: { readonly status: boolean; readonly lastTransitionMs: number };
  readonly startTimeMs?: number;
  /** Sum of the containers' CPU requests; `undefined` when a container has none. */
  readonly cpuRequestMilli?: number;
  /** From the resource metrics API; `undefined` when the API returned no sample for this pod. */
  readonly cpuUsage?: { readonly milli: number; readonly timestampMs: number; readonly windowMs: number };
}

/**
 * What a metrics API answered for one entry of `spec.metrics`. External: the `MilliValue()` of every
 * item (an empty list is a failure, §5.2). CPU: the per-pod samples are on the pods; `ok` means the
 * resource metrics API answered at all.
 */
export type MetricReading =
  | { readonly status: 'ok'; readonly valuesMilli?: readonly number[] }
  | { readonly status: 'error'; readonly message: string };

/** Everything one reconcile observes besides its own memory. */
export interface ReconcileInput {
  /** `scale.spec.replicas`, the replica count the HPA changes. */
  readonly specReplicas: number;
  /** `scale.status.replicas`, the pods that exist (used by AverageValue targets). */
  readonly statusReplicas: number;
  readonly pods: readonly PodSnapshot[];
  /** One reading per `spec.metrics` entry, in the same order. */
  readonly metrics: readonly MetricReading[];
  /** Set when reading the scale subresource failed (§4.2 step 1). */
  readonly getScaleError?: string;
  /** Set when `scale.status.selector` is unusable (§4.2 step 4). */
  readonly selectorProblem?: {
    readonly reason: 'InvalidSelector' | 'AmbiguousSelector';
    readonly message: string;
  };
}

export type ConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';

export interface HpaCondition {
  readonly type: ConditionType;
  readonly status: boolean;
  readonly reason: string;
  readonly message: string;
}

export interface HpaEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface TimestampedRecommendation {
  readonly replicas: number;
  readonly timestampMs: number;
}

export interface ScaleEvent {
  readonly replicaChange: number;
  readonly timestampMs: number;
  /** Older than the longest policy period when last marked; the slot is reused by the next event. */
  readonly outdated: boolean;
}

/** The controller's memory for one HPA plus the status fields it carries over. */
export interface HpaState {
  /** `null` until the first reconcile, which seeds it with the current replicas (§4.6 step 1). */
  readonly recommendations: readonly TimestampedRecommendation[] | null;
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  /** `status.desiredReplicas`; kept when metrics fail (§5.5). */
  readonly desiredReplicas: number;
  readonly lastScaleTimeMs?: number;
  readonly conditions: readonly HpaCondition[];
}

export interface StepResult {
  readonly state: HpaState;
  /** The replica count the target has after this reconcile (`scale.spec.replicas`). */
  readonly desiredReplicas: number;
  readonly rescaled: boolean;
  readonly conditions: readonly HpaCondition[];
  readonly events: readonly HpaEvent[];
}
