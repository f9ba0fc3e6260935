import { z } from 'zod';
import { decisionSchema, explanationSchema, PROVENANCED_INPUTS } from '../domain/decide';
import type { CompactDecision, DecisionFacts, KeptInput } from '../domain/explainDecision';
import { SERVED_METRICS, SNAPSHOT_FORMAT, type PolicySnapshot, type Snapshot } from './snapshot';

// A snapshot as it crosses a process boundary (the leader stores it in PostgreSQL as JSON, followers
// read it back). Typed against Snapshot, so the parsed value is what servers read. Two forms: every
// explanation rendered (format 1, no `format` field), or compact (format 2): a decision's numbers and the
// facts its explanation is rendered from, as the engine keeps them, rendered on read.

/** JSON writes NaN and ±Infinity as null; read null back as NaN, which no server serves. */
const jsonNumber = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);

const sloMeasurementSchema = z
  .object({ measured: jsonNumber.optional(), target: jsonNumber })
  .transform((m) => ({ measured: m.measured, target: m.target }));

/**
 * A decision's input as kept (domain/explainDecision.ts), read back from JSON: a number it holds as NaN (a
 * missing measurement, an earlier value there was none of) comes back as NaN.
 */
const keptInputSchema: z.ZodType<KeptInput, unknown> = z
  .object({
    policy: z.string().optional(),
    at: jsonNumber,
    mode: z.enum(['sla-first', 'balanced', 'budget-first']),
    demand: jsonNumber.optional(),
    demandLag: z
      .object({
        measured: jsonNumber,
        earlier: jsonNumber,
        halfEarlier: jsonNumber.optional(),
        lagSeconds: jsonNumber,
      })
      .optional(),
    demandUnit: z.string().optional(),
    anomalies: z.array(z.object({ signal: z.string(), since: jsonNumber, peak: jsonNumber })).optional(),
    capacityPerReplica: jsonNumber.optional(),
    costPerReplicaHour: jsonNumber.optional(),
    sloMissCostPerHour: jsonNumber,
    budget: z
      .object({
        name: z.string(),
        shadowPrice: jsonNumber,
        utilisation: jsonNumber,
        criticalThreshold: jsonNumber,
        remaining: jsonNumber,
        hoursLeft: jsonNumber,
      })
      .optional(),
    currentReplicas: jsonNumber.optional(),
    hpaTolerance: jsonNumber.optional(),
    startupShare: jsonNumber.optional(),
    readinessSeconds: jsonNumber.optional(),
    slo: z
      .object({ latency: sloMeasurementSchema.optional(), errorRatio: sloMeasurementSchema.optional() })
      .optional(),
    minReplicas: jsonNumber,
    maxReplicas: jsonNumber,
    schedules: z
      .array(
        z.object({
          name: z.string(),
          timeZone: z.string(),
          days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])),
          from: z.string(),
          to: z.string(),
          minReplicas: jsonNumber,
        }),
      )
      .optional(),
    holidays: z.array(z.string()).optional(),
    overrides: z
      .array(z.object({ replicas: jsonNumber, expiresAt: jsonNumber, reason: z.string().optional() }))
      .optional(),
    provenance: z
      .partialRecord(
        z.enum(PROVENANCED_INPUTS),
        z.object({ source: z.string(), observedAt: jsonNumber.optional() }),
      )
      .optional(),
    staleAfterMs: jsonNumber.optional(),
  })
  // Keys that hold undefined when absent (JSON drops them).
  .transform((input) =>
    Object.assign(input, {
      demand: input.demand,
      capacityPerReplica: input.capacityPerReplica,
      costPerReplicaHour: input.costPerReplicaHour,
    }),
  );

const decisionFactsSchema: z.ZodType<DecisionFacts, unknown> = z
  .object({
    input: keptInputSchema,
    rawQuantile: jsonNumber.optional(),
    reachable: jsonNumber,
  })
  .transform((facts) => ({ input: facts.input, rawQuantile: facts.rawQuantile, reachable: facts.reachable }));

/** A decision as the engine keeps it: decide()'s numbers and the facts of its explanation. */
const compactDecisionSchema: z.ZodType<CompactDecision, unknown> = decisionSchema
  .omit({ explanation: true })
  .extend({ facts: decisionFactsSchema });

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
  decision: z.union([compactDecisionSchema, decisionSchema]).optional(),
  explanation: z.union([decisionFactsSchema, explanationSchema]).optional(),
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

const budgetsSchema = z
  .array(
    z.object({
      name: z.string(),
      status: budgetStatusSchema.optional(),
      error: z.string().optional(),
      anomaly: signalAnomalySchema.optional(),
    }),
  )
  .optional();

/** A snapshot's fields, `policies` checked by `entries`; keys in the order JSON writes them. */
const snapshotObject = <E extends z.ZodType>(entries: E) =>
  z.object({
    format: z.literal(SNAPSHOT_FORMAT).optional(),
    generatedAt: z.number(),
    tick: z.int().nonnegative(),
    policies: z.array(entries),
    budgets: budgetsSchema,
  });

type Parsed = Omit<Snapshot, 'policies'> & {
  readonly format?: typeof SNAPSHOT_FORMAT;
  readonly policies: readonly PolicySnapshot[];
};

/** What the compact form leaves out, restored: the explanation of a fresh decision (below). */
const restored = ({ format, ...snapshot }: Parsed): Snapshot =>
  format === undefined ? snapshot : { ...snapshot, policies: snapshot.policies.map(withDecisionExplanation) };

export const snapshotSchema: z.ZodType<Snapshot, unknown> =
  snapshotObject(policySnapshotSchema).transform(restored);

/** The snapshot with its entries left unchecked, for readers that check them a slice at a time. */
const snapshotHeadSchema = snapshotObject(z.unknown());
const policySliceSchema = z.array(policySnapshotSchema);

/** Entries checked (and written, by the leader) between yields: a slice of 100 takes about 30 ms at most. */
export const SNAPSHOT_SLICE = 100;

/**
 * `snapshotSchema.safeParse`, the same acceptance, rejection and result, but entries are checked
 * `SNAPSHOT_SLICE` at a time and `between` is awaited after each slice: checking a snapshot of 100,000
 * policies takes seconds, and a follower serves HPA and KEDA reads on the same event loop meanwhile
 * (issue 16). The default yields to pending I/O (setImmediate runs after the poll phase).
 */
export async function parseSnapshotInSlices(
  value: unknown,
  between: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
): Promise<{ success: true; data: Snapshot } | { success: false; error: z.ZodError }> {
  const head = snapshotHeadSchema.safeParse(value);
  if (!head.success) return head;
  const entries = head.data.policies;
  const policies: PolicySnapshot[] = [];
  for (let at = 0; at < entries.length; at += SNAPSHOT_SLICE) {
    const slice = policySliceSchema.safeParse(entries.slice(at, at + SNAPSHOT_SLICE));
    if (!slice.success) {
      // Issues name the entry by its place in the whole list, as snapshotSchema's do.
      const issues = slice.error.issues.map((i) => ({
        ...i,
        path: ['policies', at + (i.path[0] as number), ...i.path.slice(1)],
      }));
      return { success: false, error: new z.ZodError(issues) };
    }
    for (const p of slice.data) policies.push(p);
    await between();
  }
  return { success: true, data: restored({ ...head.data, policies }) };
}

/**
 * In the compact form an entry whose explanation is its decision's (a fresh decision) leaves it out
 * rather than write the facts twice; it is the decision's facts again, one object, as the engine holds it.
 */
function withDecisionExplanation(p: PolicySnapshot): PolicySnapshot {
  return p.explanation === undefined && p.decision !== undefined && 'facts' in p.decision
    ? Object.assign({}, p, { explanation: p.decision.facts })
    : p;
}
