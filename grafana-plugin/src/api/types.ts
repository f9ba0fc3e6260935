// Resources of the adapter's REST API (/api/v1), mirroring adapter/src/server/rest/schemas.ts.
// Timestamps are RFC 3339 strings; series timestamps are epoch milliseconds.

export type Mode = 'sla-first' | 'balanced' | 'budget-first';
export type Bound = 'min' | 'max' | 'schedule' | 'slo-guard' | 'budget-emergency' | 'override';
export type ActingBound = 'none' | Bound;

export interface Explanation {
  summary: string;
  inputs: Array<{ name: string; value: number | string | boolean | null; source: string; unit?: string }>;
  bounds: Array<{ bound: Bound; before: number; after: number; detail: string }>;
  warnings: string[];
  errors: string[];
}

export interface Decision {
  policy?: string;
  at: number;
  mode: Mode;
  replicas: number;
  unboundedReplicas: number;
  load: number;
  targetDemand: number;
  demand: number;
  demandQuantile: number | null;
  tau: number;
  shadowPrice: number;
  costPerReplicaHour: number;
  costPerHour: number;
  costPerUnit: number | null;
  sloMissRisk: number | null;
  actingBound: ActingBound;
  explanation: Explanation;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Override {
  namespace: string;
  policy: string;
  replicas: number;
  expiresAt: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  active: boolean;
}

export type PolicyState = 'ok' | 'degraded' | 'failing' | 'pending';

export interface PolicySpec {
  name: string;
  namespace: string;
  target: { kind: string; name: string };
  demand: { query: string; unit: string };
  capacityPerReplica?: number;
  replicas: { min: number; max: number };
  budget?: string;
  mode: Mode;
  [key: string]: unknown;
}

export interface PolicyStatus {
  state: PolicyState;
  replicas: number | null;
  load: number | null;
  costPerHour: number | null;
  actingBound: ActingBound | null;
  valuesAt: string | null;
  error: string | null;
  override: Override | null;
  decision?: Decision | null;
  explanation?: Explanation | null;
}

export interface PolicyResource {
  namespace: string;
  name: string;
  source: 'config' | 'api';
  version: number | null;
  createdAt: string | null;
  updatedAt: string | null;
  spec: PolicySpec;
  status: PolicyStatus;
}

export interface DecisionRecord {
  id: number;
  namespace: string;
  policy: string;
  decidedAt: string;
  replicas: number | null;
  decision: Decision | null;
  explanation: Explanation | null;
  inputs: unknown;
}

export interface ForecastAccuracy {
  count: number;
  mase: number | null;
  smape: number | null;
  coverage: number | null;
  bias: number | null;
  relativeMae: number | null;
}

export interface ForecastResource {
  namespace: string;
  name: string;
  unit: string;
  actuals: {
    query: string;
    stepSeconds: number;
    timestamps: number[];
    values: Array<number | null>;
    error: string | null;
  };
  current: {
    at: string | null;
    demand: number | null;
    demandQuantile: number | null;
    tau: number | null;
    targetDemand: number | null;
  };
  forecast: {
    madeAt: string;
    model: string;
    stepSeconds: number;
    timestamps: number[];
    point: Array<number | null>;
    quantiles: Array<{ quantile: number; values: Array<number | null> }>;
  } | null;
  accuracy: ForecastAccuracy | null;
}

export type BudgetPeriodKind = 'daily' | 'weekly' | 'monthly';

/** A budget as the configuration schema takes it (defaults filled in by the adapter). */
export interface BudgetSpecInput {
  name: string;
  period: BudgetPeriodKind;
  timeZone?: string;
  amount: number;
  scope?: { namespaces?: string[]; selector?: string };
  thresholds?: { warning: number; critical: number };
}

export interface BudgetSpec extends BudgetSpecInput {
  timeZone: string;
  scope: { namespaces?: string[]; selector?: string };
  thresholds: { warning: number; critical: number };
}

export type ThresholdState = 'ok' | 'warning' | 'critical';

export interface BudgetStatus {
  periodLabel: string;
  amount: number;
  spent: number;
  remaining: number;
  hoursLeft: number;
  burnRatePerHour: number;
  projectedSpend: number;
  projectionBasis: 'burn-rate' | 'forecast';
  utilisation: number;
  projectedUtilisation: number;
  exhaustionAt: string | null;
  state: ThresholdState;
  shadowPrice: number;
  warnings: string[];
  evaluatedAt: string;
}

export interface BudgetResource {
  name: string;
  source: 'config' | 'api';
  createdAt: string | null;
  updatedAt: string | null;
  spec: BudgetSpec;
  policies: string[];
  status: BudgetStatus | null;
  statusError: string | null;
}

export interface BudgetEvent {
  id: number;
  budget: string;
  at: string;
  periodStart: string;
  from: string;
  to: string;
  utilisation: number;
  details: Record<string, unknown>;
}

export interface Overview {
  generatedAt: string;
  snapshot: { generatedAt: string | null; tick: number | null; ageSeconds: number | null };
  spend: {
    currency: string;
    costPerHour: number;
    budgets: Array<{
      name: string;
      state: ThresholdState | 'unknown';
      amount: number;
      spent: number | null;
      projectedSpend: number | null;
      utilisation: number | null;
    }>;
  };
  savings: {
    baseline: 'max-replicas';
    description: string;
    baselineCostPerHour: number;
    costPerHour: number;
    savingsPerHour: number;
    savingsRatio: number | null;
    policiesCounted: number;
  };
  counts: {
    policies: {
      total: number;
      ok: number;
      degraded: number;
      failing: number;
      pending: number;
      config: number;
      api: number;
    };
    overridesActive: number;
    budgets: { total: number; ok: number; warning: number; critical: number; unknown: number };
  };
  health: {
    database: { up: boolean; latencyMs: number | null; error: string | null };
    sources: Array<{
      backend: string;
      circuit: 'closed' | 'open' | 'half-open' | 'unknown';
      policiesFailing: number;
    }>;
    policyErrors: Array<{ namespace: string; name: string; error: string }>;
  };
}

export interface Whoami {
  actor: string;
  kind: 'apikey' | 'kubernetes';
  role: 'viewer' | 'operator' | 'admin';
}
