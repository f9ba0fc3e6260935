import { z } from 'zod';
import { decisionSchema, explanationSchema } from '../domain/decide';
import { SERVED_METRICS, type Snapshot } from './snapshot';

// A snapshot as it crosses a process boundary (the leader stores it in PostgreSQL as JSON, followers
// read it back). Typed against Snapshot, so the parsed value is what servers read.

/** JSON writes NaN and ±Infinity as null; read null back as NaN, which no server serves. */
const jsonNumber = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);

const accuracySchema = z.object({
  count: jsonNumber,
  mase: jsonNumber,
  smape: jsonNumber,
  coverage: jsonNumber,
  bias: jsonNumber,
  relativeMae: jsonNumber,
});

const seriesAnomalySchema = z.object({
  score: z.number(),
  active: z.boolean(),
  since: z.number().optional(),
  peak: z.number().optional(),
  episodes: z.number(),
});
const signalAnomalySchema = seriesAnomalySchema.extend({
  signal: z.enum(['cost-per-hour', 'latency', 'budget-spend']),
});

const policySnapshotSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  labels: z.record(z.string(), z.string()),
  allowedNamespaces: z.array(z.string()),
  target: z.object({ kind: z.string(), name: z.string() }).optional(),
  values: z.record(z.enum(SERVED_METRICS), jsonNumber).optional(),
  valuesAt: z.number().optional(),
  error: z.string().optional(),
  decision: decisionSchema.optional(),
  explanation: explanationSchema.optional(),
  forecast: z
    .object({
      mode: z.enum(['forecast', 'reactive']),
      reason: z.string(),
      model: z.string().optional(),
      fittedAt: z.number().optional(),
      accuracy: accuracySchema.optional(),
      anomaly: seriesAnomalySchema.optional(),
    })
    .optional(),
  anomalies: z.array(signalAnomalySchema).optional(),
});

const budgetStatusSchema = z.object({
  periodLabel: z.string(),
  amount: jsonNumber,
  spent: jsonNumber,
  remaining: jsonNumber,
  hoursLeft: jsonNumber,
  burnRatePerHour: jsonNumber,
  projectedSpend: jsonNumber,
  projectionBasis: z.enum(['burn-rate', 'forecast']),
  utilisation: jsonNumber,
  projectedUtilisation: jsonNumber,
  exhaustionAt: z.number().nullable(),
  state: z.enum(['ok', 'warning', 'critical']),
  thresholds: z.object({ warning: z.number(), critical: z.number() }),
  shadowPrice: jsonNumber,
  warnings: z.array(z.string()),
});

export const snapshotSchema: z.ZodType<Snapshot, unknown> = z.object({
  generatedAt: z.number(),
  tick: z.int().nonnegative(),
  policies: z.array(policySnapshotSchema),
  budgets: z
    .array(
      z.object({
        name: z.string(),
        status: budgetStatusSchema.optional(),
        error: z.string().optional(),
        anomaly: signalAnomalySchema.optional(),
      }),
    )
    .optional(),
});
