import { z } from 'zod';
import { budgetSchema, policySchema, scheduleSchema, tolerationSchema } from '../../config/schema';
import { actingBoundSchema, decisionSchema, explanationSchema } from '../../domain/decide';
import { ROLES } from '../../config/roles';
import { COSTSCALE_HPA_SCALE_DOWN_WINDOW_SECONDS } from '../../simulate/fromPolicy';

// The REST API's schemas: requests are validated with them at the boundary, responses are built to
// them, and the OpenAPI document is generated from them. Policy and budget specs are the configuration
// file's own schemas, so a policy means the same thing in a file and in the API.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsLabel = z.string().max(63).regex(DNS_LABEL, 'must be a lowercase DNS label (a-z, 0-9, "-")');
/** RFC 3339 date-time in UTC, as every timestamp the API returns. */
const timestamp = z.iso.datetime();
const nullableTimestamp = timestamp.nullable();

export const fieldErrorSchema = z.strictObject({
  location: z.enum(['body', 'query', 'path', 'header']),
  path: z.string().describe('JSON Pointer into the body, or the parameter name'),
  message: z.string(),
});

export const problemSchema = z
  .strictObject({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
  })
  .describe('RFC 9457 problem details');

/** The envelope of every list: a page of items and the cursor of the next page (null on the last). */
export function listOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });
}

// ---- parameters -------------------------------------------------------------------------------------

const limit = (max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,6}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.int().min(1).max(max))
    .optional()
    .describe(`page size, 1–${max}`);
const cursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by the previous page')
  .optional();
const time = z.iso.datetime({ offset: true }).optional();
/** Prometheus-style duration: 30s, 15m, 6h, 7d. */
export const durationParam = z
  .string()
  .regex(/^[1-9][0-9]{0,5}[smhd]$/, 'must be a duration such as 30s, 15m, 6h, 7d');

export const policyParams = z.strictObject({ namespace: dnsLabel, name: dnsLabel });
export const budgetParams = z.strictObject({ name: dnsLabel });
export const apiKeyParams = z.strictObject({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, 'must be a key id')
    .transform(Number),
});

export const policiesQuery = z.strictObject({
  namespace: dnsLabel.optional(),
  source: z.enum(['config', 'api']).optional(),
});
export const decisionsQuery = z.strictObject({
  namespace: dnsLabel.optional(),
  policy: dnsLabel.optional(),
  from: time.describe('inclusive'),
  to: time.describe('exclusive'),
  limit: limit(1000),
  cursor,
});
const signalName = z
  .string()
  .max(63)
  .regex(/^[a-z][a-z0-9-]*$/, 'must be a signal name such as demand');
export const anomaliesQuery = z.strictObject({
  namespace: dnsLabel.optional(),
  policy: dnsLabel.optional().describe('a policy, or a budget for budget signals'),
  signal: signalName.optional(),
  from: time.describe('episodes that started at or after this'),
  to: time.describe('episodes that started before this'),
  active: z.enum(['true', 'false']).optional().describe('only episodes that last (true) or ended (false)'),
  limit: limit(1000),
  cursor,
});
export const anomalyParams = z.strictObject({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, 'must be an anomaly id')
    .transform(Number),
});
export const forecastQuery = z.strictObject({
  window: durationParam.optional().describe('how far back actuals go (default 6h, at most 7d)'),
  step: durationParam.optional().describe('resolution of actuals (default: window / 240, at least 15s)'),
});
export const pageQuery = z.strictObject({ limit: limit(1000), cursor });
export const auditQuery = z.strictObject({
  actor: z.string().max(300).optional(),
  action: z.string().max(100).optional(),
  resource: z.string().max(300).optional().describe('exact resource, or a prefix ending in "/"'),
  from: time,
  to: time,
  limit: limit(1000),
  cursor,
});
export const apiKeysQuery = z.strictObject({ includeRevoked: z.enum(['true', 'false']).optional() });
export const recommendationKindSchema = z.enum(['rightsizing', 'hpa-tuning', 'schedule', 'spot', 'idle']);
export const recommendationStatusSchema = z
  .enum(['open', 'applied', 'rolled_back', 'dismissed', 'expired'])
  .describe('open → applied → rolled_back; open → dismissed; open → expired');
export const recommendationsQuery = z.strictObject({
  status: recommendationStatusSchema.optional(),
  namespace: dnsLabel.optional(),
  policy: dnsLabel.optional(),
  kind: recommendationKindSchema.optional(),
  limit: limit(1000),
  cursor,
});
export const recommendationParams = z.strictObject({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, 'must be a recommendation id')
    .transform(Number),
});
export const rollbackQuery = z.strictObject({
  force: z
    .enum(['true', 'false'])
    .optional()
    .describe('restore the prior fields even when they were changed since the recommendation was applied'),
});
export const noQuery = z.strictObject({});
export const noParams = z.strictObject({});

// ---- requests --------------------------------------------------------------------------------------

export const overrideRequest = z
  .strictObject({
    replicas: z.int().min(0).max(10_000),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe('RFC 3339; give this or ttlSeconds'),
    ttlSeconds: z
      .int()
      .min(60)
      .max(90 * 86_400)
      .optional()
      .describe('seconds from now; give this or expiresAt'),
    reason: z.string().max(500).default(''),
  })
  .superRefine((o, ctx) => {
    if ((o.expiresAt === undefined) === (o.ttlSeconds === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['expiresAt'],
        message: 'give exactly one of expiresAt and ttlSeconds',
      });
    }
  });

export const apiKeyRequest = z.strictObject({
  name: z.string().min(1).max(100),
  role: z.enum(ROLES),
});

const baselineSpec = z
  .string()
  .regex(
    /^(hpa-cpu:(0?\.[0-9]+|1(\.0+)?|[1-9][0-9]?%|100%)|fixed:[0-9]{1,5})$/,
    'must be hpa-cpu:<target> (e.g. hpa-cpu:0.7 or hpa-cpu:70%) or fixed:<replicas>',
  );

export const simulationRequest = z.strictObject({
  window: durationParam.default('7d').describe('how much history to replay, 1h–14d'),
  step: durationParam
    .optional()
    .describe('resolution of the history, at least 15s (default: window / 2016, between 1m and 5m)'),
  baselines: z
    .array(baselineSpec)
    .max(5)
    .default(['hpa-cpu:0.7'])
    .describe('scenarios to compare with: hpa-cpu:<target utilisation> or fixed:<replicas>'),
  parameters: z
    .strictObject({
      mode: z.enum(['sla-first', 'balanced', 'budget-first']).optional(),
      sloMissCostPerHour: z.number().nonnegative().optional(),
      minReplicas: z.int().min(0).optional(),
      maxReplicas: z.int().min(1).optional(),
      capacityPerReplica: z.number().positive().optional(),
    })
    .default({})
    .describe('changes to the policy for this what-if run'),
  hpaTolerance: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .default(null)
    .describe(
      'tolerance of every simulated HPA (costscale’s and the CPU baselines’); null for HPAs without behavior (0.1)',
    ),
  hpaScaleDownWindowSeconds: z
    .int()
    .min(0)
    .max(3600)
    .nullable()
    .default(null)
    .describe('scale-down stabilization window of the CPU baselines’ HPAs; null for the controller’s 300 s'),
  costscaleScaleDownWindowSeconds: z
    .int()
    .min(0)
    .max(3600)
    .default(COSTSCALE_HPA_SCALE_DOWN_WINDOW_SECONDS)
    .describe('the same for the HPA reading costscale (default: deploy/examples/hpa.yaml’s)'),
  syncSeconds: z.int().min(5).max(300).default(15).describe('HPA sync period and simulation step'),
  replicaCost: z
    .number()
    .nonnegative()
    .optional()
    .describe('price of one replica-hour (default: the replica’s requests × unit prices)'),
});

// ---- responses -------------------------------------------------------------------------------------

export const overrideResource = z.strictObject({
  namespace: z.string(),
  policy: z.string(),
  replicas: z.int(),
  expiresAt: timestamp,
  reason: z.string(),
  createdBy: z.string(),
  createdAt: timestamp,
  active: z.boolean().describe('false once expiresAt has passed'),
});

export const policyStateSchema = z
  .enum(['ok', 'degraded', 'failing', 'pending'])
  .describe(
    'ok: deciding from fresh inputs; degraded: inputs failed, last good values still served; failing: nothing servable; pending: not evaluated yet',
  );

export const policyStatusSchema = z.strictObject({
  state: policyStateSchema,
  replicas: z.int().nullable(),
  load: z.number().nullable(),
  costPerHour: z.number().nullable(),
  actingBound: actingBoundSchema.nullable(),
  valuesAt: nullableTimestamp.describe('when the served values were computed'),
  error: z.string().nullable(),
  override: overrideResource.nullable(),
  decision: decisionSchema.nullable().optional().describe('only on a single policy'),
  explanation: explanationSchema
    .nullable()
    .optional()
    .describe("the latest tick's explanation; only on a single policy"),
});

export const policyResource = z.strictObject({
  namespace: z.string(),
  name: z.string(),
  source: z.enum(['config', 'api']).describe('config: from the configuration file, read-only here'),
  version: z.int().nullable().describe('API-managed policies: incremented by each update'),
  createdAt: nullableTimestamp,
  updatedAt: nullableTimestamp,
  spec: policySchema,
  status: policyStatusSchema,
});

export const queryPreview = z.strictObject({
  role: z.enum(['demand', 'latency', 'errorRatio', 'currentReplicas']),
  backend: z.string(),
  query: z.string(),
  ok: z.boolean(),
  value: z.number().nullable(),
  observedAt: nullableTimestamp,
  labels: z.record(z.string(), z.string()),
  warnings: z.array(z.string()),
  error: z.string().nullable(),
});

export const dryRunResult = z.strictObject({
  at: timestamp,
  policy: policySchema,
  queries: z.array(queryPreview),
  decision: decisionSchema
    .nullable()
    .describe('null when the inputs allow no decision (see explanation.errors)'),
  explanation: explanationSchema,
  inputs: z.unknown().describe('the decision input as the engine would record it'),
});

export const decisionRecordResource = z.strictObject({
  id: z.int(),
  namespace: z.string(),
  policy: z.string(),
  decidedAt: timestamp,
  replicas: z.int().nullable().describe('null when no decision could be made'),
  decision: decisionSchema.nullable(),
  explanation: explanationSchema.nullable(),
  inputs: z.unknown(),
});

const seriesValues = z.array(z.number().nullable());

export const forecastAccuracySchema = z.strictObject({
  count: z.int(),
  mase: z.number().nullable(),
  smape: z.number().nullable(),
  coverage: z.number().nullable(),
  bias: z.number().nullable(),
  relativeMae: z.number().nullable(),
});

export const forecastResource = z.strictObject({
  namespace: z.string(),
  name: z.string(),
  unit: z.string(),
  actuals: z
    .strictObject({
      query: z.string(),
      stepSeconds: z.number(),
      timestamps: z.array(z.number()).describe('epoch milliseconds'),
      values: seriesValues,
      error: z.string().nullable(),
    })
    .describe('demand from Prometheus over the window'),
  current: z
    .strictObject({
      at: nullableTimestamp,
      demand: z.number().nullable(),
      demandQuantile: z.number().nullable(),
      tau: z.number().nullable(),
      targetDemand: z.number().nullable(),
      mode: z.enum(['forecast', 'reactive']).nullable().describe('which distribution decided'),
      reason: z.string().nullable(),
      model: z.string().nullable(),
      fittedAt: nullableTimestamp,
    })
    .describe("the latest decision's demand figures and the forecasting state"),
  forecast: z
    .strictObject({
      madeAt: timestamp,
      model: z.string(),
      stepSeconds: z.number(),
      timestamps: z.array(z.number()).describe('epoch milliseconds: start of each step-aligned bucket'),
      point: seriesValues,
      quantiles: z.array(z.strictObject({ quantile: z.number(), values: seriesValues })),
    })
    .nullable()
    .describe('the newest stored forecast; null until one was made'),
  accuracy: forecastAccuracySchema.nullable(),
  accuracySource: z
    .enum(['online', 'stored'])
    .nullable()
    .describe('online: the engine’s running score of served forecasts; stored: saved with the forecast'),
});

export const budgetStatusResource = z.strictObject({
  periodLabel: z.string(),
  amount: z.number(),
  spent: z.number(),
  remaining: z.number(),
  hoursLeft: z.number(),
  burnRatePerHour: z.number(),
  projectedSpend: z.number(),
  projectionBasis: z.enum(['burn-rate', 'forecast']),
  utilisation: z.number(),
  projectedUtilisation: z.number(),
  exhaustionAt: nullableTimestamp.describe(
    'when the current burn rate exhausts the budget within the period',
  ),
  state: z.enum(['ok', 'warning', 'critical']),
  shadowPrice: z.number(),
  warnings: z.array(z.string()),
  evaluatedAt: timestamp,
});

export const budgetResource = z.strictObject({
  name: z.string(),
  source: z.enum(['config', 'api']),
  createdAt: nullableTimestamp,
  updatedAt: nullableTimestamp,
  spec: budgetSchema,
  policies: z.array(z.string()).describe('policies (namespace/name) in the budget’s scope'),
  status: budgetStatusResource.nullable(),
  statusError: z.string().nullable(),
});

export const budgetEventResource = z.strictObject({
  id: z.int(),
  budget: z.string(),
  at: timestamp,
  periodStart: timestamp,
  from: z.string(),
  to: z.string(),
  utilisation: z.number(),
  details: z.record(z.string(), z.unknown()),
});

export const overviewResource = z.strictObject({
  generatedAt: timestamp,
  snapshot: z.strictObject({
    generatedAt: nullableTimestamp,
    tick: z.int().nullable(),
    ageSeconds: z.number().nullable(),
  }),
  spend: z.strictObject({
    currency: z.string(),
    costPerHour: z.number().describe('sum of the decided cost per hour over policies with a decision'),
    budgets: z.array(
      z.strictObject({
        name: z.string(),
        state: z.enum(['ok', 'warning', 'critical', 'unknown']),
        amount: z.number(),
        spent: z.number().nullable(),
        projectedSpend: z.number().nullable(),
        utilisation: z.number().nullable(),
      }),
    ),
  }),
  savings: z
    .strictObject({
      baseline: z.literal('max-replicas'),
      description: z.string(),
      baselineCostPerHour: z.number(),
      costPerHour: z.number(),
      savingsPerHour: z.number(),
      savingsRatio: z.number().nullable(),
      policiesCounted: z.int(),
    })
    .describe('against running every policy at replicas.max (static provisioning for peak)'),
  counts: z.strictObject({
    policies: z.strictObject({
      total: z.int(),
      ok: z.int(),
      degraded: z.int(),
      failing: z.int(),
      pending: z.int(),
      config: z.int(),
      api: z.int(),
    }),
    overridesActive: z.int(),
    budgets: z.strictObject({
      total: z.int(),
      ok: z.int(),
      warning: z.int(),
      critical: z.int(),
      unknown: z.int(),
    }),
  }),
  health: z.strictObject({
    database: z.strictObject({
      up: z.boolean(),
      latencyMs: z.number().nullable(),
      error: z.string().nullable(),
    }),
    sources: z.array(
      z.strictObject({
        backend: z.string(),
        circuit: z.enum(['closed', 'open', 'half-open', 'unknown']),
        policiesFailing: z.int(),
      }),
    ),
    policyErrors: z.array(z.strictObject({ namespace: z.string(), name: z.string(), error: z.string() })),
  }),
});

export const apiKeyResource = z.strictObject({
  id: z.int(),
  name: z.string(),
  prefix: z.string(),
  role: z.enum(ROLES),
  createdAt: timestamp,
  revokedAt: nullableTimestamp,
  lastUsedAt: nullableTimestamp,
});

export const createdApiKey = z.strictObject({
  key: apiKeyResource,
  token: z.string().describe('the secret, shown only in this response'),
});

export const auditEntryResource = z.strictObject({
  id: z.int(),
  at: timestamp,
  actor: z.string(),
  role: z.string(),
  action: z.string(),
  resource: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});

const workloadRef = z.strictObject({ kind: z.enum(['Deployment', 'StatefulSet']), name: z.string() });

export const objectChangeSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('container-requests'),
      workload: workloadRef,
      containers: z.array(
        z.strictObject({ name: z.string(), cpu: z.string().optional(), memory: z.string().optional() }),
      ),
    }),
    z.strictObject({
      type: z.literal('hpa'),
      hpa: z.string(),
      workload: workloadRef,
      minReplicas: z.int().optional(),
      maxReplicas: z.int().optional(),
      cpuTargetPercent: z.int().optional(),
    }),
    z.strictObject({ type: z.literal('workload-replicas'), workload: workloadRef, replicas: z.int() }),
    z.strictObject({
      type: z.literal('spot-placement'),
      workload: workloadRef,
      nodeSelector: z.record(z.string(), z.string()),
      tolerations: z.array(tolerationSchema),
    }),
    z.strictObject({
      type: z.literal('policy'),
      policy: z.string(),
      minReplicas: z.int().optional(),
      maxReplicas: z.int().optional(),
      schedules: z.array(scheduleSchema).optional(),
    }),
  ])
  .describe('one object the recommendation changes, independent of its current state');

export const simulationFiguresSchema = z.strictObject({
  sloMissMinutes: z.number(),
  unmetDemand: z.number(),
  replicaHours: z.number(),
  meanReplicas: z.number(),
  peakReplicas: z.number(),
  cost: z.number(),
});

export const slaCheckSchema = z
  .strictObject({
    passed: z.boolean(),
    scenario: z.string().describe('how the replica count was simulated'),
    hours: z.number(),
    toleranceMinutes: z.number(),
    before: simulationFiguresSchema,
    after: simulationFiguresSchema,
    sloMissIncreaseMinutes: z.number(),
    detail: z.string(),
  })
  .describe("the workload's history simulated as it is (before) and with the change (after)");

export const configChangeResource = z.strictObject({
  id: z.int(),
  at: timestamp,
  actor: z.string(),
  source: z.string().describe('recommendation (applied) or rollback'),
  target: z.unknown().describe('the object changed: apiVersion, kind, namespace, name'),
  before: z.unknown().describe('JSON merge patch: the changed fields as they were'),
  after: z.unknown().describe('JSON merge patch: the changed fields as written'),
  reason: z.string(),
});

export const recommendationResource = z.strictObject({
  id: z.int(),
  kind: recommendationKindSchema,
  status: recommendationStatusSchema,
  namespace: z.string(),
  policy: z.string(),
  target: z.strictObject({ kind: z.string(), name: z.string() }),
  summary: z.string(),
  monthlySavings: z.number().describe('730 h × the cost per hour it saves (negative: it costs, for safety)'),
  currency: z.string(),
  evidence: z
    .record(
      z.string(),
      z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.number().nullable())]),
    )
    .describe('the numbers it was derived from'),
  slaCheck: slaCheckSchema,
  changes: z.array(objectChangeSchema),
  createdAt: timestamp,
  updatedAt: timestamp,
  expiresAt: nullableTimestamp,
  statusChangedAt: nullableTimestamp,
  statusChangedBy: z.string().nullable(),
  configChanges: z
    .array(configChangeResource)
    .optional()
    .describe('changes made when it was applied and rolled back; only on a single recommendation'),
});

export const simulationSummarySchema = z.strictObject({
  name: z.string(),
  hours: z.number(),
  replicaHours: z.number(),
  meanReplicas: z.number(),
  peakReplicas: z.number(),
  cost: z.number().nullable(),
  sloMissMinutes: z.number(),
  unmetDemand: z.number(),
  unmetFraction: z.number(),
  scaleUps: z.number(),
  scaleDowns: z.number(),
});

export const simulationReport = z
  .strictObject({
    trace: z.strictObject({
      file: z
        .string()
        .nullable()
        .describe('the trace file (costscale simulate); null for Prometheus history'),
      samples: z.int(),
      start: timestamp,
      hours: z.number(),
      backend: z.string().optional(),
      query: z.string().optional(),
      stepSeconds: z.number().optional(),
    }),
    policy: z.string(),
    currency: z.string(),
    costPerReplicaHour: z.number().nullable(),
    capacityPerReplica: z.number(),
    readinessDelaySeconds: z.number(),
    hpaTolerance: z.number().nullable(),
    hpaScaleDownWindowSeconds: z
      .number()
      .nullable()
      .optional()
      .describe('scale-down window of the CPU baselines’ HPAs; null for the controller’s 300 s'),
    costscaleScaleDownWindowSeconds: z
      .number()
      .optional()
      .describe('scale-down window of the HPA reading costscale (deploy/examples/hpa.yaml’s)'),
    trueCapacityPerReplica: z
      .number()
      .optional()
      .describe('what a replica really serves in the run (capacityPerReplica is what costscale plans with)'),
    cpuCap: z.number().optional().describe('highest CPU utilisation of the request the CPU baselines see'),
    pipeline: z
      .strictObject({
        scrapeIntervalSeconds: z.number(),
        rateWindowSeconds: z.number(),
        tickAgeSeconds: z.number(),
        metricsResolutionSeconds: z.number(),
      })
      .optional()
      .describe(
        'the metric pipelines simulated: Prometheus for costscale, metrics-server for the CPU baselines',
      ),
    scenarios: z.array(simulationSummarySchema).describe('the baselines, then costscale'),
  })
  .describe('the report of `costscale simulate --json`');

export const kedaPolicyValues = z
  .strictObject({
    namespace: z.string(),
    name: z.string(),
    timestamp: timestamp.describe('when the decision behind the values was made'),
    replicas: z.number().describe('costscale_replicas: the decided replica count'),
    load: z.number().describe('costscale_load'),
    costPerHour: z.number().nullable().describe('costscale_cost_per_hour; null when not finite'),
    budgetPressure: z.number().nullable().describe('costscale_budget_pressure; null when not finite'),
    forecastDemand: z.number().nullable().describe('costscale_forecast_demand; null when not finite'),
  })
  .describe(
    "one policy's served values for KEDA's metrics-api scaler: valueLocation is a GJSON path such as `replicas`",
  );

export const anomalyResource = z.strictObject({
  id: z.int().describe('0 for an episode served from memory while the database is unreachable'),
  namespace: z.string().describe("empty for a budget's signal"),
  policy: z.string().describe("the policy, or the budget for a budget's signal"),
  signal: z.string().describe('demand, cost-per-hour, latency or budget-spend'),
  startedAt: timestamp,
  endedAt: nullableTimestamp.describe('null while the episode lasts'),
  active: z.boolean(),
  peakScore: z.number().describe('highest anomaly score in [0, 1] during the episode'),
  expected: z
    .strictObject({ low: z.number(), high: z.number() })
    .nullable()
    .describe(
      'the band of values the detector expected when the episode started; null when served from memory',
    ),
});

export const anomalyDetailResource = anomalyResource.extend({
  unit: z.string().nullable().describe("the signal's unit; null when the policy is gone"),
  samples: z
    .strictObject({
      query: z.string(),
      stepSeconds: z.number(),
      timestamps: z.array(z.number()).describe('epoch milliseconds'),
      values: seriesValues,
      error: z.string().nullable(),
    })
    .nullable()
    .describe(
      "the signal from Prometheus around the episode; null when the signal's query is no longer configured",
    ),
});

export const whoamiResource = z.strictObject({
  actor: z.string(),
  kind: z.enum(['apikey', 'kubernetes']),
  role: z.enum(ROLES),
});

export const policyList = listOf(policyResource);
export const decisionList = listOf(decisionRecordResource);
export const overrideList = listOf(overrideResource);
export const budgetList = listOf(budgetResource);
export const budgetEventList = listOf(budgetEventResource);
export const auditList = listOf(auditEntryResource);
export const apiKeyList = listOf(apiKeyResource);
export const recommendationList = listOf(recommendationResource);
export const anomalyList = listOf(anomalyResource);

/**
 * The named schemas of the OpenAPI document (components), and of the client types (client-types.ts):
 * requests in their input form (defaults may be left out), answers in their output form.
 */
export const REQUESTS = {
  PolicySpecInput: policySchema,
  BudgetSpecInput: budgetSchema,
  OverrideRequest: overrideRequest,
  ApiKeyRequest: apiKeyRequest,
  SimulationRequest: simulationRequest,
} satisfies Record<string, z.ZodType>;

export const RESPONSES = {
  Problem: problemSchema,
  PolicySpec: policySchema,
  BudgetSpec: budgetSchema,
  Decision: decisionSchema,
  Explanation: explanationSchema,
  Override: overrideResource,
  PolicyStatus: policyStatusSchema,
  Policy: policyResource,
  PolicyList: policyList,
  DryRunResult: dryRunResult,
  DecisionRecord: decisionRecordResource,
  DecisionList: decisionList,
  OverrideList: overrideList,
  Forecast: forecastResource,
  BudgetStatus: budgetStatusResource,
  Budget: budgetResource,
  BudgetList: budgetList,
  BudgetEvent: budgetEventResource,
  BudgetEventList: budgetEventList,
  Overview: overviewResource,
  ApiKey: apiKeyResource,
  ApiKeyList: apiKeyList,
  CreatedApiKey: createdApiKey,
  AuditEntry: auditEntryResource,
  AuditList: auditList,
  Whoami: whoamiResource,
  ObjectChange: objectChangeSchema,
  SlaCheck: slaCheckSchema,
  ConfigChange: configChangeResource,
  Recommendation: recommendationResource,
  RecommendationList: recommendationList,
  SimulationSummary: simulationSummarySchema,
  SimulationReport: simulationReport,
  KedaPolicyValues: kedaPolicyValues,
  Anomaly: anomalyResource,
  AnomalyList: anomalyList,
  AnomalyDetail: anomalyDetailResource,
} satisfies Record<string, z.ZodType>;
export type RequestComponent = keyof typeof REQUESTS;
export type ResponseComponent = keyof typeof RESPONSES;
