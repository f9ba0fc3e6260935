import { keptInput, type CompactResult, type DecisionInput } from '../domain';
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
  for (const p of decided) {
    const entry = snapshotEntry(p, now);
    policies.push(entry);
    previous?.succeed(p.key, entry);
    decisions.push(decisionRecord(p, now));
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

/** What is stored for the decision history: the inputs and the decision or failure. */
function decisionRecord({ policy, input, result }: DecidedPolicy, now: number): PendingDecision {
  return {
    namespace: policy.namespace,
    policy: policy.name,
    decidedAt: now,
    result,
    input: result.ok ? result.decision.facts.input : keptInput(input),
    distribution: recordedDistribution(input),
  };
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

/** The distribution as stored with the decision: three quantiles, not the distribution object. */
function recordedDistribution({ distribution }: DecisionInput): RecordedDistribution | null {
  return distribution === undefined
    ? null
    : {
        p50: distribution.quantile(0.5),
        p90: distribution.quantile(0.9),
        p99: distribution.quantile(0.99),
      };
}
