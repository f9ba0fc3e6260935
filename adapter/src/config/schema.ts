import { z } from 'zod';
import { DEFAULT_KEDA_SETTINGS, kedaSettingsSchema } from './kedaSettings';
import { DEFAULT_REST_SETTINGS, restSettingsSchema } from './restSettings';
import { forwardSettingsSchema } from './forwardSettings';

// The configuration file's schema. Every type the service uses for configuration is inferred from it,
// and the editor JSON Schema (adapter/config.schema.json) is generated from it.

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase DNS label (a-z, 0-9, "-")')
  .max(63);
const labelMap = z.record(z.string(), z.string());
const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour clock)');
const timeZone = z
  .string()
  .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' });

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const tlsClientSchema = z
  .strictObject({
    caFile: z.string().optional().describe('PEM bundle used to verify the server certificate'),
    certFile: z.string().optional().describe('client certificate (mTLS)'),
    keyFile: z.string().optional().describe('client key (mTLS)'),
    serverName: z.string().optional().describe('SNI / verification name override'),
    insecureSkipVerify: z.boolean().default(false),
  })
  .refine((t) => Boolean(t.certFile) === Boolean(t.keyFile), {
    message: 'certFile and keyFile must be given together',
  });

export const prometheusBackendSchema = z.strictObject({
  url: z.url().describe('base URL of the Prometheus HTTP API (Prometheus, Thanos, Mimir, VictoriaMetrics)'),
  tenant: z.string().optional().describe('sent as X-Scope-OrgID (Mimir, Cortex, Thanos receive)'),
  headers: z.record(z.string(), z.string()).default({}).describe('extra request headers'),
  auth: z
    .union([
      z.strictObject({ bearerToken: z.string().min(1) }),
      z.strictObject({ bearerTokenFile: z.string().min(1) }),
      z.strictObject({ basic: z.strictObject({ username: z.string(), password: z.string() }) }),
    ])
    .optional(),
  tls: tlsClientSchema.optional(),
  timeoutSeconds: positive.default(10),
  retries: z.int().min(0).max(10).default(2),
  maxConcurrency: z.int().min(1).max(256).default(8).describe('queries in flight at once to this backend'),
  cacheSeconds: nonNegative
    .default(5)
    .describe('identical queries within this window are answered from cache'),
});

export const priceBookSchema = z
  .strictObject({
    currency: z.string().default('USD'),
    cpuCoreHour: nonNegative.default(0.031611),
    spotCpuCoreHour: nonNegative.default(0.006655),
    ramGiBHour: nonNegative.default(0.004237),
    spotRamGiBHour: nonNegative.default(0.000892),
    gpuHour: nonNegative.default(0.95),
    spotGpuHour: nonNegative.default(0.95),
  })
  .describe("per-hour unit prices; defaults are OpenCost's default on-prem list (configs/default.json)");

export const pricesSchema = z.strictObject({
  source: z
    .enum(['book', 'opencost'])
    .default('book')
    .describe('book: the price book below; opencost: node_*_hourly_cost series from Prometheus'),
  backend: z.string().default('default').describe('Prometheus backend holding OpenCost series'),
  book: priceBookSchema.default(priceBookSchema.parse({})),
});

export const scheduleSchema = z.strictObject({
  name: z.string().min(1),
  timeZone: timeZone.default('UTC'),
  days: z.array(weekday).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
  from: clock,
  to: clock,
  minReplicas: z.int().min(0),
});

const overrideSchema = z.strictObject({
  replicas: z.int().min(0),
  expiresAt: z.iso.datetime({ offset: true }).describe('RFC 3339; the override is ignored after it'),
  reason: z.string().default(''),
});

const sloTargetSchema = z.strictObject({
  query: z.string().min(1),
  target: positive.describe('breached when the query result exceeds this value'),
});

export const policySchema = z
  .strictObject({
    name,
    namespace: name,
    labels: labelMap.default({}).describe('matched by the HPA label selector (policy=<name> is always set)'),
    allowedNamespaces: z
      .array(name)
      .default([])
      .describe('other namespaces whose HPAs may read this policy (none by default)'),
    target: z
      .strictObject({
        kind: z.enum(['Deployment', 'StatefulSet']).default('Deployment'),
        name: z.string().min(1),
      })
      .describe('the workload the HPA scales'),
    backend: z.string().default('default').describe('name of the Prometheus backend to query'),
    demand: z.strictObject({
      query: z.string().min(1).describe('PromQL giving demand in units per second'),
      unit: z.string().default('requests'),
    }),
    capacityPerReplica: positive.optional().describe('demand one replica serves within its SLO'),
    learnCapacity: z.boolean().default(false).describe('learn capacity from history where the SLO held'),
    replicas: z.strictObject({ min: z.int().min(0), max: z.int().min(1) }),
    readinessDelaySeconds: nonNegative.default(30),
    resources: z
      .strictObject({
        cpuCores: nonNegative.default(0),
        memoryGiB: nonNegative.default(0),
        gpus: nonNegative.default(0),
      })
      .optional()
      .describe('requests per replica; when absent, read from kube_pod_container_resource_requests'),
    spotShare: z.number().min(0).max(1).default(0),
    slo: z
      .strictObject({
        latencySeconds: sloTargetSchema.optional(),
        errorRatio: sloTargetSchema.optional(),
      })
      .default({}),
    sloMissCostPerHour: nonNegative
      .default(1)
      .describe(
        "v: cost of one hour of SLO miss (peak demand above the replicas' capacity, by any amount), in the price book currency",
      ),
    hpaTolerance: z
      .number()
      .min(0)
      .lt(1)
      .default(0.1)
      .describe(
        "tolerance of the HPA that reads this policy (its behavior's, else the cluster's 0.1): counts inside its band are never reached, so decisions pick a reachable one; 0 turns that off",
      ),
    budget: z.string().optional().describe('name of a budget this policy spends from'),
    mode: z.enum(['sla-first', 'balanced', 'budget-first']).default('balanced'),
    schedules: z.array(scheduleSchema).default([]),
    holidays: z
      .array(z.iso.date())
      .default([])
      .describe('dates (YYYY-MM-DD) on which schedules do not apply'),
    overrides: z.array(overrideSchema).default([]),
    forecast: z
      .strictObject({
        enabled: z.boolean().default(true),
        stepSeconds: z.int().min(60).max(3600).default(300).describe('resolution the models work at'),
        historyDays: positive.max(90).default(14).describe('history fitted on (warm start from Prometheus)'),
        refitHours: positive.default(6),
      })
      .default({ enabled: true, stepSeconds: 300, historyDays: 14, refitHours: 6 })
      .describe('seasonal demand forecasting; falls back to the reactive distribution when not trusted'),
  })
  .superRefine((p, ctx) => {
    if (p.replicas.min > p.replicas.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['replicas', 'max'],
        message: `must be ≥ replicas.min (${p.replicas.min})`,
      });
    }
    if (p.capacityPerReplica === undefined && !p.learnCapacity) {
      ctx.addIssue({
        code: 'custom',
        path: ['capacityPerReplica'],
        message: 'required unless learnCapacity is true',
      });
    }
  });

export const budgetSchema = z
  .strictObject({
    name,
    period: z.enum(['daily', 'weekly', 'monthly']),
    timeZone: timeZone.default('UTC'),
    amount: positive.describe('spend limit per period, in the price book currency'),
    scope: z
      .strictObject({
        namespaces: z.array(name).optional(),
        selector: z.string().optional().describe('label selector over policy labels'),
      })
      .default({}),
    thresholds: z
      .strictObject({
        warning: z.number().gt(0).lte(1).default(0.8),
        critical: z.number().gt(0).lte(1).default(0.95),
      })
      .default({ warning: 0.8, critical: 0.95 }),
  })
  .superRefine((b, ctx) => {
    if (b.thresholds.warning >= b.thresholds.critical) {
      ctx.addIssue({
        code: 'custom',
        path: ['thresholds', 'warning'],
        message: 'must be below thresholds.critical',
      });
    }
  });

export const serverSchema = z.strictObject({
  host: z.string().default('0.0.0.0'),
  port: z.int().min(0).max(65535).default(6443).describe('HTTPS: External Metrics API and REST API'),
  metricsPort: z
    .int()
    .min(0)
    .max(65535)
    .default(8080)
    .describe('plain HTTP: /metrics and the health endpoints'),
  tls: z
    .strictObject({
      certFile: z.string().optional(),
      keyFile: z.string().optional(),
      serviceName: z.string().default('costscale'),
      serviceNamespace: z.string().default('costscale'),
      publishCA: z
        .strictObject({
          secretName: z.string().min(1).default('costscale-serving-ca'),
          apiService: z.string().min(1).default('v1beta1.external.metrics.k8s.io'),
        })
        .optional()
        .describe(
          'without certFile: share one CA through this Secret (in serviceNamespace) and set it as the APIService caBundle',
        ),
    })
    .default({ serviceName: 'costscale', serviceNamespace: 'costscale' })
    .refine((t) => Boolean(t.certFile) === Boolean(t.keyFile), {
      message: 'certFile and keyFile must be given together',
    })
    .describe(
      'without certFile/keyFile a self-signed pair for <serviceName>.<serviceNamespace>.svc is generated',
    ),
  auth: z
    .strictObject({
      mode: z
        .enum(['delegated', 'local'])
        .default('delegated')
        .describe('local: no delegated authentication/authorization (development only; logs a warning)'),
      requestHeader: z
        .strictObject({
          clientCAFile: z.string().optional(),
          allowedNames: z.array(z.string()).default([]),
          usernameHeaders: z.array(z.string()).default(['X-Remote-User']),
          groupHeaders: z.array(z.string()).default(['X-Remote-Group']),
          extraHeaderPrefixes: z.array(z.string()).default(['X-Remote-Extra-']),
        })
        .optional()
        .describe('outside a cluster; in a cluster read from kube-system/extension-apiserver-authentication'),
      clientCAFile: z.string().optional(),
      kubeconfig: z.string().optional().describe('for TokenReview/SubjectAccessReview outside a cluster'),
    })
    .default({ mode: 'delegated' }),
  connections: z
    .strictObject({
      headersTimeoutSeconds: z.number().positive().default(10),
      requestTimeoutSeconds: z.number().positive().default(60),
      keepAliveTimeoutSeconds: z.number().positive().default(120),
      maxHeadersCount: z.int().min(1).default(100),
      maxConnections: z.int().min(1).default(4096),
    })
    .default({
      headersTimeoutSeconds: 10,
      requestTimeoutSeconds: 60,
      keepAliveTimeoutSeconds: 120,
      maxHeadersCount: 100,
      maxConnections: 4096,
    })
    .refine((c) => c.headersTimeoutSeconds <= c.requestTimeoutSeconds, {
      message: 'headersTimeoutSeconds must be ≤ requestTimeoutSeconds',
    })
    .describe('limits on both listeners, so slow or partial requests cannot hold connections'),
  rest: restSettingsSchema
    .default(DEFAULT_REST_SETTINGS)
    .describe('REST API under /api/v1 (same HTTPS port): limits, CORS, Kubernetes token roles'),
  keda: kedaSettingsSchema.default(DEFAULT_KEDA_SETTINGS).describe('KEDA integration'),
  forward: forwardSettingsSchema,
});

export const databaseSchema = z.strictObject({
  url: z
    .string()
    .optional()
    .describe('postgres:// URL; DATABASE_URL overrides; absent ⇒ embedded PostgreSQL'),
  dataDir: z
    .string()
    .default('.data/pg')
    .describe('embedded PostgreSQL data folder (relative to the config file)'),
  inMemory: z.boolean().default(false).describe('embedded PostgreSQL in memory (tests only)'),
  retentionDays: positive.default(30).describe('decisions older than this are deleted'),
  anomalyRetentionDays: positive.default(90).describe('anomaly episodes that ended longer ago are deleted'),
  spoolFile: z
    .string()
    .default('.data/decisions.spool.jsonl')
    .describe('decisions wait here while the database is unreachable (relative to the config file)'),
  maxSpoolBytes: z
    .int()
    .min(0)
    .default(256 * 1024 * 1024),
  poolSize: z.int().min(1).max(100).default(10),
});

export const engineSchema = z.strictObject({
  intervalSeconds: positive.default(15).describe('tick interval; the HPA sync period by default'),
  stalenessSeconds: positive.default(120).describe('last good values are served at most this long'),
  hpaSyncSeconds: positive.default(15),
  forecast: z
    .strictObject({
      maxFitsPerTick: z.int().min(0).default(2).describe('model fits per tick (each takes ~50–200 ms)'),
      maxWarmStartsPerTick: z.int().min(0).default(200).describe('policies whose history is loaded per tick'),
      coverageMargin: z
        .number()
        .gt(0)
        .lt(0.5)
        .default(0.1)
        .describe('the gate falls back when 90 % interval coverage is off by more than this'),
    })
    .default({ maxFitsPerTick: 2, maxWarmStartsPerTick: 200, coverageMargin: 0.1 }),
  leaderElection: z
    .strictObject({
      mode: z
        .enum(['auto', 'on', 'off'])
        .default('auto')
        .describe('auto: on when running in a cluster (KUBERNETES_SERVICE_HOST is set)'),
      leaseName: z.string().min(1).default('costscale'),
      leaseNamespace: z
        .string()
        .optional()
        .describe('default: the pod namespace (POD_NAMESPACE), else "default"'),
      leaseDurationSeconds: z.int().min(3).max(300).default(15),
      replicationToken: z
        .string()
        .min(32)
        .optional()
        .describe(
          'shared secret (e.g. ${COSTSCALE_REPLICATION_TOKEN}) with which followers fetch the leader snapshot over HTTPS; without it they read PostgreSQL only',
        ),
    })
    .default({ mode: 'auto', leaseName: 'costscale', leaseDurationSeconds: 15 })
    .describe('one replica computes; the others serve its snapshot (from the leader, else PostgreSQL)'),
});

export const tolerationSchema = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
});

export const recommendationsSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('regenerate recommendations periodically in the service'),
  apply: z
    .boolean()
    .default(false)
    .describe(
      'let operators apply and roll back recommendations on workloads and HPAs (needs the patch Roles of deploy/examples/apply-rbac.yaml)',
    ),
  intervalHours: positive.default(6).describe('how often the service regenerates recommendations'),
  historyDays: z.number().min(1).max(30).default(7).describe('Prometheus history each recommendation reads'),
  stepSeconds: z.int().min(60).max(900).default(300).describe('resolution of that history'),
  simulationStepSeconds: z
    .int()
    .min(15)
    .max(300)
    .default(60)
    .describe('HPA sync period of the SLA-check simulations (15 is exact and slower)'),
  expireAfterHours: positive
    .default(24)
    .describe('an open recommendation not confirmed by a regeneration within this expires'),
  slaToleranceMinutesPerDay: nonNegative
    .default(1)
    .describe('SLO-miss minutes per day a recommendation may add in simulation before it is rejected'),
  minMonthlySavings: nonNegative
    .default(1)
    .describe('smaller savings are not offered (unless the change cuts SLO misses)'),
  safetyMargin: z.number().min(0).max(1).default(0.15).describe('added to request estimates (VPA: 15 %)'),
  targetUtilization: z
    .union([z.enum(['dev', 'prod', 'ha']), z.number().gt(0).lte(1)])
    .default(0.7)
    .describe('CPU HPA target to tune towards: a fraction, or a profile (dev 0.80, prod 0.65, ha 0.50)'),
  timeZone: timeZone.default('UTC').describe('wall clock of proposed schedule profiles'),
  periodicity: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.6)
    .describe('daily or weekly autocorrelation of demand above which a schedule is proposed'),
  idle: z
    .strictObject({
      maxDemandShare: z
        .number()
        .min(0)
        .lt(1)
        .default(0.01)
        .describe('demand at most this share of one replica’s capacity counts as none'),
      minIdleShare: z
        .number()
        .gt(0)
        .lte(1)
        .default(0.95)
        .describe('share of the window without demand that makes a scale-to-zero candidate'),
    })
    .default({ maxDemandShare: 0.01, minIdleShare: 0.95 }),
  spot: z
    .strictObject({
      nodeSelector: labelMap
        .default({ 'karpenter.sh/capacity-type': 'spot' })
        .describe('node labels of spot capacity, preferred through node affinity when applied'),
      tolerations: z.array(tolerationSchema).default([]).describe('added to tolerate spot node taints'),
    })
    .default({ nodeSelector: { 'karpenter.sh/capacity-type': 'spot' }, tolerations: [] }),
});

export const configSchema = z
  .strictObject({
    prometheus: z
      .record(z.string(), prometheusBackendSchema)
      .default({})
      .describe('named Prometheus backends; policies pick one by name ("default" unless said)'),
    prices: pricesSchema.default(pricesSchema.parse({})),
    budgets: z.array(budgetSchema).default([]),
    policies: z.array(policySchema).default([]),
    allowEmpty: z
      .boolean()
      .default(false)
      .describe(
        'accept a file without policies (e.g. when every policy is managed through the REST API); otherwise an empty file is refused at start and on reload',
      ),
    limits: z
      .strictObject({
        maxPolicies: z
          .int()
          .positive()
          .optional()
          .describe(
            'most policies the file may hold; default: as many as the heap limit (NODE_OPTIONS --max-old-space-size) holds, estimated per policy from its forecast history',
          ),
      })
      .default({})
      .describe('checked at start and on reload: a file over a limit is refused, never run out of memory'),
    server: serverSchema.default(serverSchema.parse({})),
    database: databaseSchema.default(databaseSchema.parse({})),
    engine: engineSchema.default(engineSchema.parse({})),
    recommendations: recommendationsSchema
      .default(recommendationsSchema.parse({}))
      .describe('priced right-sizing, HPA, schedule, spot and idle recommendations, checked by simulation'),
    log: z
      .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') })
      .default({ level: 'info' }),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.policies.forEach((p, i) => {
      const key = `${p.namespace}/${p.name}`;
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['policies', i, 'name'], message: `duplicate policy ${key}` });
      seen.add(key);
      if (!(p.backend in c.prometheus)) {
        ctx.addIssue({
          code: 'custom',
          path: ['policies', i, 'backend'],
          message: `no Prometheus backend named "${p.backend}" (have: ${Object.keys(c.prometheus).join(', ') || 'none'})`,
        });
      }
      if (p.budget !== undefined && !c.budgets.some((b) => b.name === p.budget)) {
        ctx.addIssue({
          code: 'custom',
          path: ['policies', i, 'budget'],
          message: `no budget named "${p.budget}"`,
        });
      }
    });
    const budgetNames = new Set<string>();
    c.budgets.forEach((b, i) => {
      if (budgetNames.has(b.name))
        ctx.addIssue({ code: 'custom', path: ['budgets', i, 'name'], message: `duplicate budget ${b.name}` });
      budgetNames.add(b.name);
    });
  });

export type Config = z.infer<typeof configSchema>;
export type Policy = z.infer<typeof policySchema>;
export type Budget = z.infer<typeof budgetSchema>;
export type PriceBook = z.infer<typeof priceBookSchema>;
export type PrometheusBackend = z.infer<typeof prometheusBackendSchema>;
export type ServerConfig = z.infer<typeof serverSchema>;
export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type RecommendationSettings = z.infer<typeof recommendationsSchema>;
