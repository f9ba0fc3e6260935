// Resources of REST endpoints the adapter does not serve yet (ARCHITECTURE.md §4: recommendations and
// simulation join /api/v1 in their own issue). The shapes follow the adapter's simulation report
// (adapter/src/simulate/report.ts ResultSummary) and the recommendation lifecycle of that issue; the
// pages show "not available yet" while the adapter answers 404.

export type RecommendationKind = 'rightsizing' | 'hpa-tuning' | 'schedule' | 'spot' | 'idle';
export type RecommendationStatus = 'open' | 'applied' | 'rolled-back' | 'dismissed' | 'expired';
export type RecommendationAction = 'apply' | 'dismiss' | 'rollback';

export interface Recommendation {
  id: string;
  kind: RecommendationKind;
  namespace: string;
  /** The workload or policy it changes, e.g. `Deployment/checkout`. */
  target: string;
  summary: string;
  estimatedMonthlySavings: number;
  currency: string;
  slaCheck: { passed: boolean; detail: string };
  status: RecommendationStatus;
  createdAt: string;
}

export interface SimulationRequest {
  namespace: string;
  policy: string;
  /** History replayed, as a duration such as `7d`. */
  window: string;
  /** Changes to the policy for the what-if run. */
  parameters: {
    mode?: 'sla-first' | 'balanced' | 'budget-first';
    sloMissCostPerHour?: number;
    minReplicas?: number;
    maxReplicas?: number;
  };
  /** Baselines such as `hpa-cpu:0.7` or `fixed:4`. */
  baselines: string[];
}

export interface SimulationRun {
  name: string;
  hours: number;
  replicaHours: number;
  meanReplicas: number;
  peakReplicas: number;
  cost: number | null;
  sloMissMinutes: number;
  unmetDemand: number;
  unmetFraction: number;
  scaleUps: number;
  scaleDowns: number;
}

export interface SimulationResponse {
  /** The what-if run first, then each baseline. */
  runs: SimulationRun[];
}
