import { keptInput, type CompactDecision, type CompactResult, type KeptInput } from '../domain';
import type { PendingDecision, RecordedDistribution } from '../store/decisions';
import type { AssembledPolicy, TickBudget } from './assemble';
import type { TickOutput } from './engine';
import type { ForecastView } from './forecasting';
import { policyLabels } from '../config/policyIdentity';
import type { Policy } from '../config/schema';
import type { PolicyForecast, PolicySnapshot, PreviousSnapshot } from '../snapshot/snapshot';
import { ColumnDecision, DecisionColumns, DecisionValues, servedValues } from '../snapshot/decisionColumns';

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
  const columns = new DecisionColumns();
  for (const p of decided) {
    const held = p.result.ok ? columns.hold(p.result.decision) : undefined;
    const entry = snapshotEntry(p, held, columns, now);
    policies.push(entry);
    previous?.succeed(p.key, entry);
    decisions.push(tick.record(p, held));
  }
  columns.trim();
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

/**
 * A policy's snapshot entry: fresh values from a decision (`held`: its decision as this tick's columns
 * hold it), else the last good ones and the reason.
 */
function snapshotEntry(
  { policy, forecast, previous, demandError, result }: DecidedPolicy,
  held: CompactDecision | undefined,
  columns: DecisionColumns,
  now: number,
): PolicySnapshot {
  // Each entry one literal that starts with its own keys: V8 (Node 20) gives an object literal that opens
  // with a spread, `{ ...identity, values }`, a hidden class of its own, so every entry kept its own
  // (issue 16: 22,000 maps and descriptor arrays at 10,000 policies, about 1 KiB a policy).
  const forecastView = forecast && { forecast: forecastSummary(forecast) };
  if (result.ok) {
    const dec = held ?? result.decision;
    return {
      name: policy.name,
      namespace: policy.namespace,
      labels: labelsOf(policy),
      allowedNamespaces: policy.allowedNamespaces,
      target: policy.target,
      ...forecastView,
      values: valuesOf(dec),
      valuesAt: now,
      decision: dec,
      explanation: dec.facts,
    };
  }
  // A decision of the tick before is held again in this tick's columns, so that an entry never keeps
  // an earlier tick's columns alive (every policy failing since a different tick would keep one each).
  const carried = previous?.decision instanceof ColumnDecision ? columns.hold(previous.decision) : undefined;
  return {
    name: policy.name,
    namespace: policy.namespace,
    labels: labelsOf(policy),
    allowedNamespaces: policy.allowedNamespaces,
    target: policy.target,
    ...forecastView,
    // Last good values stay until the staleness bound (ARCHITECTURE.md §6); the server judges age.
    ...(previous?.values && {
      values:
        previous.values instanceof DecisionValues && carried instanceof ColumnDecision
          ? new DecisionValues(carried)
          : previous.values,
      valuesAt: previous.valuesAt,
    }),
    ...(previous?.decision && { decision: carried ?? previous.decision }),
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

  /**
   * What is stored for the decision history: the inputs and the decision (`held`: as the entry holds it)
   * or the failure.
   */
  record({ policy, input, result }: DecidedPolicy, held: CompactDecision | undefined): PendingDecision {
    const outcome = held ?? (result.ok ? result.decision : { result, kept: keptInput(input) });
    const { distribution } = input;
    if (distribution === undefined) return new TickDecision(policy, outcome, this, -1);
    if (3 * (this.count + 1) > this.quantiles.length) {
      const grown = new Float64Array(2 * this.quantiles.length);
      grown.set(this.quantiles);
      this.quantiles = grown;
    }
    const at = 3 * this.count++;
    this.quantiles[at] = distribution.quantile(0.5);
    this.quantiles[at + 1] = distribution.quantile(0.9);
    this.quantiles[at + 2] = distribution.quantile(0.99);
    return new TickDecision(policy, outcome, this, at);
  }
}

/** A failure as its record keeps it: the result and the input without its distribution. */
interface Failed {
  readonly result: CompactResult;
  readonly kept: KeptInput;
}

/** A decision record, its fields read from what the tick and the decision hold. */
class TickDecision implements PendingDecision {
  constructor(
    private readonly of: Policy,
    /** The decision as the entry holds it (its input in its facts), or the failure. */
    private readonly outcome: CompactDecision | Failed,
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

  get result(): CompactResult {
    return 'facts' in this.outcome ? { ok: true, decision: this.outcome } : this.outcome.result;
  }

  get input(): KeptInput {
    return 'facts' in this.outcome ? this.outcome.facts.input : this.outcome.kept;
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

/** A decision's served values: read from its columns when it is held in them. */
const valuesOf = (d: CompactDecision): PolicySnapshot['values'] =>
  d instanceof ColumnDecision ? new DecisionValues(d) : servedValues(d);
