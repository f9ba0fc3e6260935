// Types of the costscale REST API (/api/v1) for clients such as the Grafana app plugin. Types only:
// importing this module brings no server code into a bundle. They mirror the zod schemas in
// schemas.ts (test/integration/rest-openapi.test.ts checks that they stay identical).

export type Role = 'viewer' | 'operator' | 'admin';
export type PolicyMode = 'sla-first' | 'balanced' | 'budget-first';
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export type Bound = 'min' | 'max' | 'schedule' | 'slo-guard' | 'budget-emergency' | 'override';
export type ActingBound = 'none' | Bound;
export type PolicyState = 'ok' | 'degraded' | 'failing' | 'pending';
export type ThresholdState = 'ok' | 'warning' | 'critical';
export type Source = 'config' | 'api';

/** Every list: a page of items and the cursor of the next page (null on the last page). */
export interface List<T> {
  items: T[];
  nextCursor: string | null;
}

export interface FieldError {
  location: 'body' | 'query' | 'path' | 'header';
  /** JSON Pointer into the body, or the parameter's name. */
  path: string;
  message: string;
}

/** RFC 9457 problem details, the body of every error answer. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export interface SloTarget {
  query: string;
  target: number;
}

export interface ScheduleProfile {
  name: string;
  timeZone: string;
  days: Weekday[];
  from: string;
  to: string;
  minReplicas: number;
}

export interface SpecOverride {
  replicas: number;
  expiresAt: string;
  reason: string;
}

/** A policy spec as the API returns it (defaults filled in). */
export interface PolicySpec {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  allowedNamespaces: string[];
  target: { kind: 'Deployment' | 'StatefulSet'; name: string };
  backend: string;
  demand: { query: string; unit: string };
  capacityPerReplica?: number;
  learnCapacity: boolean;
  replicas: { min: number; max: number };
  readinessDelaySeconds: number;
  resources?: { cpuCores: number; memoryGiB: number; gpus: number };
  spotShare: number;
  slo: { latencySeconds?: SloTarget; errorRatio?: SloTarget };
  sloMissCostPerHour: number;
  budget?: string;
  mode: PolicyMode;
  schedules: ScheduleProfile[];
  holidays: string[];
  overrides: SpecOverride[];
  forecast: { enabled: boolean; stepSeconds: number; historyDays: number; refitHours: number };
}

/** A policy spec as a client sends it (fields with defaults may be left out). */
export interface PolicySpecInput {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  allowedNamespaces?: string[];
  target: { kind?: 'Deployment' | 'StatefulSet'; name: string };
  backend?: string;
  demand: { query: string; unit?: string };
  capacityPerReplica?: number;
  learnCapacity?: boolean;
  replicas: { min: number; max: number };
  readinessDelaySeconds?: number;
  resources?: { cpuCores?: number; memoryGiB?: number; gpus?: number };
  spotShare?: number;
  slo?: { latencySeconds?: SloTarget; errorRatio?: SloTarget };
  sloMissCostPerHour?: number;
  budget?: string;
  mode?: PolicyMode;
  schedules?: Array<{
    name: string;
    timeZone?: string;
    days?: Weekday[];
    from: string;
    to: string;
    minReplicas: number;
  }>;
  holidays?: string[];
  overrides?: Array<{ replicas: number; expiresAt: string; reason?: string }>;
  forecast?: { enabled?: boolean; stepSeconds?: number; historyDays?: number; refitHours?: number };
}

export interface BudgetSpec {
  name: string;
  period: 'daily' | 'weekly' | 'monthly';
  timeZone: string;
  amount: number;
  scope: { namespaces?: string[]; selector?: string };
  thresholds: { warning: number; critical: number };
}

export interface BudgetSpecInput {
  name: string;
  period: 'daily' | 'weekly' | 'monthly';
  timeZone?: string;
  amount: number;
  scope?: { namespaces?: string[]; selector?: string };
  thresholds?: { warning?: number; critical?: number };
}

export interface Explanation {
  summary: string;
  inputs: Array<{ name: string; value: number | string | boolean | null; source: string; unit?: string }>;
  bounds: Array<{ bound: Bound; before: number; after: number; detail: string }>;
  warnings: string[];
  errors: string[];
}

export interface Decision {
  policy?: string;
  /** Epoch ms. */
  at: number;
  mode: PolicyMode;
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

export interface OverrideRequest {
  replicas: number;
  /** Give this or ttlSeconds. */
  expiresAt?: string;
  ttlSeconds?: number;
  reason?: string;
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
  /** Only on a single policy. */
  decision?: Decision | null;
  /** Only on a single policy. */
  explanation?: Explanation | null;
}

export interface Policy {
  namespace: string;
  name: string;
  source: Source;
  version: number | null;
  createdAt: string | null;
  updatedAt: string | null;
  spec: PolicySpec;
  status: PolicyStatus;
}

export interface QueryPreview {
  role: 'demand' | 'latency' | 'errorRatio' | 'currentReplicas';
  backend: string;
  query: string;
  ok: boolean;
  value: number | null;
  observedAt: string | null;
  labels: Record<string, string>;
  warnings: string[];
  error: string | null;
}

export interface DryRunResult {
  at: string;
  policy: PolicySpec;
  queries: QueryPreview[];
  decision: Decision | null;
  explanation: Explanation;
  inputs: unknown;
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

export interface Forecast {
  namespace: string;
  name: string;
  unit: string;
  actuals: {
    query: string;
    stepSeconds: number;
    /** Epoch ms. */
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
    /** Which distribution decided. */
    mode: 'forecast' | 'reactive' | null;
    reason: string | null;
    model: string | null;
    fittedAt: string | null;
  };
  forecast: {
    madeAt: string;
    model: string;
    stepSeconds: number;
    /** Epoch ms: start of each step-aligned bucket. */
    timestamps: number[];
    point: Array<number | null>;
    quantiles: Array<{ quantile: number; values: Array<number | null> }>;
  } | null;
  accuracy: ForecastAccuracy | null;
  /** online: the engine's running score of served forecasts; stored: saved with the forecast. */
  accuracySource: 'online' | 'stored' | null;
}

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

export interface Budget {
  name: string;
  source: Source;
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

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface ApiKeyRequest {
  name: string;
  role: Role;
}

export interface CreatedApiKey {
  key: ApiKey;
  /** The secret, shown only once. */
  token: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  resource: string;
  before: unknown;
  after: unknown;
}

export interface Whoami {
  actor: string;
  kind: 'apikey' | 'kubernetes';
  role: Role;
}

export interface PoliciesQuery {
  namespace?: string;
  source?: Source;
}

export interface DecisionsQuery {
  namespace?: string;
  policy?: string;
  /** RFC 3339, inclusive. */
  from?: string;
  /** RFC 3339, exclusive. */
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface ForecastQuery {
  /** e.g. 6h (default), at most 7d. */
  window?: string;
  step?: string;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

export interface AuditQuery extends PageQuery {
  actor?: string;
  action?: string;
  /** Exact resource, or a prefix ending in "/". */
  resource?: string;
  from?: string;
  to?: string;
}

// ---- recommendations and simulation ----------------------------------------------------------------

export type RecommendationKind = 'rightsizing' | 'hpa-tuning' | 'schedule' | 'spot' | 'idle';
/** open → applied → rolled_back; open → dismissed; open → expired. */
export type RecommendationStatus = 'open' | 'applied' | 'rolled_back' | 'dismissed' | 'expired';

export interface WorkloadRef {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** One object a recommendation changes, independent of its current state. */
export type ObjectChange =
  | {
      type: 'container-requests';
      workload: WorkloadRef;
      containers: Array<{ name: string; cpu?: string; memory?: string }>;
    }
  | {
      type: 'hpa';
      hpa: string;
      workload: WorkloadRef;
      minReplicas?: number;
      maxReplicas?: number;
      cpuTargetPercent?: number;
    }
  | { type: 'workload-replicas'; workload: WorkloadRef; replicas: number }
  | {
      type: 'spot-placement';
      workload: WorkloadRef;
      nodeSelector: Record<string, string>;
      tolerations: Toleration[];
    }
  | {
      type: 'policy';
      policy: string;
      minReplicas?: number;
      maxReplicas?: number;
      schedules?: ScheduleProfile[];
    };

export interface SimulationFigures {
  sloMissMinutes: number;
  unmetDemand: number;
  replicaHours: number;
  meanReplicas: number;
  peakReplicas: number;
  cost: number;
}

/** The workload's history simulated as it is (before) and with the change (after). */
export interface SlaCheck {
  passed: boolean;
  scenario: string;
  hours: number;
  toleranceMinutes: number;
  before: SimulationFigures;
  after: SimulationFigures;
  sloMissIncreaseMinutes: number;
  detail: string;
}

export interface ConfigChange {
  id: number;
  at: string;
  actor: string;
  /** `recommendation` (applied) or `rollback`. */
  source: string;
  target: unknown;
  /** JSON merge patch: the changed fields as they were. */
  before: unknown;
  /** JSON merge patch: the changed fields as written. */
  after: unknown;
  reason: string;
}

export interface Recommendation {
  id: number;
  kind: RecommendationKind;
  status: RecommendationStatus;
  namespace: string;
  policy: string;
  target: { kind: string; name: string };
  summary: string;
  /** 730 h × the cost per hour it saves; negative when it costs, for safety. */
  monthlySavings: number;
  currency: string;
  evidence: Record<string, number | string | boolean | null | Array<number | null>>;
  slaCheck: SlaCheck;
  changes: ObjectChange[];
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  statusChangedAt: string | null;
  statusChangedBy: string | null;
  /** Only on a single recommendation. */
  configChanges?: ConfigChange[];
}

export interface RecommendationsQuery extends PageQuery {
  status?: RecommendationStatus;
  namespace?: string;
  policy?: string;
  kind?: RecommendationKind;
}

/** A what-if run over the policy's own Prometheus history. */
export interface SimulationRequest {
  /** e.g. 7d (default), 1h–14d. */
  window?: string;
  /** Resolution of the history (default: window / 2016, between 1m and 5m). */
  step?: string;
  /** `hpa-cpu:<target>` or `fixed:<replicas>` (default ['hpa-cpu:0.7']). */
  baselines?: string[];
  parameters?: {
    mode?: PolicyMode;
    sloMissCostPerHour?: number;
    minReplicas?: number;
    maxReplicas?: number;
    capacityPerReplica?: number;
  };
  /** Tolerance of every simulated HPA, costscale's and the baselines' (default null: HPAs without behavior, 0.1). */
  hpaTolerance?: number | null;
  syncSeconds?: number;
  replicaCost?: number;
}

export interface SimulationSummary {
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

/** The report of `costscale simulate --json`. */
export interface SimulationReport {
  trace: {
    /** The trace file; null for Prometheus history. */
    file: string | null;
    samples: number;
    start: string;
    hours: number;
    backend?: string;
    query?: string;
    stepSeconds?: number;
  };
  policy: string;
  currency: string;
  costPerReplicaHour: number | null;
  capacityPerReplica: number;
  readinessDelaySeconds: number;
  hpaTolerance: number | null;
  /** What a replica really serves in the run (capacityPerReplica is what costscale plans with). */
  trueCapacityPerReplica?: number;
  /** Highest CPU utilisation of the request the CPU baselines see. */
  cpuCap?: number;
  /** The metric pipelines simulated: Prometheus for costscale, metrics-server for the CPU baselines. */
  pipeline?: {
    scrapeIntervalSeconds: number;
    rateWindowSeconds: number;
    tickAgeSeconds: number;
    metricsResolutionSeconds: number;
  };
  /** The baselines, then costscale. */
  scenarios: SimulationSummary[];
}
