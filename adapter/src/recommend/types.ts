import type { Policy, RecommendationSettings } from '../config/schema';
import type { PriceSet } from '../domain';

// Shapes of the recommendation core: what is known about a workload (its history from Prometheus and
// its current settings), and what a recommendation says, proves and would change.

export type RecommendationKind = 'rightsizing' | 'hpa-tuning' | 'schedule' | 'spot' | 'idle';

export type WorkloadKind = 'Deployment' | 'StatefulSet';

/** One container of the workload's pods, over the history window. */
export interface ContainerHistory {
  readonly name: string;
  /** Per pod: CPU cores used in each step (aligned with `WorkloadHistory.timesMs`; NaN while the pod did not exist). */
  readonly cpuCores: readonly Float64Array[];
  /** Per pod: the working-set peak (bytes) within each step; NaN while the pod did not exist. */
  readonly memoryBytes: readonly Float64Array[];
  /** Current requests and limits (null: not set). */
  readonly requests: { readonly cpuCores: number | null; readonly memoryBytes: number | null };
  readonly limits: { readonly cpuCores: number | null; readonly memoryBytes: number | null };
}

/** The workload's history, one value per step (NaN where Prometheus had none). */
export interface WorkloadHistory {
  readonly stepMs: number;
  /** Epoch ms of each step. */
  readonly timesMs: Float64Array;
  /** The policy's demand (units/s). */
  readonly demand: Float64Array;
  /**
   * The policy's demand over the day before the window at the SLA check's simulation step, as the range
   * query returned it: the live engine's growth histogram would have held it, so the SLA check's costscale
   * is warm-started from it. Absent when it was not read.
   */
  readonly earlierDemand?: { readonly timestamps: Float64Array; readonly values: Float64Array };
  /** Replicas of the workload. */
  readonly replicas: Float64Array;
  readonly containers: readonly ContainerHistory[];
}

/** How the workload's replica count is driven now. */
export type Scaling =
  | {
      readonly kind: 'hpa-cpu';
      readonly hpa: string;
      readonly minReplicas: number;
      readonly maxReplicas: number;
      /** Target CPU utilisation as a fraction of the request. */
      readonly targetUtilization: number;
    }
  | {
      /** An HPA on an external metric: costscale's, or another demand-driven one. */
      readonly kind: 'hpa-external';
      readonly hpa: string;
      readonly minReplicas: number;
      readonly maxReplicas: number;
    }
  | { readonly kind: 'none' };

/** Everything one workload's recommendations are derived from (plain data; no I/O). */
export interface WorkloadInput {
  readonly policy: Policy;
  readonly workloadKind: WorkloadKind;
  readonly history: WorkloadHistory;
  readonly scaling: Scaling;
  /** Whether a PodDisruptionBudget covers the pods; null when unknown. */
  readonly podDisruptionBudget: boolean | null;
  readonly prices: PriceSet;
  readonly currency: string;
  readonly settings: RecommendationSettings;
}

/** A Kubernetes toleration as the pod spec has it. */
export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/**
 * What applying changes on one object, in terms independent of the object's current state: the
 * Kubernetes edge reads the live object and turns it into a JSON merge patch (and its inverse).
 */
export type ObjectChange =
  | {
      readonly type: 'container-requests';
      readonly workload: { readonly kind: WorkloadKind; readonly name: string };
      readonly containers: ReadonlyArray<{
        readonly name: string;
        /** Requests to set, as Kubernetes quantities ("250m", "512Mi"). */
        readonly cpu?: string;
        readonly memory?: string;
      }>;
    }
  | {
      readonly type: 'hpa';
      readonly hpa: string;
      readonly workload: { readonly kind: WorkloadKind; readonly name: string };
      readonly minReplicas?: number;
      readonly maxReplicas?: number;
      /** New CPU averageUtilization target, percent. */
      readonly cpuTargetPercent?: number;
    }
  | {
      readonly type: 'workload-replicas';
      readonly workload: { readonly kind: WorkloadKind; readonly name: string };
      readonly replicas: number;
    }
  | {
      readonly type: 'spot-placement';
      readonly workload: { readonly kind: WorkloadKind; readonly name: string };
      /** Node labels of spot capacity, added as a preferred node-affinity term. */
      readonly nodeSelector: Readonly<Record<string, string>>;
      readonly tolerations: readonly Toleration[];
    }
  | {
      /** A costscale policy (API-managed ones are changed through the store). */
      readonly type: 'policy';
      readonly policy: string;
      readonly minReplicas?: number;
      readonly maxReplicas?: number;
      readonly schedules?: Policy['schedules'];
    };

/** Simulation figures of one run over the workload's history. */
export interface SimulationFigures {
  readonly sloMissMinutes: number;
  readonly unmetDemand: number;
  readonly replicaHours: number;
  readonly meanReplicas: number;
  readonly peakReplicas: number;
  readonly cost: number;
}

export interface SlaCheck {
  readonly passed: boolean;
  /** How the replica count was simulated, e.g. `costscale` or `hpa-cpu:0.7`. */
  readonly scenario: string;
  readonly hours: number;
  /** SLO-miss minutes the change may add over the window (tolerance per day × days). */
  readonly toleranceMinutes: number;
  readonly before: SimulationFigures;
  readonly after: SimulationFigures;
  /** after − before. */
  readonly sloMissIncreaseMinutes: number;
  readonly detail: string;
}

export type Evidence = Readonly<Record<string, number | string | boolean | null | readonly number[]>>;

/** A recommendation as the core produces it. */
export interface Recommendation {
  readonly kind: RecommendationKind;
  readonly namespace: string;
  readonly policy: string;
  /** The object the recommendation is about (the first it changes). */
  readonly target: { readonly kind: string; readonly name: string };
  readonly summary: string;
  /** 730 h × (cost per hour now − cost per hour after); negative for changes that buy SLO safety. */
  readonly monthlySavings: number;
  readonly currency: string;
  /** The numbers it was derived from. */
  readonly evidence: Evidence;
  readonly slaCheck: SlaCheck;
  readonly changes: readonly ObjectChange[];
}

export interface WorkloadRecommendations {
  readonly namespace: string;
  readonly policy: string;
  /** Passed their SLA check and are worth offering. */
  readonly offered: readonly Recommendation[];
  /** Failed the SLA check. */
  readonly rejected: readonly Recommendation[];
  /** Why recommenders produced nothing, by kind (not applicable, nothing to gain, too little data). */
  readonly notes: Readonly<Partial<Record<RecommendationKind, string>>>;
}

/** Hours per month in savings figures (Kubecost and cloud bills alike: 365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;
