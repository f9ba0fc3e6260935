import { z } from 'zod';
import { budgetSchema, policySchema } from '../../config/schema';
import { actingBoundSchema, decisionSchema, explanationSchema } from '../../domain/decide';
import { ROLES } from './settings';

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

/** Named schemas for the OpenAPI components; requests are rendered as input, responses as output. */
export const REQUEST_COMPONENTS: ReadonlyArray<readonly [string, z.ZodType]> = [
  ['PolicySpecInput', policySchema],
  ['BudgetSpecInput', budgetSchema],
  ['OverrideRequest', overrideRequest],
  ['ApiKeyRequest', apiKeyRequest],
];

export const RESPONSE_COMPONENTS: ReadonlyArray<readonly [string, z.ZodType]> = [
  ['Problem', problemSchema],
  ['PolicySpec', policySchema],
  ['BudgetSpec', budgetSchema],
  ['Decision', decisionSchema],
  ['Explanation', explanationSchema],
  ['Override', overrideResource],
  ['PolicyStatus', policyStatusSchema],
  ['Policy', policyResource],
  ['PolicyList', policyList],
  ['DryRunResult', dryRunResult],
  ['DecisionRecord', decisionRecordResource],
  ['DecisionList', decisionList],
  ['OverrideList', overrideList],
  ['Forecast', forecastResource],
  ['BudgetStatus', budgetStatusResource],
  ['Budget', budgetResource],
  ['BudgetList', budgetList],
  ['BudgetEvent', budgetEventResource],
  ['BudgetEventList', budgetEventList],
  ['Overview', overviewResource],
  ['ApiKey', apiKeyResource],
  ['ApiKeyList', apiKeyList],
  ['CreatedApiKey', createdApiKey],
  ['AuditEntry', auditEntryResource],
  ['AuditList', auditList],
  ['Whoami', whoamiResource],
];
