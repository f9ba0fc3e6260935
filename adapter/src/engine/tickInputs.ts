import type { GrowthHistogram, PriceSet, ReplicaResources } from '../domain';

// What one tick read from the outside world, as plain data: the seam between gathering (I/O) and
// assembling decision inputs (pure). A simulator replaying the engine builds the same shapes.

/** One value read for a policy: the sample and when it was taken, or why there is none. */
export type Reading =
  | { readonly ok: true; readonly value: number; /** Epoch ms of the sample. */ readonly timestamp: number }
  | { readonly ok: false; readonly error: string };

/** CPU/memory/GPU requested by one replica, and where that came from. */
export type ResourcesReading =
  | { readonly ok: true; readonly resources: ReplicaResources; readonly source: string }
  | { readonly ok: false; readonly error: string };

/** The prices replicas are costed at this tick, and where they came from. */
export interface PriceReading {
  readonly prices: PriceSet;
  readonly source: string;
}

/** Spend of a budget's scope since its period started, or why it could not be read. */
export type SpendReading =
  { readonly ok: true; readonly spent: number } | { readonly ok: false; readonly error: string };

/** Everything read for one policy at the tick. */
export interface PolicyReadings {
  /** D(t) from the policy's demand query. */
  readonly demand: Reading;
  /**
   * Demand at the tick step before this tick, oldest first; NaN where a tick had no value. A view of
   * the engine's history (float32: engine/recentDemand.ts): read it, never write it.
   */
  readonly pastDemand: Float64Array | Float32Array;
  /**
   * Decayed growth over the decision horizon, by level, fed every tick including this one's sample: the
   * long-memory reactive distribution. Read it, never feed it.
   */
  readonly growth?: GrowthHistogram;
  /** Replicas the workload has now (kube-state-metrics). */
  readonly currentReplicas: Reading;
  /** Present when the policy has a latency SLO. */
  readonly latency?: Reading;
  /** Present when the policy has an error-ratio SLO. */
  readonly errorRatio?: Reading;
  readonly resources: ResourcesReading;
}

export interface TickInputs {
  /** Aligned with `config.policies`. */
  readonly policies: readonly PolicyReadings[];
  readonly prices: PriceReading;
  /** By budget name. A budget without an entry has spent nothing yet (no scope, or a period under 5 minutes old). */
  readonly spend: ReadonlyMap<string, SpendReading>;
}
