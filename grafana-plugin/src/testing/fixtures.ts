import type {
  Anomaly,
  AnomalyDetail,
  BudgetEvent,
  Budget,
  Decision,
  DecisionRecord,
  Explanation,
  Forecast,
  Overview,
  List,
  Policy,
} from '../api/types';

// API answers for the unit tests, typed by the client's resource types so a change of shape breaks
// the build rather than silently passing.

export const NOW = Date.parse('2026-03-10T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3600_000;

export const page = <T>(items: T[], nextCursor: string | null = null): List<T> => ({ items, nextCursor });

export const explanation: Explanation = {
  summary: 'checkout: 6 replicas for 412 requests/s (Q(0.93) = 455, κ = 80); raised to the schedule floor 6',
  inputs: [
    { name: 'at', value: iso(NOW), source: 'decision time' },
    { name: 'mode', value: 'balanced', source: 'policy' },
    {
      name: 'demand',
      value: 412,
      source: 'sum(rate(http_requests_total{app="checkout"}[1m]))',
      unit: 'requests/s',
    },
    { name: 'capacityPerReplica', value: 80, source: 'policy', unit: 'requests/s' },
    { name: 'costPerReplicaHour', value: 0.052, source: 'price book; on-demand', unit: 'per hour' },
    { name: 'shadowPrice', value: 0, source: 'budget team-payments' },
    { name: 'tau', value: 0.93, source: 'v / (v + c·(1+λ))' },
    { name: 'demandQuantile', value: 455, source: 'reactive: 240 ratios over 1 h', unit: 'requests/s' },
  ],
  bounds: [{ bound: 'schedule', before: 5, after: 6, detail: 'business hours floor 6 (Europe/Berlin)' }],
  warnings: ['latency query returned no series; SLO guard not applied'],
  errors: [],
};

export const decision: Decision = {
  policy: 'checkout',
  at: NOW,
  mode: 'balanced',
  replicas: 6,
  unboundedReplicas: 5,
  load: 6,
  targetDemand: 455,
  demand: 412,
  demandQuantile: 455,
  tau: 0.93,
  shadowPrice: 0,
  costPerReplicaHour: 0.052,
  costPerHour: 0.312,
  costPerUnit: 0.00000021,
  sloMissRisk: 0.04,
  actingBound: 'schedule',
  explanation,
};

export const policy: Policy = {
  namespace: 'shop',
  name: 'checkout',
  source: 'config',
  version: null,
  createdAt: null,
  updatedAt: null,
  spec: {
    name: 'checkout',
    namespace: 'shop',
    labels: {},
    allowedNamespaces: [],
    target: { kind: 'Deployment', name: 'checkout' },
    backend: 'default',
    demand: { query: 'sum(rate(http_requests_total{app="checkout"}[1m]))', unit: 'requests' },
    capacityPerReplica: 80,
    learnCapacity: false,
    replicas: { min: 2, max: 20 },
    readinessDelaySeconds: 30,
    spotShare: 0,
    slo: {},
    sloMissCostPerHour: 1,
    hpaTolerance: 0.1,
    budget: 'team-payments',
    mode: 'balanced',
    schedules: [],
    holidays: [],
    overrides: [],
    forecast: { enabled: true, stepSeconds: 300, historyDays: 14, refitHours: 6 },
  },
  status: {
    state: 'ok',
    replicas: 6,
    load: 6,
    costPerHour: 0.312,
    actingBound: 'schedule',
    valuesAt: iso(NOW),
    error: null,
    override: null,
    decision,
    explanation,
  },
};

export const failingPolicy: Policy = {
  ...policy,
  name: 'search',
  spec: { ...policy.spec, name: 'search', target: { kind: 'Deployment', name: 'search' } },
  status: {
    state: 'failing',
    replicas: null,
    load: null,
    costPerHour: null,
    actingBound: null,
    valuesAt: null,
    error: 'demand query returned no series',
    override: null,
  },
};

export const overview: Overview = {
  generatedAt: iso(NOW),
  snapshot: { generatedAt: iso(NOW - 5000), tick: 1234, ageSeconds: 5 },
  spend: {
    currency: 'EUR',
    costPerHour: 0.312,
    budgets: [
      {
        name: 'team-payments',
        state: 'warning',
        amount: 500,
        spent: 410,
        projectedSpend: 530,
        utilisation: 0.82,
      },
    ],
  },
  savings: {
    baseline: 'max-replicas',
    description: 'every policy at replicas.max',
    baselineCostPerHour: 1.04,
    costPerHour: 0.312,
    savingsPerHour: 0.728,
    savingsRatio: 0.7,
    policiesCounted: 1,
  },
  counts: {
    policies: { total: 2, ok: 1, degraded: 0, failing: 1, pending: 0, config: 2, api: 0 },
    overridesActive: 0,
    budgets: { total: 1, ok: 0, warning: 1, critical: 0, unknown: 0 },
  },
  health: {
    database: { up: true, latencyMs: 1.8, error: null },
    sources: [{ backend: 'default', circuit: 'closed', policiesFailing: 1 }],
    policyErrors: [{ namespace: 'shop', name: 'search', error: 'demand query returned no series' }],
  },
};

export const decisionRecords: DecisionRecord[] = [0, 1, 2].map((i) => ({
  id: 300 - i,
  namespace: 'shop',
  policy: 'checkout',
  decidedAt: iso(NOW - i * 15_000),
  replicas: 6 - i,
  decision: { ...decision, at: NOW - i * 15_000, replicas: 6 - i },
  inputs: {},
  explanation: { ...explanation, summary: `${explanation.summary} (#${i})` },
}));

export const failedDecisionRecord: DecisionRecord = {
  id: 100,
  namespace: 'shop',
  policy: 'search',
  decidedAt: iso(NOW - 60_000),
  replicas: null,
  decision: null,
  inputs: {},
  explanation: {
    summary: 'search: no decision — demand is missing: no decision (never a silent zero)',
    inputs: [{ name: 'demand', value: null, source: 'demand query returned no series' }],
    bounds: [],
    warnings: [],
    errors: ['demand is missing: no decision (never a silent zero)'],
  },
};

const steps = (start: number, count: number, stepMs: number) =>
  Array.from({ length: count }, (_, i) => start + i * stepMs);

export const forecast: Forecast = {
  namespace: 'shop',
  name: 'checkout',
  unit: 'requests',
  actuals: {
    query: 'sum(rate(http_requests_total{app="checkout"}[1m]))',
    stepSeconds: 60,
    timestamps: steps(NOW - 6 * HOUR, 361, 60_000),
    values: steps(0, 361, 1).map((i) => 400 + 50 * Math.sin(i / 30)),
    error: null,
  },
  current: {
    at: iso(NOW),
    demand: 412,
    demandQuantile: 455,
    tau: 0.93,
    targetDemand: 455,
    mode: 'reactive',
    reason: 'forecast worse than seasonal naive (MAE 1.12× seasonal naive); using the reactive distribution',
    model: 'mstl-ets',
    fittedAt: iso(NOW - 2 * HOUR),
  },
  forecast: {
    madeAt: iso(NOW - 10 * 60_000),
    model: 'seasonal naive (1 d)',
    stepSeconds: 300,
    timestamps: steps(NOW - 5 * 60_000, 12, 300_000),
    point: steps(0, 12, 1).map((i) => 410 + i),
    quantiles: [
      { quantile: 0.9, values: steps(0, 12, 1).map((i) => 450 + i) },
      { quantile: 0.1, values: steps(0, 12, 1).map((i) => 370 + i) },
      { quantile: 0.75, values: steps(0, 12, 1).map((i) => 430 + i) },
      { quantile: 0.25, values: steps(0, 12, 1).map((i) => 390 + i) },
    ],
  },
  accuracy: { count: 96, mase: 0.82, smape: 0.061, coverage: 0.88, bias: -1.2, relativeMae: 0.9 },
  accuracySource: 'online',
};

export const budget: Budget = {
  name: 'team-payments',
  source: 'api',
  createdAt: iso(NOW - 20 * 24 * HOUR),
  updatedAt: iso(NOW - 20 * 24 * HOUR),
  spec: {
    name: 'team-payments',
    period: 'monthly',
    timeZone: 'UTC',
    amount: 500,
    scope: { namespaces: ['shop'] },
    thresholds: { warning: 0.8, critical: 0.95 },
  },
  policies: ['shop/checkout'],
  status: {
    periodLabel: '2026-03',
    amount: 500,
    spent: 410,
    remaining: 90,
    hoursLeft: 21 * 24 + 12,
    burnRatePerHour: 0.25,
    projectedSpend: 410 + 0.25 * (21 * 24 + 12),
    projectionBasis: 'burn-rate',
    utilisation: 0.82,
    projectedUtilisation: (410 + 0.25 * (21 * 24 + 12)) / 500,
    exhaustionAt: iso(NOW + (90 / 0.25) * HOUR),
    state: 'warning',
    shadowPrice: 0.46,
    warnings: [],
    evaluatedAt: iso(NOW),
  },
  statusError: null,
};

export const configBudget: Budget = {
  ...budget,
  name: 'platform',
  source: 'config',
  spec: { ...budget.spec, name: 'platform', period: 'daily', amount: 40, scope: {} },
  policies: [],
  status: null,
  statusError: 'not evaluated by the engine yet',
};

export const budgetEvents: BudgetEvent[] = [
  {
    id: 7,
    budget: 'team-payments',
    at: iso(NOW - 2 * 24 * HOUR),
    periodStart: '2026-03-01T00:00:00.000Z',
    from: 'ok',
    to: 'warning',
    utilisation: 0.8,
    details: { threshold: 0.8, level: 'warning', direction: 'up', period: '2026-03' },
  },
];

export const anomaly: Anomaly = {
  id: 41,
  namespace: 'shop',
  policy: 'checkout',
  signal: 'demand',
  startedAt: iso(NOW - 40 * 60_000),
  endedAt: null,
  active: true,
  peakScore: 0.92,
  expected: { low: 80, high: 120 },
};

export const endedAnomaly: Anomaly = {
  ...anomaly,
  id: 40,
  startedAt: iso(NOW - 5 * HOUR),
  endedAt: iso(NOW - 4 * HOUR),
  active: false,
  peakScore: 0.55,
};

export const anomalyDetail: AnomalyDetail = {
  ...anomaly,
  unit: 'requests/s',
  samples: {
    query: 'sum(rate(http_requests_total{app="checkout"}[1m]))',
    stepSeconds: 60,
    timestamps: steps(NOW - 100 * 60_000, 101, 60_000),
    values: steps(NOW - 100 * 60_000, 101, 60_000).map((t) => (t >= NOW - 40 * 60_000 ? 300 : 100)),
    error: null,
  },
};
