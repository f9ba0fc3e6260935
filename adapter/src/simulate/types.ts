import type { Behavior } from '../hpa';
import type { MetricPipeline } from './pipeline';

// Shapes of a what-if simulation: the workload, how its replica count is driven, and what came out.

/** The workload being scaled. */
export interface WorkloadModel {
  /** κ: demand (units/s) one ready replica serves within its SLO. */
  readonly capacityPerReplica: number;
  /** From pod start to Ready. */
  readonly readinessDelayMs: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Price of one replica-hour; `null` when the replica's resources are unknown (cost is then not reported). */
  readonly costPerReplicaHour: number | null;
}

export interface SimulationOptions {
  /** HPA sync period and simulation step (default 15 s, §4.1). */
  readonly syncPeriodMs?: number;
  /**
   * Highest CPU utilisation (of the request) a replica reaches; a replica at capacity κ uses its full
   * request. Default 1: a CPU-bound service whose limit equals its request.
   */
  readonly cpuUtilizationCap?: number;
  /**
   * Demand between samples: `linear` (default) interpolates, as suits traces of rates averaged over
   * their interval; `hold` keeps each sample until the next, turning every change into a jump.
   */
  readonly interpolation?: 'linear' | 'hold';
  /** Ready replicas at the start; default ceil(first demand / κ) within the bounds. */
  readonly initialReplicas?: number;
  /**
   * metrics-server as the CPU HPA reads it (default DEFAULT_PIPELINE's): each pod's CPU is the rate of
   * its cumulative usage between the two latest kubelet scrapes, `cpuResolutionMs` apart, the newest
   * `cpuAgeMs` before the sync; a pod scraped fewer than twice since it started has no sample.
   */
  readonly cpuPipeline?: Pick<MetricPipeline, 'cpuResolutionMs' | 'cpuAgeMs'>;
}

/**
 * What an adapter serves when the HPA syncs at `tMs`, given the replicas that exist; `undefined` when it
 * would answer with an error (the HPA then holds). The adapter observes demand through its own pipeline.
 */
export type MetricScaler = (tMs: number, currentReplicas: number) => number | undefined;

/** How the replica count is driven. */
export type Scenario =
  | { readonly name: string; readonly kind: 'fixed'; readonly replicas: number }
  | {
      readonly name: string;
      readonly kind: 'hpa-cpu';
      /** Target utilisation as a fraction of the CPU request (0.7 = 70 %). */
      readonly targetUtilization: number;
      readonly behavior?: Behavior;
    }
  | {
      readonly name: string;
      readonly kind: 'hpa-external';
      /** An HPA on an External metric with `target: {type: AverageValue, averageValue}`. */
      readonly metricName: string;
      readonly averageValue: number;
      readonly scaler: MetricScaler;
      readonly behavior?: Behavior;
    };

/** One row per simulated step. */
export interface Timeline {
  readonly timesMs: Float64Array;
  /** Mean demand over the step. */
  readonly demand: Float64Array;
  /** Replica count the target is set to after the step's sync. */
  readonly desiredReplicas: Float64Array;
  /** Ready replicas at the start of the step, after the sync. */
  readonly readyReplicas: Float64Array;
  /** readyReplicas × κ. */
  readonly capacity: Float64Array;
}

export interface SimulationResult {
  readonly name: string;
  readonly hours: number;
  /** ∫ existing pods dt: pods are paid for from start, ready or not. */
  readonly replicaHours: number;
  readonly cost: number | null;
  /** Minutes during which demand exceeded ready capacity. */
  readonly sloMissMinutes: number;
  /** ∫ max(0, demand − ready capacity) dt, in demand units. */
  readonly unmetDemand: number;
  /** ∫ demand dt, in demand units. */
  readonly totalDemand: number;
  readonly scaleUps: number;
  readonly scaleDowns: number;
  readonly peakReplicas: number;
  readonly timeline: Timeline;
}
