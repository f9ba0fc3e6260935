import { keptInput, type CompactResult, type KeptInput } from '../domain';
import type { PendingDecision, RecordedDistribution } from '../store/decisions';
import type { AssembledPolicy, TickBudget } from './assemble';
import type { TickOutput } from './engine';
import type { ForecastView } from './forecasting';
import { policyLabels } from '../config/policyIdentity';
import type { Policy } from '../config/schema';
import type { PolicyForecast, PolicySnapshot, PreviousSnapshot, ServedMetric } from '../snapshot/snapshot';

// Publishing a tick, pure: each policy's decision (or why there is none) as its next snapshot entry
// and its decision record, and each budget as its snapshot entry. A decision is kept compact: its
// explanation is rendered when it is read or stored (domain/explainDecision.ts).

/** An assembled policy and what decideCompact() made of its input. */
export interface DecidedPolicy extends AssembledPolicy {
  readonly result: CompactResult;
}

/**
 * The tick's output from its decided policies (taken one at a time) and its budgets; each entry put in its
 * predecessor's place in `previous` as it is made, so the previous snapshot's entries go as this one's come.
 */
export function publishTick(
  decided: Iterable<DecidedPolicy>,
  budgets: readonly TickBudget[],
  now: number,
  previous?: Pick<PreviousSnapshot, 'succeed'>,
): TickOutput {
  const policies: PolicySnapshot[] = [];
  const decisions: PendingDecision[] = [];
  const tick = new TickRecords(now);
  for (const p of decided) {
    const entry = snapshotEntry(p, now);
    policies.push(entry);
    previous?.succeed(p.key, entry);
    decisions.push(tick.record(p));
  }
  return {
    policies,
    decisions,
    budgets: budgets.map(({ name, status, error }) => ({
      name,
      ...(status && { status }),
      ...(error && { error }),
    })),
  };
}

/** A policy's snapshot entry: fresh values from a decision, else the last good ones and the reason. */
function snapshotEntry(
  { policy, forecast, previous, demandError, result }: DecidedPolicy,
  now: number,
): PolicySnapshot {
  // Each entry one literal that starts with its own keys: V8 (Node 20) gives an object literal that opens
  // with a spread, `{ ...identity, values }`, a hidden class of its own, so every entry kept its own
  // (issue 16: 22,000 maps and descriptor arrays at 10,000 policies, about 1 KiB a policy).
  const forecastView = forecast && { forecast: forecastSummary(forecast) };
  if (result.ok) {
    const dec = result.decision;
    return {
      name: policy.name,
      namespace: policy.namespace,
      labels: labelsOf(policy),
      allowedNamespaces: policy.allowedNamespaces,
      target: policy.target,
      ...forecastView,
      values: servedValues(dec),
      valuesAt: now,
      decision: dec,
      explanation: dec.facts,
    };
  }
  return {
    name: policy.name,
    namespace: policy.namespace,
    labels: labelsOf(policy),
    allowedNamespaces: policy.allowedNamespaces,
    target: policy.target,
    ...forecastView,
    // Last good values stay until the staleness bound (ARCHITECTURE.md §6); the server judges age.
    ...(previous?.values && { values: previous.values, valuesAt: previous.valuesAt }),
    ...(previous?.decision && { decision: previous.decision }),
    error:
      demandError ?? (result.failure.explanation.errors.join('; ') || result.failure.explanation.summary),
    explanation: result.failure.explanation,
  };
}

/**
 * A tick's decision records: the time and the distributions' quantiles of all of them, held once. The
 * records are made in the tick's synchronous step, while its entries are made and those of the snapshot
 * before are let go, and live until the sink has written them; as literals each was about 220 bytes of
 * its own (its time and three quantiles each a number in a box, the quantiles' object), at 100,000
 * policies about 22 MiB of the step's live heap (issue 16).
 */
class TickRecords {
  /** p50, p90 and p99 of each record's distribution, three a record. */
  quantiles = new Float64Array(3 * 1024);
  private count = 0;

  constructor(readonly decidedAt: number) {}

  /** What is stored for the decision history: the inputs and the decision or failure. */
  record({ policy, input, result }: DecidedPolicy): PendingDecision {
    const { distribution } = input;
    if (distribution === undefined)
      return new TickDecision(policy, result, result.ok ? undefined : keptInput(input), this, -1);
    if (3 * (this.count + 1) > this.quantiles.length) {
      const grown = new Float64Array(2 * this.quantiles.length);
      grown.set(this.quantiles);
      this.quantiles = grown;
    }
    const at = 3 * this.count++;
    this.quantiles[at] = distribution.quantile(0.5);
    this.quantiles[at + 1] = distribution.quantile(0.9);
    this.quantiles[at + 2] = distribution.quantile(0.99);
    return new TickDecision(policy, result, result.ok ? undefined : keptInput(input), this, at);
  }
}

/** A decision record, its fields read from what the tick and the decision hold. */
class TickDecision implements PendingDecision {
  constructor(
    private readonly of: Policy,
    readonly result: CompactResult,
    /** A failure's input without its distribution; a decision's is in its facts. */
    private readonly kept: KeptInput | undefined,
    private readonly tick: TickRecords,
    /** Where its quantiles are in the tick's, or -1 without a distribution. */
    private readonly at: number,
  ) {}

  get namespace(): string {
    return this.of.namespace;
  }

  get policy(): string {
    return this.of.name;
  }

  get decidedAt(): number {
    return this.tick.decidedAt;
  }

  get input(): KeptInput {
    return this.result.ok ? this.result.decision.facts.input : this.kept!;
  }

  /** The distribution as stored with the decision: three quantiles, not the distribution object. */
  get distribution(): RecordedDistribution | null {
    if (this.at < 0) return null;
    const q = this.tick.quantiles;
    return { p50: q[this.at]!, p90: q[this.at + 1]!, p99: q[this.at + 2]! };
  }
}

/**
 * The policy's labels, one object per policy of a configuration: every tick's entry shares it (entries
 * are frozen once published), rather than each tick keeping a copy until the next.
 */
function labelsOf(policy: Policy): Readonly<Record<string, string>> {
  let labels = LABELS.get(policy);
  if (labels === undefined) LABELS.set(policy, (labels = policyLabels(policy)));
  return labels;
}
const LABELS = new WeakMap<Policy, Readonly<Record<string, string>>>();

function forecastSummary(f: ForecastView): PolicyForecast {
  return {
    mode: f.mode,
    reason: f.reason,
    ...(f.model !== undefined && { model: f.model }),
    ...(f.fittedAt !== undefined && { fittedAt: f.fittedAt }),
    ...(f.accuracy && { accuracy: f.accuracy }),
    ...(f.anomaly && { anomaly: f.anomaly }),
  };
}

function servedValues(d: {
  replicas: number;
  load: number;
  costPerHour: number;
  shadowPrice: number;
  targetDemand: number;
}): Record<ServedMetric, number> {
  return {
    costscale_replicas: d.replicas,
    costscale_load: d.load,
    costscale_cost_per_hour: d.costPerHour,
    costscale_budget_pressure: d.shadowPrice,
    costscale_forecast_demand: d.targetDemand,
  };
}
